package md.forcefields.backend;

import java.util.ArrayList;
import java.util.List;

import md.forcefields.backend.KernelBackend.IntBuffer;
import md.forcefields.backend.KernelBackend.OpKernel;
import md.forcefields.backend.KernelBackend.RealBuffer;
import md.forcefields.ml.Op;
import md.forcefields.ml.Workspace;
import md.forcefields.ml.ops.BlockLinear;
import md.forcefields.ml.ops.Elementwise;
import md.forcefields.ml.ops.Gate;
import md.forcefields.ml.ops.RadialOps;
import md.forcefields.ml.ops.SphericalHarmonicsOp;
import md.forcefields.ml.ops.UvuConvolution;

/**
 * The OpenCL/CUDA kernels of the model layer's ops ({@code kernels/ops.cl}), by op name: each entry
 * prepares an op once (its tables uploaded) and launches the kernels per call. An op whose name is not
 * here, or whose configuration a kernel does not cover (returns null), runs through
 * {@link HostFallbackKernel}. Semantics are the op's own Java kernels; {@code DeviceOpKernelsTest}
 * checks every kernel here against them.
 */
final class DeviceOpKernels {
    private DeviceOpKernels() {}

    /** Op names with device kernels (for reports and tests). */
    static final List<String> NAMES = List.of("add", "mul", "scale", "silu", "tanh", "sigmoid", "relu", "shifted_softplus", "matmul", "sliceColumns",
            "speciesOneHot", "pairLengths", "edgeLengths", "gatherNeighbour", "gatherCentre", "pairsToEdges", "scatterToCentre",
            "speciesAffine", "besselBasis", "polynomialCutoff", "linear", "speciesLinear", "gate", "sphericalHarmonics", "uvuConvolution",
            "concatColumns", "broadcastRows", "shareOverAtoms", "headSum", "headRepeat", "componentLinear", "componentNorm", "unitVectors",
            "cosineCutoff", "graphConstant", "elementRows", "expNormalBasis", "layerNorm");

    /** A kernel whose work is given as lambdas over the graph and buffers. */
    private interface Forward { void run(DeviceGraph g, RealBuffer[] in, RealBuffer out); }
    private interface Backward { void run(DeviceGraph g, RealBuffer[] in, RealBuffer out, RealBuffer gOut, RealBuffer[] gIn); }

    private static OpKernel of(Forward f, Backward b) {
        return new OpKernel() {
            @Override public void forward(DeviceGraph g, RealBuffer[] in, RealBuffer out) { f.run(g, in, out); }
            @Override public void backward(DeviceGraph g, RealBuffer[] in, RealBuffer out, RealBuffer gOut, RealBuffer[] gIn) { b.run(g, in, out, gOut, gIn); }
        };
    }

    /** A scratch buffer that grows to the largest size asked for. */
    private static final class Scratch {
        private final DeviceBackend b;
        private RealBuffer buf;
        Scratch(DeviceBackend b) { this.b = b; }
        RealBuffer get(int n) {
            if (buf == null || buf.length() < n) {
                if (buf != null) b.release(buf);
                buf = b.reals(Math.max(n, buf == null ? 1 : buf.length() * 5 / 4 + 16));
            }
            return buf;
        }
    }

