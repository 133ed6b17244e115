package md.forcefields.backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import md.forcefields.NeighborList;
import md.forcefields.backend.KernelBackend.ConvolutionKernel;
import md.forcefields.backend.KernelBackend.GateKernel;
import md.forcefields.backend.KernelBackend.LinearKernel;
import md.forcefields.backend.KernelBackend.RadialMlpKernel;
import md.forcefields.backend.KernelBackend.RealBuffer;
import md.forcefields.backend.KernelBackend.SelfConnectionKernel;
import md.forcefields.e3nn.FullyConnectedTensorProduct;
import md.forcefields.e3nn.Gate;
import md.forcefields.e3nn.Irrep;
import md.forcefields.e3nn.Irreps;
import md.forcefields.e3nn.Linear;
import md.forcefields.e3nn.TensorProductUvu;
import md.forcefields.nequip.NequipArchitecture;
import md.forcefields.nequip.NequipConfig;
import md.forcefields.nequip.NequipModel;

/**
 * NequIP energy and forces (float64) through a {@link KernelBackend}: the same function as
 * {@link md.forcefields.nequip.NequipEvaluator} (same fast-path restriction of the last block), with
 * everything resident on the backend's device. Weights are uploaded once; a step uploads positions
 * and reads back per-atom energies and forces (and per-atom virials when asked).
 *
 * <p>Several independent systems (replicas, e.g. the runs of a stability benchmark) are evaluated
 * together as one disjoint graph: one launch sequence for all of them.
 *
 * <p>Edges ({@link EdgeMode}): {@code HOST_FILTERED} (default) keeps only pairs within r_max, filtered
 * on the host and uploaded every step; {@code RESIDENT} uploads the neighbour lists' pairs only when a
 * list is rebuilt (its {@link NeighborList#version()} changes) and lets the kernels give pairs beyond
 * r_max exactly zero weight: no per-step edge upload, but the skin's pairs (about twice as many pairs
 * with a 1 Å skin at r_max 4 Å) go through the radial MLP and the convolution. On PoCL the filtered
 * edges are 2.4× faster for a 1,029-atom water box (docs/benchmarks.md). Not thread-safe.
 */
public final class BackendNequipEvaluator implements AutoCloseable {

    public enum EdgeMode { RESIDENT, HOST_FILTERED }

    /**
     * One system of a batch: positions (Å, 3N), type indices ({@link NequipConfig#typeOf}), its list,
     * and where to write forces (3N), virial (9, or null) and per-atom energies (N, or null).
     */
    public record Replica(double[] positions, int[] types, NeighborList neighbors,
                          double[] forcesOut, double[] virialOut, double[] atomicEnergiesOut) {}

    private final class Layer {
        final LinearKernel lin1, lin2;
        final SelfConnectionKernel sc;
        final RadialMlpKernel mlp;
        final GateKernel gate;
        final ConvolutionKernel conv;
        final boolean resnet;
        final int dimIn, aggDim, yDim, outDim, numel;
        final int[] hidden;
        RealBuffer x1, dx1, dx, agg, dagg, y, dy, out, wPair, dwPair;
        RealBuffer[] pre, post;

