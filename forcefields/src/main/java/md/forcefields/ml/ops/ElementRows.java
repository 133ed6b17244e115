package md.forcefields.ml.ops;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * Rows of a table indexed by atomic number, one per atom: out[a] = table[Z(a)] with Z(a) =
 * {@code atomicNumbers[species[a]]} (atoms × w from a fixed max_z × w table). This is
 * {@code torch.nn.Embedding(max_z, w)(z)} as TorchMD-Net uses it: the table keeps a row for every atomic
 * number below max_z, also those the model has no species for.
 */
public record ElementRows(int[] atomicNumbers) implements Op {
    public ElementRows {
        atomicNumbers = atomicNumbers.clone();
        for (int z : atomicNumbers) if (z < 0) throw new IllegalArgumentException("elementRows: negative atomic number " + z);
    }

    @Override public int[] atomicNumbers() { return atomicNumbers.clone(); }

    @Override public boolean equals(Object o) { return o instanceof ElementRows e && java.util.Arrays.equals(atomicNumbers, e.atomicNumbers); }

    @Override public int hashCode() { return java.util.Arrays.hashCode(atomicNumbers); }

    @Override public String toString() { return "elementRows" + java.util.Arrays.toString(atomicNumbers); }

    @Override public String name() { return "elementRows"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 1);
        if (in[0].rows() != Shape.Rows.FIXED) throw new IllegalArgumentException("elementRows needs a fixed table (max_z x width), got " + in[0]);
        for (int z : atomicNumbers)
            if (z >= in[0].fixedRows())
                throw new IllegalArgumentException("elementRows: atomic number " + z + " has no row in a table of " + in[0].fixedRows() + " rows (max_z)");
        return Shape.atoms(in[0].width());
    }

    private int row(Graph g, int atom) {
        int t = g.species()[atom];
        if (t < 0 || t >= atomicNumbers.length) throw new IllegalArgumentException("atom " + atom + " has type " + t + ", model has " + atomicNumbers.length);
        return atomicNumbers[t];
    }

    @Override public Tensor tape(Graph g, Tensor... in) {
        int[] rows = new int[g.atoms()];
        for (int a = 0; a < rows.length; a++) rows[a] = row(g, a);
        return in[0].indexSelect(rows);
    }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int w = ws.outputWidth();
        for (int a = 0; a < g.atoms(); a++) System.arraycopy(in[0], row(g, a) * w, out, a * w, w);
    }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        if (gIn[0] == null) return;
        int w = ws.outputWidth();
        for (int a = 0; a < g.atoms(); a++) {
            int o = row(g, a) * w;
            for (int c = 0; c < w; c++) gIn[0][o + c] += gOut[a * w + c];
        }
    }
}