    static OpKernel make(DeviceBackend b, Op op, Workspace ws) {
        return switch (op.name()) {
            case "expNormalBasis" -> {
                if (!ws.isConstant(1) || !ws.isConstant(2)) yield null; // trained means and betas: not an MD case
                md.forcefields.ml.ops.ExpNormal e = (md.forcefields.ml.ops.ExpNormal) op;
                int n = ws.width(1);
                double w = Math.PI / e.cutoffUpper();
                yield of((g, in, out) -> {
                    int rows = ws.inputShape(0).rowCount(g.host());
                    if (rows > 0) b.launch("op_exp_normal", rows, rows, n, e.cutoffLower(), e.cutoffUpper(), e.alpha(), w, in[0], in[1], in[2], out);
                }, (g, in, out, go, gi) -> {
                    int rows = ws.inputShape(0).rowCount(g.host());
                    if (gi[0] != null && rows > 0)
                        b.launch("op_exp_normal_backward", rows, rows, n, e.cutoffLower(), e.cutoffUpper(), e.alpha(), w, in[0], in[1], in[2], go, gi[0]);
                });
            }
            case "layerNorm" -> {
                md.forcefields.ml.ops.LayerNorm ln = (md.forcefields.ml.ops.LayerNorm) op;
                if (ln.affine() && (!ws.isConstant(1) || !ws.isConstant(2))) yield null; // trained gamma and beta: not an MD case
                int w = ws.width(0), affine = ln.affine() ? 1 : 0;
                Scratch stats = new Scratch(b);
                yield of((g, in, out) -> {
                    int rows = rows(ws, g);
                    if (rows > 0) b.launch("op_layer_norm", rows, rows, w, ln.eps(), affine, in[0], ln.affine() ? in[1] : in[0], ln.affine() ? in[2] : in[0],
                            stats.get(2 * rows), out);
                }, (g, in, out, go, gi) -> {
                    int rows = rows(ws, g);
                    if (gi[0] != null && rows > 0)
                        b.launch("op_layer_norm_backward", rows, rows, w, affine, in[0], ln.affine() ? in[1] : in[0], stats.get(2 * rows), go, gi[0]);
                });
            }
            case "concatColumns" -> {
                int total = ws.outputWidth();
                yield of((g, in, out) -> {
                    int rows = rows(ws, g);
                    for (int i = 0, at = 0; i < in.length; at += ws.width(i), i++)
                        if (rows * ws.width(i) > 0) b.launch("op_copy_columns", rows * ws.width(i), rows, ws.width(i), ws.width(i), 0, total, at, 0, in[i], out);
                }, (g, in, out, go, gi) -> {
                    int rows = rows(ws, g);
                    for (int i = 0, at = 0; i < in.length; at += ws.width(i), i++)
                        if (gi[i] != null && rows * ws.width(i) > 0) b.launch("op_copy_columns", rows * ws.width(i), rows, ws.width(i), total, at, ws.width(i), 0, 1, go, gi[i]);
                });
            }
            case "broadcastRows", "shareOverAtoms" -> {
                boolean share = op.name().equals("shareOverAtoms");
                int w = ws.outputWidth();
                yield of((g, in, out) -> {
                    int rows = rows(ws, g);
                    if (rows * w > 0) b.launch("op_broadcast_rows", rows * w, rows, w, share ? 1.0 / g.atoms() : 1.0, in[0], out);
                }, (g, in, out, go, gi) -> {
                    int rows = rows(ws, g);
                    if (gi[0] != null && w > 0) b.launch("op_column_sums_add", w, rows, w, share ? 1.0 / g.atoms() : 1.0, go, gi[0]);
                });
            }
            case "headSum", "headRepeat" -> {
                boolean sum = op.name().equals("headSum");
                int d = sum ? ((md.forcefields.ml.ops.HeadOps.HeadSum) op).headDim() : ((md.forcefields.ml.ops.HeadOps.HeadRepeat) op).headDim();
                int heads = sum ? ws.outputWidth() : ws.width(0);
                yield of((g, in, out) -> {
                    int groups = ws.inputShape(0).rowCount(g.host()) * heads;
                    if (groups > 0) b.launch(sum ? "op_group_sums" : "op_group_repeat", sum ? groups : groups * d, groups, d, 0, in[0], out);
                }, (g, in, out, go, gi) -> {
                    int groups = ws.inputShape(0).rowCount(g.host()) * heads;
                    if (gi[0] != null && groups > 0) b.launch(sum ? "op_group_repeat" : "op_group_sums", sum ? groups * d : groups, groups, d, 1, go, gi[0]);
                });
            }
            case "componentLinear" -> { // one matrix product over the (3 rows) x in layout
                if (!ws.isConstant(1)) yield null;
                int k = ws.inputShape(1).fixedRows(), m = ws.inputShape(1).width();
                yield of((g, in, out) -> {
                    int rows = 3 * ws.inputShape(0).rowCount(g.host());
                    if (rows * m > 0) b.launch("op_matmul", rows * m, rows, k, m, 1.0, in[0], in[1], out);
                }, (g, in, out, go, gi) -> {
                    int rows = 3 * ws.inputShape(0).rowCount(g.host());
                    if (gi[0] != null && rows * k > 0) b.launch("op_matmul_backward", rows * k, rows, k, m, 1.0, go, in[1], gi[0]);
                });
            }
            case "componentNorm" -> {
                int w = ws.outputWidth();
                yield of((g, in, out) -> {
                    int rows = rows(ws, g);
                    if (rows * w > 0) b.launch("op_component_norm", rows * w, rows, w, in[0], out);
                }, (g, in, out, go, gi) -> {
                    int rows = rows(ws, g);
                    if (gi[0] != null && rows * w > 0) b.launch("op_component_norm_backward", rows * w, rows, w, in[0], out, go, gi[0]);
                });
            }
            case "unitVectors" -> of((g, in, out) -> {
                int rows = rows(ws, g);
                if (rows > 0) b.launch("op_unit_vectors", rows, rows, in[0], out);
            }, (g, in, out, go, gi) -> {
                int rows = rows(ws, g);
                if (gi[0] != null && rows > 0) b.launch("op_unit_vectors_backward", rows, rows, in[0], out, go, gi[0]);
            });
            case "cosineCutoff" -> {
                double rc = ((RadialOps.CosineCutoff) op).cutoff(), w = Math.PI / rc;
                yield of((g, in, out) -> {
                    int rows = rows(ws, g);
                    if (rows > 0) b.launch("op_cosine_cutoff", rows, rows, rc, w, in[0], out);
                }, (g, in, out, go, gi) -> {
                    int rows = rows(ws, g);
                    if (gi[0] != null && rows > 0) b.launch("op_cosine_cutoff_backward", rows, rows, rc, w, in[0], go, gi[0]);
                });
            }
            case "graphConstant" -> {
                RealBuffer values = b.upload(((md.forcefields.ml.ops.GraphConstant) op).values());
                int n = ws.outputShape().width();
                yield of((g, in, out) -> b.launch("op_copy_columns", n, 1, n, n, 0, n, 0, 0, values, out), (g, in, out, go, gi) -> {});
            }
            case "elementRows" -> {
                if (!ws.isConstant(0)) yield null; // a trained table: not an MD case
                IntBuffer typeRow = b.upload(((md.forcefields.ml.ops.ElementRows) op).atomicNumbers());
                int w = ws.outputWidth();
                yield of((g, in, out) -> {
                    if (g.atoms() * w > 0) b.launch("op_element_rows", g.atoms() * w, g.atoms(), w, g.species(), typeRow, in[0], out);
                }, (g, in, out, go, gi) -> {});
            }
            case "add" -> of((g, in, out) -> {
                int n = size(ws, g);
                if (n > 0) b.launch("op_add", n, n, in[0], in[1], out);
            }, (g, in, out, go, gi) -> {
                int n = size(ws, g);
                for (RealBuffer x : gi) if (x != null && n > 0) b.launch("op_axpy", n, n, 1.0, go, x);
            });
            case "mul" -> of((g, in, out) -> {
                int rows = rows(ws, g), w = ws.outputWidth(), wb = ws.width(1);
                if (rows * w > 0) b.launch("op_mul", rows * w, rows, w, wb, in[0], in[1], out);
            }, (g, in, out, go, gi) -> {
                int rows = rows(ws, g), w = ws.outputWidth(), wb = ws.width(1);
                if (rows * w == 0) return;
                if (gi[0] != null) b.launch("op_mul_backward_a", rows * w, rows, w, wb, in[1], go, gi[0]);
                if (gi[1] != null) b.launch("op_mul_backward_b", rows * wb, rows, w, wb, in[0], go, gi[1]);
            });
            case "scale" -> {
                double c = ((Elementwise.Scale) op).c();
                yield of((g, in, out) -> {
                    int n = size(ws, g);
                    if (n > 0) b.launch("op_scale", n, n, c, in[0], out);
                }, (g, in, out, go, gi) -> {
                    int n = size(ws, g);
                    if (gi[0] != null && n > 0) b.launch("op_axpy", n, n, c, go, gi[0]);
                });
            }
            case "silu", "tanh", "sigmoid", "relu", "shifted_softplus" -> {
                Elementwise.Act a = (Elementwise.Act) op;
                int kind = a.f().ordinal(); // SILU, TANH, SIGMOID, RELU, SHIFTED_SOFTPLUS: OP_ACT_* in ops.cl
                Scratch d = new Scratch(b);
                yield of((g, in, out) -> {
                    int n = size(ws, g);
                    if (n > 0) b.launch("op_activation", n, n, kind, a.factor(), in[0], out, d.get(n));
                }, (g, in, out, go, gi) -> {
                    int n = size(ws, g);
                    if (gi[0] != null && n > 0) b.launch("op_mul_add", n, n, go, d.get(n), gi[0]);
                });
            }
            case "matmul" -> {
                if (!ws.isConstant(1)) yield null; // weight gradients: not an MD case
                double c = ((Elementwise.MatMul) op).c();
                int k = ws.width(0), m = ws.outputWidth();
                yield of((g, in, out) -> {
                    int rows = rows(ws, g);
                    if (rows * m > 0) b.launch("op_matmul", rows * m, rows, k, m, c, in[0], in[1], out);
                }, (g, in, out, go, gi) -> {
                    int rows = rows(ws, g);
                    if (gi[0] != null && rows * k > 0) b.launch("op_matmul_backward", rows * k, rows, k, m, c, go, in[1], gi[0]);
                });
            }
            case "sliceColumns" -> {
                md.forcefields.ml.ops.SliceColumns sc = (md.forcefields.ml.ops.SliceColumns) op;
                int w = ws.width(0), n = sc.end() - sc.start();
                yield of((g, in, out) -> {
                    int rows = rows(ws, g);
                    if (rows * n > 0) b.launch("op_slice_columns", rows * n, rows, w, sc.start(), n, in[0], out);
                }, (g, in, out, go, gi) -> {
                    int rows = rows(ws, g);
                    if (gi[0] != null && rows * n > 0) b.launch("op_slice_columns_backward", rows * n, rows, w, sc.start(), n, go, gi[0]);
                });
            }
            case "speciesOneHot" -> {
                int types = ws.outputWidth();
                yield of((g, in, out) -> {
                    if (g.atoms() > 0) b.launch("op_species_one_hot", g.atoms() * types, g.atoms(), types, g.species(), out);
                }, (g, in, out, go, gi) -> {});
            }
            case "pairLengths", "edgeLengths" -> {
                int perPair = op.name().equals("pairLengths") ? 1 : 0;
                yield of((g, in, out) -> {
                    int rows = rows(ws, g);
                    if (rows > 0) b.launch("op_lengths", rows, rows, perPair, g.pairEdge(), in[0], out);
                }, (g, in, out, go, gi) -> {
                    int rows = rows(ws, g);
                    if (gi[0] != null && rows > 0) b.launch("op_lengths_backward", rows, rows, perPair, g.pairEdge(), in[0], out, go, gi[0]);
                });
            }
            case "gatherNeighbour", "gatherCentre" -> {
                boolean nbr = op.name().equals("gatherNeighbour");
                int w = ws.outputWidth();
                yield of((g, in, out) -> {
                    if (g.edges() * w > 0) b.launch("op_gather_rows", g.edges() * w, g.edges(), w, nbr ? g.neighbour() : g.centre(), in[0], out);
                }, (g, in, out, go, gi) -> {
                    // Σ over the edges whose neighbour (centre) is a: the reverses of (the) edges centred on a
                    if (gi[0] != null && g.atoms() * w > 0)
                        b.launch("op_sum_edges_of_atoms", g.atoms() * w, g.atoms(), w, nbr ? 1 : 0, g.edgeStart(), g.reverse(), go, gi[0]);
                });
            }
            case "pairsToEdges" -> {
                int w = ws.outputWidth();
                yield of((g, in, out) -> {
                    if (g.edges() * w > 0) b.launch("op_gather_rows", g.edges() * w, g.edges(), w, g.pairOf(), in[0], out);
                }, (g, in, out, go, gi) -> {
                    if (gi[0] != null && g.pairs() * w > 0)
                        b.launch("op_pairs_to_edges_backward", g.pairs() * w, g.pairs(), w, g.pairEdge(), g.pairSecond(), go, gi[0]);
                });
            }
            case "scatterToCentre" -> {
                int w = ws.outputWidth();
                yield of((g, in, out) -> {
                    if (g.atoms() * w > 0) b.launch("op_scatter_to_centre", g.atoms() * w, g.atoms(), w, g.edgeStart(), in[0], out);
                }, (g, in, out, go, gi) -> {
                    if (gi[0] != null && g.edges() * w > 0) b.launch("op_gather_rows_add", g.edges() * w, g.edges(), w, g.centre(), go, gi[0]);
                });
            }
            case "speciesAffine" -> {
                if (ws.width(0) != 1) yield null;
                yield of((g, in, out) -> {
                    if (g.atoms() > 0) b.launch("op_species_affine", g.atoms(), g.atoms(), g.species(), in[0], in[1], in[2], out);
                }, (g, in, out, go, gi) -> {
                    if (gi[0] != null && g.atoms() > 0) b.launch("op_species_affine_backward", g.atoms(), g.atoms(), g.species(), in[1], go, gi[0]);
                });
            }
            case "besselBasis" -> {
                double rc = ((RadialOps.Bessel) op).cutoff();
                int nb = ws.width(1);
                yield of((g, in, out) -> {
                    int rows = rows(ws, g);
                    if (rows * nb > 0) b.launch("op_bessel", rows * nb, rows, nb, rc, in[0], in[1], out);
                }, (g, in, out, go, gi) -> {
                    int rows = rows(ws, g);
                    if (gi[0] != null && rows > 0) b.launch("op_bessel_backward", rows, rows, nb, rc, in[0], in[1], go, gi[0]);
                });
            }
            case "polynomialCutoff" -> {
                RadialOps.PolynomialCutoff pc = (RadialOps.PolynomialCutoff) op;
                yield of((g, in, out) -> {
                    int rows = rows(ws, g);
                    if (rows > 0) b.launch("op_polynomial_cutoff", rows, rows, pc.cutoff(), pc.p(), in[0], out);
                }, (g, in, out, go, gi) -> {
                    int rows = rows(ws, g);
                    if (gi[0] != null && rows > 0) b.launch("op_polynomial_cutoff_backward", rows, rows, pc.cutoff(), pc.p(), in[0], go, gi[0]);
                });
            }
            case "linear", "speciesLinear" -> blockLinear(b, (BlockLinear) op, ws);
            case "gate" -> gate(b, (Gate) op, ws);
            case "sphericalHarmonics" -> sphericalHarmonics(b, (SphericalHarmonicsOp) op);
            case "uvuConvolution" -> uvu(b, (UvuConvolution) op, ws);
            default -> null;
        };
    }