        Layer(NequipArchitecture.Layer l, Set<Irrep> needed) {
            Irreps convOut = l.gate().irrepsIn();
            TensorProductUvu tp = l.tp();
            Linear linear2 = l.linear2();
            FullyConnectedTensorProduct self = l.sc();
            int[] sizes = l.fcSizes().clone();
            List<double[]> fcw = new ArrayList<>();
            for (int h = 0; h + 1 < sizes.length; h++) fcw.add(model.weight(l.fcKey(h)));
            if (needed != null) { // only what reaches the energy, as NequipEvaluator
                tp = tp.restrictedToOutputs(needed::contains).compacted();
                int[] cols = tp.weightColumns();
                int last = fcw.size() - 1, hi = sizes[last], ho = sizes[last + 1];
                double[] w = fcw.get(last), wc = new double[hi * cols.length];
                for (int i = 0; i < hi; i++) for (int k = 0; k < cols.length; k++) wc[i * cols.length + k] = w[i * ho + cols[k]];
                fcw.set(last, wc);
                sizes[last + 1] = cols.length;
                linear2 = linear2.restrictedToOutputs(j -> needed.contains(convOut.ir(j)));
                if (self != null) self = self.restrictedToOutputs(j -> needed.contains(convOut.ir(j)));
            }
            lin1 = backend.linear(l.linear1(), model.weight(l.linear1Key()));
            lin2 = backend.linear(linear2, model.weight(l.linear2Key()));
            sc = self == null ? null : backend.selfConnection(self, model.weight(l.scKey()));
            mlp = backend.radialMlp(sizes, fcw, cfg.scalarsEven());
            gate = backend.gate(l.gate());
            conv = backend.convolution(tp, shDim);
            resnet = l.resnet();
            dimIn = l.irrepsIn().dim();
            aggDim = tp.irrepsOut().dim();
            yDim = convOut.dim();
            outDim = l.gate().irrepsOut().dim();
            numel = conv.weightsPerPair();
            hidden = Arrays.copyOfRange(sizes, 1, sizes.length - 1);
        }
    }

    private final KernelBackend backend;
    private final NequipModel model;
    private final NequipConfig cfg;
    private final RadialBasis basis;
    private final int shDim, lmax, numTypes, numBasis;
    private final double messageScale;
    private final LinearKernel embedding, readoutHidden, readoutScalar;
    private final int embDim, hiddenDim, lastDim;
    private final Layer[] layers;
    private final EdgeGraph graph;
    private EdgeMode edgeMode = EdgeMode.HOST_FILTERED;

    private int nodeCap = -1, pairCap = -1, maxHidden;
    private RealBuffer positions, attrs, x0, hiddenBuf, eps, dEps, dHidden, dLast, forces, atomVirial;
    private RealBuffer vec, len, emb, dEmbDr, dEmb, dEmbLayer, shY, shGrad, dShY, pairGrad;
    private RealBuffer[] mlpScratch;
    private Object[] graphKey;
    private int[] lastTypes = new int[0];
    private double[] hostPositions = new double[0], hostForces = new double[0], hostEps = new double[0], hostVirial = new double[0];

    public BackendNequipEvaluator(NequipModel model, KernelBackend backend) {
        this.backend = backend;
        this.model = model;
        this.cfg = model.config();
        NequipArchitecture arch = model.architecture();
        basis = new RadialBasis(cfg.rMax(), cfg.polynomialCutoffP(), model.besselWeights());
        lmax = cfg.irrepsEdgeSh().lmax();
        shDim = cfg.irrepsEdgeSh().dim();
        if (shDim != (lmax + 1) * (lmax + 1))
            throw new IllegalArgumentException("edge spherical harmonics must be all of l = 0 … " + lmax + ", got " + cfg.irrepsEdgeSh());
        if (lmax > 7) throw new IllegalArgumentException("the device kernels support l_max ≤ 7, got " + lmax);
        numTypes = cfg.numTypes();
        numBasis = cfg.numBasis();
        messageScale = 1 / Math.sqrt(cfg.avgNumNeighbors());
        embedding = backend.linear(arch.chemicalEmbedding(), model.weight(NequipArchitecture.CHEMICAL_EMBEDDING));
        readoutHidden = backend.linear(arch.convToOutputHidden(), model.weight(NequipArchitecture.CONV_TO_OUTPUT_HIDDEN));
        readoutScalar = backend.linear(arch.outputHiddenToScalar(), model.weight(NequipArchitecture.OUTPUT_HIDDEN_TO_SCALAR));
        embDim = arch.chemicalEmbedding().irrepsOut().dim();
        hiddenDim = arch.convToOutputHidden().irrepsOut().dim();
        lastDim = arch.convToOutputHidden().irrepsIn().dim();
        List<NequipArchitecture.Layer> ls = arch.layers();
        layers = new Layer[ls.size()];
        for (int k = 0; k < ls.size(); k++)
            layers[k] = new Layer(ls.get(k), k == ls.size() - 1 ? neededInLastLayer(ls.get(k).gate(), arch.convToOutputHidden()) : null);
        for (Layer l : layers) for (int h : l.hidden) maxHidden = Math.max(maxHidden, h);
        graph = new EdgeGraph(backend);
    }

