package md.forcefields.nequip;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import md.forcefields.e3nn.Activation;
import md.forcefields.e3nn.FullyConnectedTensorProduct;
import md.forcefields.e3nn.Gate;
import md.forcefields.e3nn.Irrep;
import md.forcefields.e3nn.Irreps;
import md.forcefields.e3nn.Linear;
import md.forcefields.e3nn.TensorProductUvu;

/**
 * The modules a {@link NequipConfig} defines (nequip 0.6 on e3nn 0.5), without weights.
 *
 * <p>Per interaction block k with input irreps I: a block (l,p) of the hidden irreps is
 * <em>reachable</em> if some block of I times some edge-SH block contains it; scalars S = reachable
 * l=0 hidden blocks, gated V = reachable l&gt;0 hidden blocks (hidden order), one gate block (0e, or 0o
 * if 0e is unreachable) per V block. Then sc = FCTP(x, one-hot), x1 = linear_1(x),
 * m_e = TP(x1[j], Y_e; MLP(emb_e)), agg_i = Σ_e m_e/√avg, y = linear_2(agg) + sc,
 * x' = Gate(y) (+ x with resnet when the output irreps equal I).
 *
 * <p>Weight names are nequip's {@code state_dict} keys without the {@code model.model.func.} prefix
 * ({@link #weightShapes()}).
 */
public final class NequipArchitecture {

    /** The modules of one interaction block. {@code sc} is null without self-connection. */
    public record Layer(int index, Irreps irrepsIn, Linear linear1, TensorProductUvu tp, int[] fcSizes, Linear linear2,
                        FullyConnectedTensorProduct sc, Gate gate, boolean resnet) {
        public String prefix() { return "layer" + index + "_convnet.conv."; }
        public String linear1Key() { return prefix() + "linear_1.weight"; }
        public String fcKey(int h) { return prefix() + "fc.layer" + h + ".weight"; }
        public String linear2Key() { return prefix() + "linear_2.weight"; }
        public String scKey() { return prefix() + "sc.weight"; }
    }

    public static final String BESSEL = "radial_basis.basis.bessel_weights";
    public static final String CHEMICAL_EMBEDDING = "chemical_embedding.linear.weight";
    public static final String CONV_TO_OUTPUT_HIDDEN = "conv_to_output_hidden.linear.weight";
    public static final String OUTPUT_HIDDEN_TO_SCALAR = "output_hidden_to_scalar.linear.weight";

    private final NequipConfig config;
    private final Linear chemicalEmbedding, convToOutputHidden, outputHiddenToScalar;
    private final List<Layer> layers;

    public NequipArchitecture(NequipConfig config) {
        this.config = config;
        Irreps typeIrreps = Irreps.parse(config.numTypes() + "x0e");
        chemicalEmbedding = new Linear(typeIrreps, config.chemicalEmbeddingIrreps());
        Irreps sh = config.irrepsEdgeSh();
        Irreps x = config.chemicalEmbeddingIrreps();
        List<Layer> ls = new ArrayList<>();
        for (int k = 0; k < config.numLayers(); k++) {
            Irreps in = x;
            List<Irreps.MulIrrep> s = new ArrayList<>(), v = new ArrayList<>(), g = new ArrayList<>();
            for (Irreps.MulIrrep b : config.featureIrrepsHidden().blocks())
                if (reachable(in, sh, b.ir())) (b.ir().l() == 0 ? s : v).add(b);
            Irrep gateIr = reachable(in, sh, Irrep.SCALAR) ? Irrep.SCALAR : new Irrep(0, -1);
            for (Irreps.MulIrrep b : v) g.add(new Irreps.MulIrrep(b.mul(), gateIr));
            List<Activation> actS = s.stream().map(b -> b.ir().p() == 1 ? config.scalarsEven() : config.scalarsOdd()).toList();
            List<Activation> actG = g.stream().map(b -> b.ir().p() == 1 ? config.gatesEven() : config.gatesOdd()).toList();
            Gate gate = new Gate(new Irreps(s), actS, new Irreps(g), actG, new Irreps(v));
            Irreps convOut = gate.irrepsIn();
            TensorProductUvu tp = new TensorProductUvu(in, sh, convOut::contains);
            int[] fc = new int[config.invariantLayers() + 2];
            fc[0] = config.numBasis();
            for (int h = 1; h <= config.invariantLayers(); h++) fc[h] = config.invariantNeurons();
            fc[fc.length - 1] = tp.weightNumel();
            FullyConnectedTensorProduct sc = config.useSc() ? new FullyConnectedTensorProduct(in, typeIrreps, convOut) : null;
            boolean resnet = config.resnet() && gate.irrepsOut().equals(in);
            ls.add(new Layer(k, in, new Linear(in, in), tp, fc, new Linear(tp.irrepsOut(), convOut), sc, gate, resnet));
            x = gate.irrepsOut();
        }
        layers = List.copyOf(ls);
        convToOutputHidden = new Linear(x, config.convToOutputHiddenIrreps());
        outputHiddenToScalar = new Linear(config.convToOutputHiddenIrreps(), Irreps.parse("1x0e"));
    }

    private static boolean reachable(Irreps in, Irreps sh, Irrep target) {
        for (Irreps.MulIrrep a : in.blocks())
            for (Irreps.MulIrrep b : sh.blocks())
                if (a.ir().times(b.ir()).contains(target)) return true;
        return false;
    }

    public NequipConfig config() { return config; }
    public List<Layer> layers() { return layers; }
    public Linear chemicalEmbedding() { return chemicalEmbedding; }
    public Linear convToOutputHidden() { return convToOutputHidden; }
    public Linear outputHiddenToScalar() { return outputHiddenToScalar; }

    /** Every weight the model needs, by name, with nequip's state_dict shape, in a fixed order. */
    public Map<String, int[]> weightShapes() {
        Map<String, int[]> m = new LinkedHashMap<>();
        if (config.besselTrainable()) m.put(BESSEL, new int[] {config.numBasis()});
        m.put(CHEMICAL_EMBEDDING, new int[] {chemicalEmbedding.weightNumel()});
        for (Layer l : layers) {
            m.put(l.linear1Key(), new int[] {l.linear1().weightNumel()});
            for (int h = 0; h + 1 < l.fcSizes().length; h++) m.put(l.fcKey(h), new int[] {l.fcSizes()[h], l.fcSizes()[h + 1]});
            m.put(l.linear2Key(), new int[] {l.linear2().weightNumel()});
            if (l.sc() != null) m.put(l.scKey(), new int[] {l.sc().weightNumel()});
        }
        m.put(CONV_TO_OUTPUT_HIDDEN, new int[] {convToOutputHidden.weightNumel()});
        m.put(OUTPUT_HIDDEN_TO_SCALAR, new int[] {outputHiddenToScalar.weightNumel()});
        return m;
    }
}
