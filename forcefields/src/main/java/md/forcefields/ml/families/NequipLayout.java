package md.forcefields.ml.families;

import java.util.ArrayList;
import java.util.List;

import md.forcefields.e3nn.Irrep;
import md.forcefields.e3nn.Irreps;
import md.forcefields.e3nn.Irreps.MulIrrep;
import md.forcefields.ml.ops.Activations;
import md.forcefields.ml.ops.Gate;
import md.forcefields.ml.ops.UvuConvolution;

/**
 * The irreps of every NequIP interaction block derived from the hyperparameters with nequip 0.6's rules
 * (SimpleIrrepsConfig + ConvNetLayer): reachable hidden irreps, gate layout, 'uvu' path list with
 * e3nn's sorted output slots and creation-order weight offsets.
 */
public record NequipLayout(Irreps edgeAttrs, Irreps embedding, List<Layer> layers, Irreps readoutHidden) {

    /** One interaction block. {@code tpOut} are the sorted output slots; {@code linear2In} is their simplification. */
    public record Layer(Irreps input, Irreps tpOut, List<UvuConvolution.Instruction> instructions, int tpWeights,
                 Irreps linear2In, Irreps gateInput, Gate gate, Irreps output, boolean resnet) {}

    public static NequipLayout derive(NequipHyperparameters hp) {
        Irreps sh = Irreps.sphericalHarmonics(hp.lMax(), hp.parity());
        int f = hp.numFeatures();
        List<MulIrrep> hidden = new ArrayList<>();
        for (int p : hp.parity() ? new int[] {1, -1} : new int[] {1})
            for (int l = 0; l <= hp.lMax(); l++) hidden.add(new MulIrrep(f, new Irrep(l, p)));
        Irreps input = Irreps.parse(f + "x0e");
        List<Layer> layers = new ArrayList<>();
        for (int k = 0; k < hp.numLayers(); k++) {
            Layer layer = layer(hp, input, sh, hidden);
            layers.add(layer);
            input = layer.output();
        }
        return new NequipLayout(sh, Irreps.parse(f + "x0e"), layers, Irreps.parse(Math.max(1, f / 2) + "x0e"));
    }

    private static Layer layer(NequipHyperparameters hp, Irreps input, Irreps sh, List<MulIrrep> hidden) {
        List<Irrep> reachable = new ArrayList<>();
        for (MulIrrep a : input.blocks()) for (MulIrrep b : sh.blocks()) reachable.addAll(a.ir().times(b.ir()));
        List<MulIrrep> scalars = new ArrayList<>(), gated = new ArrayList<>();
        for (MulIrrep h : hidden) {
            if (!reachable.contains(h.ir())) continue;
            (h.ir().l() == 0 ? scalars : gated).add(h);
        }
        Irrep gateIr = reachable.contains(new Irrep(0, 1)) ? new Irrep(0, 1) : new Irrep(0, -1);
        List<MulIrrep> gates = new ArrayList<>();
        for (MulIrrep v : gated) gates.add(new MulIrrep(v.mul(), gateIr));
        List<MulIrrep> all = new ArrayList<>(scalars);
        all.addAll(gates);
        all.addAll(gated);
        Irreps.Sorted sorted = new Irreps(all).sort();
        Irreps gateInput = sorted.irreps().simplify();
        List<Gate.Piece> sPieces = new ArrayList<>(), gPieces = new ArrayList<>(), vPieces = new ArrayList<>();
        for (int b = 0; b < all.size(); b++) {
            MulIrrep m = all.get(b);
            int index = sorted.perm()[b];
            if (b < scalars.size())
                sPieces.add(new Gate.Piece(index, m.mul(), m.ir(), m.ir().p() == 1 ? hp.scalarEven() : hp.scalarOdd()));
            else if (b < scalars.size() + gates.size())
                gPieces.add(new Gate.Piece(index, m.mul(), m.ir(), m.ir().p() == 1 ? hp.gateEven() : hp.gateOdd()));
            else vPieces.add(new Gate.Piece(index, m.mul(), m.ir(), null));
        }
        for (Gate.Piece p : sPieces)
            if (p.ir().p() == -1 && !Activations.isOdd(p.activation()))
                throw new IllegalArgumentException("activation '" + p.activation() + "' for odd scalars must be odd (tanh)");
        List<MulIrrep> outputBlocks = new ArrayList<>(scalars);
        outputBlocks.addAll(gated);
        Irreps output = new Irreps(outputBlocks);

        // Tensor-product paths in creation order; output slots are then sorted, weights keep creation order.
        List<MulIrrep> slots = new ArrayList<>();
        List<int[]> created = new ArrayList<>(); // {in1, in2, slot}
        for (int i = 0; i < input.size(); i++)
            for (int j = 0; j < sh.size(); j++)
                for (Irrep ir : input.ir(i).times(sh.ir(j)))
                    if (gateInput.contains(ir)) {
                        created.add(new int[] {i, j, slots.size()});
                        slots.add(new MulIrrep(input.mul(i), ir));
                    }
        Irreps.Sorted tpSorted = new Irreps(slots).sort();
        int[] fanIn = new int[slots.size()];
        for (int[] c : created) fanIn[c[2]] += sh.mul(c[1]);
        List<UvuConvolution.Instruction> instructions = new ArrayList<>();
        int offset = 0;
        for (int[] c : created) {
            Irrep out = slots.get(c[2]).ir();
            double pathWeight = Math.sqrt(out.dim() / (double) fanIn[c[2]]);
            instructions.add(new UvuConvolution.Instruction(c[0], c[1], tpSorted.perm()[c[2]], pathWeight, offset));
            offset += input.mul(c[0]) * sh.mul(c[1]);
        }
        boolean resnet = hp.resnet() && output.equals(input);
        return new Layer(input, tpSorted.irreps(), instructions, offset, tpSorted.irreps().simplify(), gateInput,
                new Gate(sorted.irreps().blocks().stream().mapToInt(MulIrrep::dim).toArray(), sPieces, gPieces, vPieces), output, resnet);
    }
}