    /** Irreps of the last gate's input that can reach the energy through the readout's paths. */
    private static Set<Irrep> neededInLastLayer(Gate gate, Linear readout) {
        Set<Irrep> needed = new HashSet<>();
        int ns = gate.irrepsScalars().size();
        for (Linear.Instruction p : readout.instructions()) {
            int b = p.iIn();
            if (b < ns) needed.add(gate.irrepsScalars().ir(b));
            else {
                needed.add(gate.irrepsGated().ir(b - ns));
                needed.add(gate.irrepsGates().ir(b - ns));
            }
        }
        return needed;
    }

    public KernelBackend backend() { return backend; }
    public NequipModel model() { return model; }
    public void setEdgeMode(EdgeMode mode) { this.edgeMode = mode; graphKey = null; }
    /** Pairs on the device in the last call (including, when resident, those beyond r_max). */
    public int pairCount() { return graph.pairs(); }

    /** One system; see {@link Replica} for the arguments. Returns the energy (eV). */
    public double compute(double[] positions, int[] types, NeighborList neighbors, double[] forces, double[] virial, double[] atomicEnergies) {
        return computeBatch(List.of(new Replica(positions, types, neighbors, forces, virial, atomicEnergies)))[0];
    }

    /** Energies (eV) of independent systems evaluated together; forces etc. go to each replica's arrays. */
    public double[] computeBatch(List<Replica> replicas) {
        int n = 0;
        boolean wantVirial = false;
        for (Replica r : replicas) {
            if (r.positions().length < 3 * r.types().length)
                throw new IllegalArgumentException("positions hold " + r.positions().length / 3 + " atoms, types " + r.types().length);
            n += r.types().length;
            wantVirial |= r.virialOut() != null;
        }
        updateGraph(replicas, n);
        ensureNodes(n);
        ensurePairs(graph.pairs());
        updateTypes(replicas, n);
        if (hostPositions.length < 3 * n) hostPositions = new double[3 * n];
        int o = 0;
        for (Replica r : replicas) {
            System.arraycopy(r.positions(), 0, hostPositions, 3 * o, 3 * r.types().length);
            o += r.types().length;
        }
        backend.write(positions, hostPositions, 3 * n);

        forward(n);
        backward(n, wantVirial);

        if (hostEps.length < n) { hostEps = new double[n]; hostForces = new double[3 * n]; hostVirial = new double[9 * n]; }
        backend.read(eps, hostEps, n);
        backend.read(forces, hostForces, 3 * n);
        if (wantVirial) backend.read(atomVirial, hostVirial, 9 * n);
        double[] energies = new double[replicas.size()];
        o = 0;
        double g = cfg.globalScale();
        for (int k = 0; k < replicas.size(); k++) {
            Replica r = replicas.get(k);
            int m = r.types().length;
            double e = 0;
            for (int a = 0; a < m; a++) {
                int t = r.types()[a];
                double ea = g * (cfg.perSpeciesScales()[t] * hostEps[o + a] + cfg.perSpeciesShifts()[t]);
                if (r.atomicEnergiesOut() != null) r.atomicEnergiesOut()[a] = ea;
                e += ea;
            }
            energies[k] = e + cfg.globalShift();
            System.arraycopy(hostForces, 3 * o, r.forcesOut(), 0, 3 * m);
            if (r.virialOut() != null) {
                Arrays.fill(r.virialOut(), 0, 9, 0.0);
                for (int a = o; a < o + m; a++) for (int c = 0; c < 9; c++) r.virialOut()[c] += hostVirial[9 * a + c];
            }
            if (!finite(r.positions(), 3 * m)) {
                // The kernels give a pair with a NaN length zero weight, which would leave the atom silently
                // isolated; report it as the host evaluator does, so the run's safety check stops it.
                energies[k] = Double.NaN;
                Arrays.fill(r.forcesOut(), 0, 3 * m, Double.NaN);
                if (r.virialOut() != null) Arrays.fill(r.virialOut(), 0, 9, Double.NaN);
                if (r.atomicEnergiesOut() != null) Arrays.fill(r.atomicEnergiesOut(), 0, m, Double.NaN);
            }
            o += m;
        }
        return energies;
    }

