package md.forcefields.nequip;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;

import md.forcefields.NeighborList;
import md.forcefields.ml.executors.PhaseWorkers;
import md.forcefields.e3nn.FullyConnectedNet;
import md.forcefields.e3nn.FullyConnectedTensorProduct;
import md.forcefields.e3nn.Gate;
import md.forcefields.e3nn.Irrep;
import md.forcefields.e3nn.Irreps;
import md.forcefields.e3nn.Layout;
import md.forcefields.e3nn.Linear;
import md.forcefields.e3nn.SphericalHarmonics;
import md.forcefields.e3nn.TensorProductUvu;

/**
 * Energy and forces of a {@link NequipModel} in float64: the forward pass and a hand-derived backward
 * pass (F = −∂E/∂R through the spherical harmonics and the radial embedding of every edge).
 *
 * <p>Fast-path choices that keep the function exactly the same: the radial MLP runs once per
 * unordered pair (it depends only on |r_ij|), batched as matrix products; in the last interaction
 * block only the tensor-product paths, MLP outputs and linear paths whose outputs reach the readout
 * are evaluated. Buffers grow to the largest system seen and are reused: a step allocates nothing.
 * Not thread-safe: one evaluator per simulation.
 */
public final class NequipEvaluator {

    /** Modules and buffers of one interaction block. */
    private static final class LayerState {
        final Linear lin1, lin2;
        final TensorProductUvu tp;
        final FullyConnectedNet fc;
        final FullyConnectedTensorProduct sc;
        final Gate gate;
        final boolean resnet;
        final Irreps irrepsIn;
        final double[] wLin1, wLin1T, wLin2, wLin2T, wSc, wScT;
        final int numel;
        double[] x1, agg, y, out, wPair, dx1, dagg, dy, dx, dwEdge, dwPair;
        double[][] pre, post;

        LayerState(NequipModel model, NequipArchitecture.Layer l, Set<Irrep> needed) {
            irrepsIn = l.irrepsIn();
            gate = l.gate();
            resnet = l.resnet();
            lin1 = l.linear1();
            Irreps convOut = gate.irrepsIn();
            List<double[]> fcw = new java.util.ArrayList<>();
            for (int h = 0; h + 1 < l.fcSizes().length; h++) fcw.add(model.weight(l.fcKey(h)));
            FullyConnectedNet net = new FullyConnectedNet(fcw, l.fcSizes(), model.config().scalarsEven());
            if (needed == null) {
                tp = l.tp();
                fc = net;
                lin2 = l.linear2();
                sc = l.sc();
            } else {
                tp = l.tp().restrictedToOutputs(needed::contains).compacted();
                fc = net.withOutputColumns(tp.weightColumns());
                lin2 = l.linear2().restrictedToOutputs(j -> needed.contains(convOut.ir(j)));
                sc = l.sc() == null ? null : l.sc().restrictedToOutputs(j -> needed.contains(convOut.ir(j)));
            }
            numel = tp.weightsRead();
            wLin1 = model.weight(l.linear1Key());
            wLin1T = lin1.transposeWeights(wLin1);
            wLin2 = model.weight(l.linear2Key());
            wLin2T = lin2.transposeWeights(wLin2);
            wSc = sc == null ? null : model.weight(l.scKey());
            wScT = sc == null ? null : sc.transposeWeights(wSc);
        }
    }

    private final NequipModel model;
    private final NequipConfig cfg;
    private final SphericalHarmonics[] sh; // one per thread (scratch inside)
    private final int shDim, numBasis, numTypes;
    private final double[] bessel;
    private final LayerState[] layers;
    private final Linear embedding, readoutHidden, readoutScalar;
    private final double[] wEmb, wHidden, wHiddenT, wScalar, wScalarT;
    private final double messageScale;

