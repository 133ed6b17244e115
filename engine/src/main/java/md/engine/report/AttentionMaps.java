package md.engine.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import md.forcefields.autodiff.Tensor;
import md.forcefields.geomatt.GeomAttInspector;
import md.forcefields.ml.families.GeomAtt;
import md.forcefields.ml.model.LearnedModel;

/**
 * The symmetrised attention maps ᾱ[i, j] = (|α[i, j]| + |α[j, i]|)/2 (zero diagonal) of every stream and layer of a
 * GeomAtt model for one isolated structure (Frank &amp; Chmiela, arXiv 2106.02549, Fig. 3), with the model's energy
 * of that structure.
 *
 * @param atomicNumbers N atomic numbers
 * @param positions     3N positions (Å)
 * @param energyEv      the model's energy of the structure (eV)
 * @param maps          stream by stream, layer by layer
 */
public record AttentionMaps(int[] atomicNumbers, double[] positions, double energyEv, List<AttentionMap> maps) {

    /**
     * Layer {@code layer} (0-based) of stream {@code stream} (0-based, of many-body order {@code order}): row-major
     * N × N values.
     */
    public record AttentionMap(int stream, int order, int layer, double[] values) {
        /** The array name in attention.npz, e.g. {@code stream0_order2_layer1}. */
        public String name() { return "stream" + stream + "_order" + order + "_layer" + layer; }
    }

    public int atoms() { return atomicNumbers.length; }

    /**
     * Evaluates {@code model} (a GeomAtt model) on the isolated structure; an element the model does not know is an
     * IllegalArgumentException naming it.
     */
    public static AttentionMaps of(LearnedModel model, int[] atomicNumbers, double[] positions) {
        if (!(model.architecture() instanceof GeomAtt arch))
            throw new IllegalArgumentException("a " + model.architecture().family() + " model; attention maps are a GeomAtt feature");
        int n = atomicNumbers.length;
        if (positions.length != 3 * n) throw new IllegalArgumentException("3 positions per atom expected, got " + positions.length + " for " + n + " atoms");
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            types[i] = arch.typeOf(atomicNumbers[i]);
            if (types[i] < 0)
                throw new IllegalArgumentException("atom " + i + " is " + md.core.Elements.symbol(atomicNumbers[i]) + ", which the model has no embedding for (it knows "
                        + symbols(arch.atomicNumbers()) + ")");
        }
        Map<String, Tensor> values = GeomAttInspector.intermediates(model, Tensor.of(positions.clone(), n, 3), types);
        List<AttentionMap> maps = new ArrayList<>();
        for (int s = 0; s < arch.streams().size(); s++) {
            GeomAtt.Stream stream = arch.streams().get(s);
            for (int l = 0; l < stream.layers(); l++)
                maps.add(new AttentionMap(s, stream.order(), l, GeomAttInspector.symmetrisedAttention(values, s, l)));
        }
        return new AttentionMaps(atomicNumbers.clone(), positions.clone(), values.get("energy").data()[0], List.copyOf(maps));
    }

    /** "C0", "H3", …: element and 0-based index of each atom (the axis labels of the heat maps). */
    public String[] atomLabels() {
        String[] out = new String[atoms()];
        for (int i = 0; i < out.length; i++) out[i] = md.core.Elements.symbol(atomicNumbers[i]) + i;
        return out;
    }

    private static String symbols(int[] z) {
        StringBuilder sb = new StringBuilder();
        for (int x : z) sb.append(sb.isEmpty() ? "" : ", ").append(md.core.Elements.symbol(x));
        return sb.toString();
    }
}