    private static boolean finite(double[] x, int n) {
        for (int i = 0; i < n; i++) if (!Double.isFinite(x[i])) return false;
        return true;
    }

    private void updateGraph(List<Replica> replicas, int n) {
        List<HostGraph.Part> parts = new ArrayList<>(replicas.size());
        Object[] key = new Object[3 * replicas.size()];
        for (int k = 0; k < replicas.size(); k++) {
            Replica r = replicas.get(k);
            parts.add(new HostGraph.Part(r.types().length, r.positions(), r.neighbors()));
            key[3 * k] = r.neighbors();
            key[3 * k + 1] = r.neighbors().version();
            key[3 * k + 2] = r.types().length;
        }
        if (edgeMode == EdgeMode.RESIDENT && Arrays.equals(key, graphKey)) return;
        graph.upload(new HostGraph(parts, edgeMode == EdgeMode.HOST_FILTERED ? cfg.rMax() : 0));
        graphKey = edgeMode == EdgeMode.RESIDENT ? key : null;
    }

    private void updateTypes(List<Replica> replicas, int n) {
        int[] t = new int[n];
        int o = 0;
        for (Replica r : replicas) {
            for (int a = 0; a < r.types().length; a++) {
                int ty = r.types()[a];
                if (ty < 0 || ty >= numTypes) throw new IllegalArgumentException("atom " + a + " has type index " + ty + ", the model has " + numTypes + " species");
                t[o + a] = ty;
            }
            o += r.types().length;
        }
        if (Arrays.equals(t, lastTypes)) return;
        double[] oneHot = new double[n * numTypes], de = new double[n];
        for (int a = 0; a < n; a++) {
            oneHot[a * numTypes + t[a]] = 1;
            de[a] = cfg.globalScale() * cfg.perSpeciesScales()[t[a]];
        }
        backend.write(attrs, oneHot, oneHot.length);
        backend.write(dEps, de, n);
        lastTypes = t;
    }

    private RealBuffer grow(RealBuffer old, int length) {
        if (old != null) backend.release(old);
        return backend.reals(Math.max(length, 1));
    }

    private void ensureNodes(int n) {
        if (n <= nodeCap) return;
        int c = Math.max(n, nodeCap + nodeCap / 4);
        nodeCap = c;
        lastTypes = new int[0];
        positions = grow(positions, 3 * c);
        attrs = grow(attrs, c * numTypes);
        x0 = grow(x0, c * embDim);
        hiddenBuf = grow(hiddenBuf, c * hiddenDim);
        dHidden = grow(dHidden, c * hiddenDim);
        eps = grow(eps, c);
        dEps = grow(dEps, c);
        dLast = grow(dLast, c * lastDim);
        forces = grow(forces, 3 * c);
        atomVirial = grow(atomVirial, 9 * c);
        for (Layer l : layers) {
            l.x1 = grow(l.x1, c * l.dimIn);
            l.dx1 = grow(l.dx1, c * l.dimIn);
            l.dx = grow(l.dx, c * l.dimIn);
            l.agg = grow(l.agg, c * l.aggDim);
            l.dagg = grow(l.dagg, c * l.aggDim);
            l.y = grow(l.y, c * l.yDim);
            l.dy = grow(l.dy, c * l.yDim);
            l.out = grow(l.out, c * l.outDim);
        }
    }