    // per-node buffers
    private int nodeCap = -1;
    private int[] types, edgeStart, cursor;
    private double[] attrs, x0, hidden, eps, dEps, dHidden, dLast;
    // per-pair / per-edge buffers
    private int pairCap = -1;
    private int[] pairI, pairJ, eCentre, eNbr, ePair, pairEdge;
    private double[] pairVec, pairLen, emb, dEmbDr, dEmb, dEmbLayer, shY, shGrad, dShY;
    private double[][] mlpScratch;
    private final double[][] tpScratch;
    private final int threads;
    private final PhaseWorkers workers;
    private final IntConsumer forwardStartJob = this::forwardStart, forwardLayerJob = this::forwardLayer,
            backwardStartJob = this::backwardStart, backwardLayerJob = this::backwardLayer;
    private int currentLayer;
    /** Thread t owns nodes [nodeSplit[t], nodeSplit[t+1]), the edges centred on them, and pairs [pairSplit[t], …). */
    private final int[] nodeSplit, edgeSplit, pairSplit;
    private double[][][] dx1Partial; // [layer][thread ≥ 1] per-thread neighbour gradients
    private int nodes, pairs, edges;
    private long flopsForward, flopsBackward;

    /** Single-threaded evaluator. */
    public NequipEvaluator(NequipModel model) { this(model, 1); }

    /**
     * Evaluator using {@code threads} threads per call (the caller's plus a fixed pool). Work is split
     * in a fixed way, so results are deterministic for a given thread count.
     */
    public NequipEvaluator(NequipModel model, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.model = model;
        this.cfg = model.config();
        NequipArchitecture arch = model.architecture();
        sh = new SphericalHarmonics[threads];
        for (int t = 0; t < threads; t++) sh[t] = new SphericalHarmonics(cfg.irrepsEdgeSh().lmax());
        shDim = cfg.irrepsEdgeSh().dim();
        numBasis = cfg.numBasis();
        numTypes = cfg.numTypes();
        bessel = model.besselWeights();
        messageScale = 1 / Math.sqrt(cfg.avgNumNeighbors());
        embedding = arch.chemicalEmbedding();
        readoutHidden = arch.convToOutputHidden();
        readoutScalar = arch.outputHiddenToScalar();
        wEmb = model.weight(NequipArchitecture.CHEMICAL_EMBEDDING);
        wHidden = model.weight(NequipArchitecture.CONV_TO_OUTPUT_HIDDEN);
        wHiddenT = readoutHidden.transposeWeights(wHidden);
        wScalar = model.weight(NequipArchitecture.OUTPUT_HIDDEN_TO_SCALAR);
        wScalarT = readoutScalar.transposeWeights(wScalar);
        List<NequipArchitecture.Layer> ls = arch.layers();
        layers = new LayerState[ls.size()];
        for (int k = 0; k < ls.size(); k++)
            layers[k] = new LayerState(model, ls.get(k), k == ls.size() - 1 ? neededInLastLayer(ls.get(k).gate()) : null);
        int scratch = 0;
        for (LayerState l : layers) scratch = Math.max(scratch, l.tp.scratchSize());
        tpScratch = new double[threads][scratch];
        nodeSplit = new int[threads + 1];
        edgeSplit = new int[threads + 1];
        pairSplit = new int[threads + 1];
        workers = new PhaseWorkers(threads);
    }

    /** Stops the worker threads. */
    public void close() { workers.close(); }

    /** Ids of the evaluator's own worker threads (empty with one thread): for measuring their CPU time. */
    public long[] workerThreadIds() { return workers.workerIds(); }

    /**
     * Splits pairs evenly, and nodes into ranges with about equal numbers of directed edges centred
     * on them (the edges of a node go to the thread that owns the node, so that the messages into a
     * node are summed by one thread, in a fixed order).
     */
    private void splitWork() {
        for (int t = 0; t <= threads; t++) pairSplit[t] = (int) ((long) pairs * t / threads);
        nodeSplit[0] = 0;
        int a = 0;
        for (int t = 1; t < threads; t++) {
            long target = (long) edges * t / threads;
            while (a < nodes && edgeStart[a] < target) a++;
            nodeSplit[t] = a;
        }
        nodeSplit[threads] = nodes;
        for (int t = 0; t <= threads; t++) edgeSplit[t] = edgeStart[nodeSplit[t]];
    }