    private static int rows(Workspace ws, DeviceGraph g) { return ws.outputShape().rowCount(g.host()); }
    private static int size(Workspace ws, DeviceGraph g) { return ws.outputShape().size(g.host()); }

    private static OpKernel blockLinear(DeviceBackend b, BlockLinear op, Workspace ws) {
        if (!ws.isConstant(1)) return null; // weight gradients: not an MD case
        int dimIn = ws.width(0), dimOut = ws.outputWidth(), species = op.species();
        int[][] paths = op.kernelPaths();
        double[] scales = op.kernelPathScales();
        // per output column the paths into it, per input column the paths out of it: (xOff, mulIn, oOff, mulOut, wOff, c, v|u)
        IntBuffer[] outT = columnTable(b, paths, scales, dimOut, true), inT = columnTable(b, paths, scales, dimIn, false);
        RealBuffer outScale = b.upload(columnScales(paths, scales, dimOut, true)), inScale = b.upload(columnScales(paths, scales, dimIn, false));
        return of((g, in, out) -> {
            int rows = rows(ws, g);
            if (rows * dimOut > 0)
                b.launch("op_block_linear", rows * dimOut, rows, dimIn, dimOut, species, g.species(), outT[0], outT[1], outScale, in[0], in[1], out);
        }, (g, in, out, go, gi) -> {
            int rows = rows(ws, g);
            if (gi[0] != null && rows * dimIn > 0)
                b.launch("op_block_linear_backward", rows * dimIn, rows, dimIn, dimOut, species, g.species(), inT[0], inT[1], inScale, go, in[1], gi[0]);
        });
    }