    private void ensurePairs(int p) {
        if (p <= pairCap) return;
        int c = Math.max(p, pairCap + pairCap / 4);
        pairCap = c;
        vec = grow(vec, 3 * c);
        len = grow(len, c);
        pairGrad = grow(pairGrad, 3 * c);
        emb = grow(emb, c * numBasis);
        dEmbDr = grow(dEmbDr, c * numBasis);
        dEmb = grow(dEmb, c * numBasis);
        dEmbLayer = grow(dEmbLayer, c * numBasis);
        shY = grow(shY, 2 * c * shDim);
        dShY = grow(dShY, 2 * c * shDim);
        shGrad = grow(shGrad, 6 * c * shDim);
        if (mlpScratch == null) mlpScratch = new RealBuffer[2];
        for (int s = 0; s < 2; s++) mlpScratch[s] = grow(mlpScratch[s], c * maxHidden);
        for (Layer l : layers) {
            l.wPair = grow(l.wPair, c * l.numel);
            l.dwPair = grow(l.dwPair, c * l.numel);
            if (l.pre == null) { l.pre = new RealBuffer[l.hidden.length]; l.post = new RealBuffer[l.hidden.length]; }
            for (int h = 0; h < l.hidden.length; h++) {
                l.pre[h] = grow(l.pre[h], c * l.hidden[h]);
                l.post[h] = grow(l.post[h], c * l.hidden[h]);
            }
        }
    }

    private void forward(int n) {
        int pairs = graph.pairs();
        backend.pairGeometry(graph, positions, basis, vec, len, emb, dEmbDr);
        backend.sphericalHarmonics(graph, lmax, cfg.rMax(), vec, len, shY, shGrad);
        embedding.forward(attrs, x0, n);
        RealBuffer x = x0;
        for (Layer l : layers) {
            l.lin1.forward(x, l.x1, n);
            l.mlp.forward(emb, pairs, l.pre, l.post, l.wPair);
            backend.zero(l.agg, n * l.aggDim);
            l.conv.forward(graph, l.x1, shY, l.wPair, messageScale, l.agg);
            l.lin2.forward(l.agg, l.y, n);
            if (l.sc != null) l.sc.forward(x, attrs, l.y, n);
            l.gate.forward(l.y, l.out, n);
            if (l.resnet) backend.addInto(x, l.out, n * l.dimIn);
            x = l.out;
        }
        readoutHidden.forward(x, hiddenBuf, n);
        readoutScalar.forward(hiddenBuf, eps, n);
    }

    private void backward(int n, boolean wantVirial) {
        int pairs = graph.pairs();
        readoutScalar.backward(dEps, dHidden, n, false);
        readoutHidden.backward(dHidden, dLast, n, false);
        backend.zero(dShY, graph.edges() * shDim);
        backend.zero(dEmb, pairs * numBasis);
        RealBuffer dOut = dLast;
        for (int k = layers.length - 1; k >= 0; k--) {
            Layer l = layers[k];
            l.gate.backward(l.y, dOut, l.dy, n);
            backend.zero(l.dx, n * l.dimIn);
            if (l.resnet) backend.addInto(dOut, l.dx, n * l.dimIn);
            l.lin2.backward(l.dy, l.dagg, n, false);
            if (l.sc != null) l.sc.backward(attrs, l.dy, l.dx, n);
            l.conv.backward(graph, l.x1, shY, l.wPair, messageScale, l.dagg, l.dx1, dShY, l.dwPair);
            l.mlp.backward(l.pre, l.dwPair, pairs, mlpScratch, dEmbLayer);
            backend.addInto(dEmbLayer, dEmb, pairs * numBasis);
            l.lin1.backward(l.dx1, l.dx, n, true);
            dOut = l.dx;
        }
        backend.forces(graph, numBasis, shDim, cfg.rMax(), vec, len, dEmb, dEmbDr, dShY, shGrad, pairGrad, forces,
                wantVirial ? atomVirial : null);
    }

    /** Frees the graph buffers; the rest (weights, features) is freed with the backend, which the caller owns. */
    @Override public void close() {
        graph.close();
    }
}