    /** Irreps of the last gate's input that can influence the energy (via the readout's paths). */
    private Set<Irrep> neededInLastLayer(Gate gate) {
        Set<Integer> used = new HashSet<>();
        for (Linear.Instruction p : readoutHidden.instructions()) used.add(p.iIn());
        Set<Irrep> needed = new HashSet<>();
        int ns = gate.irrepsScalars().size();
        for (int b : used) {
            if (b < ns) needed.add(gate.irrepsScalars().ir(b));
            else {
                needed.add(gate.irrepsGated().ir(b - ns));
                needed.add(gate.irrepsGates().ir(b - ns));
            }
        }
        // a residual connection passes the input through; its irreps are in the output already
        return needed;
    }

    public NequipModel model() { return model; }

    /** Floating-point operations of the last call's forward and backward passes (multiply-add = 2). */
    public long flopsForward() { return flopsForward; }
    public long flopsBackward() { return flopsBackward; }
    /** Directed edges (ordered pairs within r_max) of the last call. */
    public int edgeCount() { return edges; }

    /**
     * Energy (eV) of atoms with type indices {@code types} (see {@link NequipConfig#typeOf}) at
     * {@code positions} (Å, 3N); writes forces (3N, overwritten), the virial −Σ r⊗∂E/∂r (9, when non-null)
     * and per-atom energies (N, when non-null). Pairs come from {@code neighbors}; those at |r| ≥ r_max
     * are skipped.
     */
    public double compute(double[] positions, int[] typeIndex, NeighborList neighbors,
                          double[] forces, double[] virial, double[] atomicEnergies) {
        int n = typeIndex.length;
        ensureNodes(n);
        System.arraycopy(typeIndex, 0, types, 0, n);
        buildEdges(positions, n, neighbors);
        double energy = forward(atomicEnergies);
        backward(forces, virial);
        countFlops();
        return energy;
    }

    private void ensureNodes(int n) {
        nodes = n;
        if (n <= nodeCap) return;
        nodeCap = n;
        types = new int[n];
        edgeStart = new int[n + 1];
        cursor = new int[n];
        attrs = new double[n * numTypes];
        x0 = new double[n * embedding.irrepsOut().dim()];
        hidden = new double[n * readoutHidden.irrepsOut().dim()];
        eps = new double[n];
        dEps = new double[n];
        dHidden = new double[hidden.length];
        dLast = new double[n * readoutHidden.irrepsIn().dim()];
        for (LayerState l : layers) {
            l.x1 = new double[n * l.irrepsIn.dim()];
            l.dx1 = new double[l.x1.length];
            l.dx = new double[l.x1.length];
            l.agg = new double[n * l.tp.irrepsOut().dim()];
            l.dagg = new double[l.agg.length];
            l.y = new double[n * l.gate.irrepsIn().dim()];
            l.dy = new double[l.y.length];
            l.out = new double[n * l.gate.irrepsOut().dim()];
        }
        dx1Partial = new double[layers.length][threads][];
        for (int k = 0; k < layers.length; k++)
            for (int t = 1; t < threads; t++) dx1Partial[k][t] = new double[n * layers[k].irrepsIn.dim()];
    }

    private void ensurePairs(int p) {
        if (p <= pairCap) return;
        int cap = Math.max(p, (int) (pairCap * 1.25) + 16);
        pairCap = cap;
        int e = 2 * cap;
        pairI = new int[cap]; pairJ = new int[cap]; pairEdge = new int[e];
        eCentre = new int[e]; eNbr = new int[e]; ePair = new int[e];
        pairVec = new double[3 * cap]; pairLen = new double[cap];
        emb = new double[cap * numBasis]; dEmbDr = new double[emb.length]; dEmb = new double[emb.length]; dEmbLayer = new double[emb.length];
        shY = new double[e * shDim]; dShY = new double[e * shDim]; shGrad = new double[3 * e * shDim];
        int maxHidden = 0;
        for (LayerState l : layers) {
            int[] s = l.fc.sizes();
            l.pre = new double[s.length - 2][];
            l.post = new double[s.length - 2][];
            for (int h = 1; h + 1 < s.length; h++) {
                l.pre[h - 1] = new double[cap * s[h]];
                l.post[h - 1] = new double[cap * s[h]];
                maxHidden = Math.max(maxHidden, s[h]);
            }
            l.wPair = new double[cap * l.numel];
            l.dwPair = new double[cap * l.numel];
            l.dwEdge = new double[e * l.numel];
        }
        mlpScratch = new double[][] {new double[cap * maxHidden], new double[cap * maxHidden]};
    }

