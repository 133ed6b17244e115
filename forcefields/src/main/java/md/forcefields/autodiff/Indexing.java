package md.forcefields.autodiff;

/** Gather and scatter-add along axis 0: edges ← atoms and atoms ← edges in message passing. */
final class Indexing {
    private Indexing() {}

    static Tensor indexSelect(Tensor x, int[] index) {
        if (x.shape.length == 0) throw new IllegalArgumentException("indexSelect of a 0-d tensor");
        int rows = x.shape[0], row = rowSize(x.shape);
        int[] outShape = x.shape.clone();
        outShape[0] = index.length;
        double[] o = new double[index.length * row];
        for (int i = 0; i < index.length; i++) {
            int r = index[i];
            if (r < 0 || r >= rows) throw new IndexOutOfBoundsException("index " + r + " at position " + i + " outside [0, " + rows + ")");
            System.arraycopy(x.data, r * row, o, i * row, row);
        }
        return Tensor.result(o, outShape, "indexSelect", (g, need) -> new Tensor[] {g.indexAdd(index, rows)}, x);
    }

    static Tensor indexAdd(Tensor x, int[] index, int rows) {
        if (x.shape.length == 0 || x.shape[0] != index.length)
            throw new IllegalArgumentException("indexAdd: " + index.length + " indices for shape " + Shapes.str(x.shape));
        int row = rowSize(x.shape);
        int[] outShape = x.shape.clone();
        outShape[0] = rows;
        double[] o = new double[rows * row];
        for (int i = 0; i < index.length; i++) {
            int r = index[i];
            if (r < 0 || r >= rows) throw new IndexOutOfBoundsException("index " + r + " at position " + i + " outside [0, " + rows + ")");
            int src = i * row, dst = r * row;
            for (int c = 0; c < row; c++) o[dst + c] += x.data[src + c];
        }
        return Tensor.result(o, outShape, "indexAdd", (g, need) -> new Tensor[] {g.indexSelect(index)}, x);
    }

    /** Elements per entry of axis 0. */
    private static int rowSize(int[] shape) {
        int row = 1;
        for (int i = 1; i < shape.length; i++) row *= shape[i];
        return row;
    }
}