    /** {colStart, colPaths}: for each column of the output (byOutput) or input, the paths that touch it. */
    private static IntBuffer[] columnTable(DeviceBackend b, int[][] paths, double[] scales, int dim, boolean byOutput) {
        int[] start = new int[dim + 1];
        List<int[]> rows = new ArrayList<>();
        for (int j = 0; j < dim; j++) {
            for (int[] p : paths) {
                int off = byOutput ? p[3] : p[0], mul = byOutput ? p[4] : p[2], d = p[1];
                if (j < off || j >= off + d * mul) continue;
                rows.add(new int[] {p[0], p[2], p[3], p[4], p[5], (j - off) / mul, (j - off) % mul});
            }
            start[j + 1] = rows.size();
        }
        int[] flat = new int[7 * Math.max(rows.size(), 1)];
        for (int k = 0; k < rows.size(); k++) System.arraycopy(rows.get(k), 0, flat, 7 * k, 7);
        return new IntBuffer[] {b.upload(start), b.upload(flat)};
    }

    private static double[] columnScales(int[][] paths, double[] scales, int dim, boolean byOutput) {
        List<Double> s = new ArrayList<>();
        for (int j = 0; j < dim; j++)
            for (int k = 0; k < paths.length; k++) {
                int[] p = paths[k];
                int off = byOutput ? p[3] : p[0], mul = byOutput ? p[4] : p[2];
                if (j >= off && j < off + p[1] * mul) s.add(scales[k]);
            }
        return s.isEmpty() ? new double[1] : s.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static int activation(String name) {
        return switch (name) {
            case "silu" -> 0;
            case "tanh" -> 1;
            default -> throw new IllegalArgumentException("gate activation " + name);
        };
    }

    private static double norm(String name) {
        return name.equals("silu") ? md.forcefields.ml.ops.Activations.SILU : md.forcefields.ml.ops.Activations.TANH;
    }

    private static OpKernel gate(DeviceBackend b, Gate gate, Workspace ws) {
        int dimIn = gate.inputDim(), dimOut = gate.outputDim();
        int[] outCols = new int[4 * Math.max(dimOut, 1)], inCols = new int[6 * Math.max(dimIn, 1)];
        double[] outNorm = new double[Math.max(dimOut, 1)], inNorm = new double[Math.max(dimIn, 1)];
        for (int j = 0; j < dimIn; j++) inCols[6 * j] = -1;
        int o = 0;
        for (Gate.Piece s : gate.scalars()) {
            int off = gate.inputOffset(s.index()), act = activation(s.activation());
            for (int u = 0; u < s.mul(); u++, o++) {
                outCols[4 * o] = 0; outCols[4 * o + 1] = off + u; outCols[4 * o + 3] = act; outNorm[o] = norm(s.activation());
                int j = off + u;
                inCols[6 * j] = 0; inCols[6 * j + 1] = o; inCols[6 * j + 3] = act; inNorm[j] = norm(s.activation());
            }
        }
        for (int k = 0; k < gate.gated().size(); k++) {
            Gate.Piece v = gate.gated().get(k), gt = gate.gates().get(k);
            int vb = gate.inputOffset(v.index()), gb = gate.inputOffset(gt.index()), d = v.ir().dim(), m = v.mul(), act = activation(gt.activation());
            for (int u = 0; u < m; u++) {
                int j = gb + u;
                inCols[6 * j] = 2; inCols[6 * j + 1] = o + u; inCols[6 * j + 2] = vb + u; inCols[6 * j + 3] = act; inCols[6 * j + 4] = d;
                inCols[6 * j + 5] = m; inNorm[j] = norm(gt.activation());
            }
            for (int c = 0; c < d; c++)
                for (int u = 0; u < m; u++, o++) {
                    int j = vb + c * m + u;
                    outCols[4 * o] = 1; outCols[4 * o + 1] = j; outCols[4 * o + 2] = gb + u; outCols[4 * o + 3] = act; outNorm[o] = norm(gt.activation());
                    inCols[6 * j] = 1; inCols[6 * j + 1] = o; inCols[6 * j + 2] = gb + u; inCols[6 * j + 3] = act; inNorm[j] = norm(gt.activation());
                }
        }
        IntBuffer oc = b.upload(outCols), ic = b.upload(inCols);
        RealBuffer on = b.upload(outNorm), in_ = b.upload(inNorm);
        return of((g, in, out) -> {
            int rows = rows(ws, g);
            if (rows * dimOut > 0) b.launch("op_gate", rows * dimOut, rows, dimIn, dimOut, oc, on, in[0], out);
        }, (g, in, out, go, gi) -> {
            int rows = rows(ws, g);
            if (gi[0] != null && rows * dimIn > 0) b.launch("op_gate_backward", rows * dimIn, rows, dimIn, dimOut, ic, in_, in[0], go, gi[0]);
        });
    }

    private static OpKernel sphericalHarmonics(DeviceBackend b, SphericalHarmonicsOp op) {
        int lmax = op.lmax(), dim = op.dim();
        if (lmax > 7) return null;
        md.forcefields.e3nn.SphericalHarmonics.RecursionTable t = new md.forcefields.e3nn.SphericalHarmonics(lmax).recursionTable();
        IntBuffer start = b.upload(t.start()), abc = b.upload(t.abc());
        RealBuffer coef = b.upload(t.coef());
        Scratch grad = new Scratch(b);
        return of((g, in, out) -> {
            if (g.edges() > 0) b.launch("op_spherical_harmonics", g.edges(), g.edges(), lmax, dim, in[0], start, abc, coef, out, grad.get(3 * g.edges() * dim));
        }, (g, in, out, go, gi) -> {
            if (gi[0] != null && g.edges() > 0) b.launch("op_spherical_harmonics_backward", g.edges(), g.edges(), dim, grad.get(3 * g.edges() * dim), go, gi[0]);
        });
    }

    private static OpKernel uvu(DeviceBackend b, UvuConvolution op, Workspace ws) {
        List<UvuConvolution.KernelPath> paths = op.kernelPaths();
        int n = paths.size(), dimX = ws.width(0), dimSh = ws.width(1), weights = ws.width(2), dimOut = ws.outputWidth();
        int entries = 0, maxMul = 0;
        for (UvuConvolution.KernelPath p : paths) {
            entries += p.value().length;
            maxMul = Math.max(maxMul, p.mul());
            if (p.dOut() > 15) return null; // private accumulators hold l <= 7
        }
        int[] path = new int[10 * Math.max(n, 1)], entry = new int[3 * Math.max(entries, 1)], weightPath = new int[Math.max(weights, 1)];
        double[] scale = new double[Math.max(n, 1)], value = new double[Math.max(entries, 1)];
        int k = 0;
        for (int q = 0; q < n; q++) {
            UvuConvolution.KernelPath p = paths.get(q);
            int[] f = {p.xOff(), p.mul(), p.oOff(), p.oMul(), p.chOff(), p.wOff(), p.dOut(), k, k + p.value().length, p.dIn()};
            System.arraycopy(f, 0, path, 10 * q, 10);
            scale[q] = p.scale();
            for (int t = 0; t < p.value().length; t++, k++) {
                entry[3 * k] = p.a()[t]; entry[3 * k + 1] = p.b()[t]; entry[3 * k + 2] = p.c()[t];
                value[k] = p.value()[t];
            }
            for (int u = 0; u < p.mul(); u++) weightPath[p.wOff() + u] = q;
        }
        IntBuffer pathB = b.upload(path), entryB = b.upload(entry), weightPathB = b.upload(weightPath);
        RealBuffer scaleB = b.upload(scale), valueB = b.upload(value);
        int mm = maxMul;
        return of((g, in, out) -> {
            int atoms = g.atoms();
            if (atoms * dimOut > 0) b.zero(out, atoms * dimOut); // outputs of paths not kept stay zero
            if (atoms * n * mm > 0)
                b.launch("op_uvu_forward", atoms * n * mm, atoms, n, mm, dimX, dimSh, dimOut, weights, g.edgeStart(), g.neighbour(), g.pairOf(),
                        pathB, scaleB, entryB, valueB, in[0], in[1], in[2], out);
        }, (g, in, out, go, gi) -> {
            if (gi[0] != null && g.atoms() * dimX > 0)
                b.launch("op_uvu_backward_x", g.atoms() * dimX, g.atoms(), n, dimX, dimSh, dimOut, weights, g.edgeStart(), g.reverse(), g.centre(),
                        g.pairOf(), pathB, scaleB, entryB, valueB, in[1], in[2], go, gi[0]);
            if (gi[1] != null && g.edges() * dimSh > 0)
                b.launch("op_uvu_backward_y", g.edges() * dimSh, g.edges(), n, dimX, dimSh, dimOut, weights, g.centre(), g.neighbour(), g.pairOf(),
                        pathB, scaleB, entryB, valueB, in[0], in[2], go, gi[1]);
            if (gi[2] != null && g.pairs() * weights > 0)
                b.launch("op_uvu_backward_w", g.pairs() * weights, g.pairs(), n, dimX, dimSh, dimOut, weights, g.pairEdge(), g.pairSecond(),
                        g.centre(), g.neighbour(), weightPathB, pathB, scaleB, entryB, valueB, in[0], in[1], go, gi[2]);
        });
    }
}