    /** Pairs within r_max and the directed edges sorted by centre atom. */
    private void buildEdges(double[] pos, int n, NeighborList nl) {
        double rMax = cfg.rMax(), rMax2 = rMax * rMax;
        int np = nl.pairCount();
        int[] f = nl.firstArray(), s = nl.secondArray();
        double[] shift = nl.shiftArray();
        int count = 0;
        for (int pass = 0; pass < 2; pass++) { // count, then fill (buffers sized in between)
            if (pass == 1) ensurePairs(Math.max(count, 1));
            count = 0;
            for (int p = 0; p < np; p++) {
                int i = f[p], j = s[p];
                double dx = pos[3 * j] + shift[3 * p] - pos[3 * i];
                double dy = pos[3 * j + 1] + shift[3 * p + 1] - pos[3 * i + 1];
                double dz = pos[3 * j + 2] + shift[3 * p + 2] - pos[3 * i + 2];
                double r2 = dx * dx + dy * dy + dz * dz;
                if (r2 >= rMax2 || r2 == 0) continue;
                double r = Math.sqrt(r2);
                if (r >= rMax) continue;
                if (pass == 1) {
                    pairI[count] = i; pairJ[count] = j;
                    pairVec[3 * count] = dx; pairVec[3 * count + 1] = dy; pairVec[3 * count + 2] = dz;
                    pairLen[count] = r;
                }
                count++;
            }
        }
        pairs = count;
        edges = 2 * count;
        // counting sort of directed edges by centre: edge 2p+0 is i←j (vector +r), 2p+1 is j←i (−r)
        Arrays.fill(edgeStart, 0, n + 1, 0);
        for (int p = 0; p < count; p++) { edgeStart[pairI[p] + 1]++; edgeStart[pairJ[p] + 1]++; }
        for (int a = 0; a < n; a++) edgeStart[a + 1] += edgeStart[a];
        System.arraycopy(edgeStart, 0, cursor, 0, n);
        for (int p = 0; p < count; p++) {
            int e0 = cursor[pairI[p]]++;
            eCentre[e0] = pairI[p]; eNbr[e0] = pairJ[p]; ePair[e0] = p; pairEdge[2 * p] = e0;
            int e1 = cursor[pairJ[p]]++;
            eCentre[e1] = pairJ[p]; eNbr[e1] = pairI[p]; ePair[e1] = p; pairEdge[2 * p + 1] = e1;
        }
        splitWork();
    }

    /** Bessel basis × polynomial envelope of pair p and its derivative with respect to r. */
    private void radialEmbedding(int p) {
        double r = pairLen[p], rMax = cfg.rMax(), pc = cfg.polynomialCutoffP();
        double x = r / rMax;
        double u, du;
        if (x < 1) {
            double xp = Math.pow(x, pc), xp1 = Math.pow(x, pc + 1), xp2 = Math.pow(x, pc + 2);
            u = 1 - (pc + 1) * (pc + 2) / 2 * xp + pc * (pc + 2) * xp1 - pc * (pc + 1) / 2 * xp2;
            double xm1 = Math.pow(x, pc - 1);
            du = (-(pc + 1) * (pc + 2) / 2 * pc * xm1 + pc * (pc + 2) * (pc + 1) * xp - pc * (pc + 1) / 2 * (pc + 2) * xp1) / rMax;
        } else {
            u = 0;
            du = 0;
        }
        double pref = 2 / rMax;
        for (int k = 0; k < numBasis; k++) {
            double w = bessel[k] / rMax;
            double sn = Math.sin(w * r), cs = Math.cos(w * r);
            double b = pref * (sn / r);
            double db = pref * (w * cs / r - sn / (r * r));
            emb[p * numBasis + k] = b * u;
            dEmbDr[p * numBasis + k] = db * u + b * du;
        }
    }

    /*
     * The step runs in phases separated by one barrier each; inside a phase a thread touches only its
     * own nodes, edges (those centred on its nodes) and pairs, plus shared read-only data:
     *   forward:  [geometry, every layer's radial MLP (own pairs); embedding, linear 1 of layer 0 (own nodes)]
     *             then per layer k: [messages into own nodes; linear 2, self-connection, gate, residual,
     *             then linear 1 of layer k+1 or the readout (own nodes)]
     *   backward: [readout, node part of the last layer, its messages' backward (own nodes/edges)]
     *             then per layer k: [sum the neighbour gradients of layer k and linear 1 backward (own
     *             nodes); radial MLP backward of layer k (own pairs); node part and messages' backward of
     *             layer k−1]
     * Neighbour gradients (dx1) go to per-thread arrays summed afterwards in thread order: deterministic.
     */

    private double forward(double[] atomicEnergies) {
        workers.run(forwardStartJob);
        for (int k = 0; k < layers.length; k++) {
            currentLayer = k;
            workers.run(forwardLayerJob);
        }
        double energy = 0;
        for (int a = 0; a < nodes; a++) {
            int t = types[a];
            double ea = cfg.globalScale() * (cfg.perSpeciesScales()[t] * eps[a] + cfg.perSpeciesShifts()[t]);
            if (atomicEnergies != null) atomicEnergies[a] = ea;
            energy += ea;
        }
        return energy + cfg.globalShift();
    }

    private void forwardStart(int t) {
        SphericalHarmonics y = sh[t];
        int p0 = pairSplit[t], p1 = pairSplit[t + 1];
        for (int p = p0; p < p1; p++) {
            double vx = pairVec[3 * p], vy = pairVec[3 * p + 1], vz = pairVec[3 * p + 2];
            int e0 = pairEdge[2 * p], e1 = pairEdge[2 * p + 1];
            y.evaluate(vx, vy, vz, shY, e0 * shDim, shGrad, 3 * e0 * shDim);
            y.evaluate(-vx, -vy, -vz, shY, e1 * shDim, shGrad, 3 * e1 * shDim);
            radialEmbedding(p);
        }
        if (p1 > p0) for (LayerState l : layers) l.fc.forward(emb, p0, p1, l.pre, l.post, l.wPair);
        int n = nodes, a0 = nodeSplit[t], a1 = nodeSplit[t + 1];
        Arrays.fill(attrs, a0 * numTypes, a1 * numTypes, 0.0);
        for (int a = a0; a < a1; a++) attrs[a * numTypes + types[a]] = 1;
        embedding.forward(wEmb, attrs, x0, n, a0, a1);
        layers[0].lin1.forward(layers[0].wLin1, x0, layers[0].x1, n, a0, a1);
    }

    private void forwardLayer(int t) {
        int k = currentLayer, n = nodes, a0 = nodeSplit[t], a1 = nodeSplit[t + 1];
        LayerState l = layers[k];
        double[] x = k == 0 ? x0 : layers[k - 1].out;
        Irreps aggIrreps = l.tp.irrepsOut();
        for (int b = 0; b < aggIrreps.size(); b++)
            Arrays.fill(l.agg, Layout.index(aggIrreps, n, b, a0, 0), Layout.index(aggIrreps, n, b, a1, 0), 0.0);
        double[] scratch = tpScratch[t];
        for (int e = edgeSplit[t]; e < edgeSplit[t + 1]; e++)
            l.tp.forwardEdge(l.x1, eNbr[e], shY, e * shDim, l.wPair, ePair[e] * l.numel, l.agg, eCentre[e], n, messageScale, scratch);
        l.lin2.forward(l.wLin2, l.agg, l.y, n, a0, a1);
        if (l.sc != null) l.sc.forward(l.wSc, x, attrs, l.y, n, a0, a1);
        l.gate.forward(l.y, l.out, n, a0, a1);
        if (l.resnet) addRows(l.irrepsIn, x, l.out, n, a0, a1);
        if (k + 1 < layers.length) {
            LayerState next = layers[k + 1];
            next.lin1.forward(next.wLin1, l.out, next.x1, n, a0, a1);
        } else {
            readoutHidden.forward(wHidden, l.out, hidden, n, a0, a1);
            readoutScalar.forward(wScalar, hidden, eps, n, a0, a1);
        }
    }

    /** dst += src on rows [r0, r1) of a batch in the {@link Layout} of {@code irreps}. */
    private static void addRows(Irreps irreps, double[] src, double[] dst, int rows, int r0, int r1) {
        for (int b = 0; b < irreps.size(); b++)
            for (int i = Layout.index(irreps, rows, b, r0, 0), end = Layout.index(irreps, rows, b, r1, 0); i < end; i++) dst[i] += src[i];
    }

    private void backward(double[] forces, double[] virial) {
        currentLayer = layers.length - 1;
        workers.run(backwardStartJob);
        for (int k = layers.length - 1; k >= 0; k--) {
            currentLayer = k;
            workers.run(backwardLayerJob);
        }
        int n = nodes;
        Arrays.fill(forces, 0, 3 * n, 0.0);
        if (virial != null) Arrays.fill(virial, 0, 9, 0.0);
        for (int p = 0; p < pairs; p++) {
            double r = pairLen[p];
            double dEdr = 0;
            for (int k = 0; k < numBasis; k++) dEdr += dEmb[p * numBasis + k] * dEmbDr[p * numBasis + k];
            double vx = pairVec[3 * p], vy = pairVec[3 * p + 1], vz = pairVec[3 * p + 2];
            double gx = dEdr * vx / r, gy = dEdr * vy / r, gz = dEdr * vz / r;
            for (int side = 0; side < 2; side++) {
                int e = pairEdge[2 * p + side];
                double sign = side == 0 ? 1 : -1; // edge 1 sees −r
                int yo = e * shDim, go = 3 * e * shDim;
                double sx = 0, sy = 0, sz = 0;
                for (int c = 0; c < shDim; c++) {
                    double d = dShY[yo + c];
                    sx += d * shGrad[go + 3 * c];
                    sy += d * shGrad[go + 3 * c + 1];
                    sz += d * shGrad[go + 3 * c + 2];
                }
                gx += sign * sx; gy += sign * sy; gz += sign * sz;
            }
            int i = pairI[p], j = pairJ[p];
            forces[3 * i] += gx; forces[3 * i + 1] += gy; forces[3 * i + 2] += gz;
            forces[3 * j] -= gx; forces[3 * j + 1] -= gy; forces[3 * j + 2] -= gz;
            if (virial != null) {
                virial[0] -= vx * gx; virial[1] -= vx * gy; virial[2] -= vx * gz;
                virial[3] -= vy * gx; virial[4] -= vy * gy; virial[5] -= vy * gz;
                virial[6] -= vz * gx; virial[7] -= vz * gy; virial[8] -= vz * gz;
            }
        }
    }

    private void backwardStart(int t) {
        int n = nodes, a0 = nodeSplit[t], a1 = nodeSplit[t + 1];
        double g = cfg.globalScale();
        for (int a = a0; a < a1; a++) dEps[a] = g * cfg.perSpeciesScales()[types[a]];
        readoutScalar.backward(wScalarT, dEps, dHidden, n, false, a0, a1);
        readoutHidden.backward(wHiddenT, dHidden, dLast, n, false, a0, a1);
        Arrays.fill(dShY, edgeSplit[t] * shDim, edgeSplit[t + 1] * shDim, 0.0);
        Arrays.fill(dEmb, pairSplit[t] * numBasis, pairSplit[t + 1] * numBasis, 0.0);
        layerBackward(layers.length - 1, dLast, t);
    }

    /** Node part of layer k's backward on own nodes (given dOut of its output), then its messages' backward. */
    private void layerBackward(int k, double[] dOut, int t) {
        int n = nodes, a0 = nodeSplit[t], a1 = nodeSplit[t + 1];
        LayerState l = layers[k];
        l.gate.backward(l.y, dOut, l.dy, n, a0, a1);
        if (l.resnet) copyRows(l.irrepsIn, dOut, l.dx, n, a0, a1);
        else zeroRows(l.irrepsIn, l.dx, n, a0, a1);
        l.lin2.backward(l.wLin2T, l.dy, l.dagg, n, false, a0, a1);
        if (l.sc != null) l.sc.backward(l.wScT, attrs, l.dy, l.dx, n, a0, a1);
        // messages into own nodes: gradients to any neighbour go to this thread's own dx1 array
        double[] dx1 = t == 0 ? l.dx1 : dx1Partial[k][t];
        Arrays.fill(dx1, 0, n * l.irrepsIn.dim(), 0.0);
        int e0 = edgeSplit[t], e1 = edgeSplit[t + 1];
        Arrays.fill(l.dwEdge, e0 * l.numel, e1 * l.numel, 0.0);
        double[] scratch = tpScratch[t];
        for (int e = e0; e < e1; e++)
            l.tp.backwardEdge(l.x1, eNbr[e], shY, e * shDim, l.wPair, ePair[e] * l.numel, l.dagg, eCentre[e], n, messageScale,
                    dx1, dShY, e * shDim, l.dwEdge, e * l.numel, scratch);
    }

    private void backwardLayer(int t) {
        int k = currentLayer, n = nodes, a0 = nodeSplit[t], a1 = nodeSplit[t + 1];
        LayerState l = layers[k];
        Irreps in = l.irrepsIn;
        for (int s = 1; s < threads; s++) addRows(in, dx1Partial[k][s], l.dx1, n, a0, a1);
        l.lin1.backward(l.wLin1T, l.dx1, l.dx, n, true, a0, a1);
        int p0 = pairSplit[t], p1 = pairSplit[t + 1], m = l.numel;
        for (int p = p0; p < p1; p++) {
            int a = pairEdge[2 * p] * m, b = pairEdge[2 * p + 1] * m, o = p * m;
            for (int u = 0; u < m; u++) l.dwPair[o + u] = l.dwEdge[a + u] + l.dwEdge[b + u];
        }
        if (p1 > p0) {
            l.fc.backward(l.pre, l.dwPair, p0, p1, mlpScratch, dEmbLayer);
            for (int i = p0 * numBasis; i < p1 * numBasis; i++) dEmb[i] += dEmbLayer[i];
        }
        if (k > 0) layerBackward(k - 1, l.dx, t);
    }

    private static void copyRows(Irreps irreps, double[] src, double[] dst, int rows, int r0, int r1) {
        for (int b = 0; b < irreps.size(); b++) {
            int i = Layout.index(irreps, rows, b, r0, 0);
            System.arraycopy(src, i, dst, i, Layout.index(irreps, rows, b, r1, 0) - i);
        }
    }

    private static void zeroRows(Irreps irreps, double[] dst, int rows, int r0, int r1) {
        for (int b = 0; b < irreps.size(); b++)
            Arrays.fill(dst, Layout.index(irreps, rows, b, r0, 0), Layout.index(irreps, rows, b, r1, 0), 0.0);
    }

    private void countFlops() {
        long fwd = 0, bwd = 0;
        int n = nodes;
        for (LayerState l : layers) {
            long f = l.lin1.flops(n) + l.fc.flops(pairs) + l.tp.flopsPerEdge() * edges + l.lin2.flops(n);
            fwd += f;
            bwd += f + l.tp.flopsPerEdge() * edges;
        }
        flopsForward = fwd;
        flopsBackward = bwd;
    }

    // ---- access to intermediates for layer-by-layer comparison in tests (e3nn layout) ----

    /** Node features after interaction block k, e3nn layout (N × dim). */
    double[] layerOutput(int k) { return Layout.toE3nn(layers[k].gate.irrepsOut(), layers[k].out, nodes); }
    double[] layerGateInput(int k) { return Layout.toE3nn(layers[k].gate.irrepsIn(), layers[k].y, nodes); }
    double[] layerAggregated(int k) { return Layout.toE3nn(layers[k].tp.irrepsOut(), layers[k].agg, nodes); }
    double[] layerLinear1(int k) { return Layout.toE3nn(layers[k].irrepsIn, layers[k].x1, nodes); }
    double[] chemicalEmbeddingOutput() { return Arrays.copyOf(x0, nodes * embedding.irrepsOut().dim()); }
    double[] rawAtomicOutput() { return Arrays.copyOf(eps, nodes); }
}
