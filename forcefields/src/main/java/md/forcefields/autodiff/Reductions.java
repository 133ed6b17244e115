package md.forcefields.autodiff;

/** Sums over one axis (the whole-tensor sum is {@link Tensor#sumTo} of the empty shape). */
final class Reductions {
    private Reductions() {}

    static Tensor sum(Tensor x, int axis0) {
        int axis = Shapes.axis(axis0, x.shape.length);
        int outer = 1, inner = 1, n = x.shape[axis];
        for (int i = 0; i < axis; i++) outer *= x.shape[i];
        for (int i = axis + 1; i < x.shape.length; i++) inner *= x.shape[i];
        int[] outShape = new int[x.shape.length - 1];
        for (int i = 0, j = 0; i < x.shape.length; i++) if (i != axis) outShape[j++] = x.shape[i];
        double[] o = new double[outer * inner];
        for (int a = 0; a < outer; a++)
            for (int k = 0; k < n; k++) {
                int src = (a * n + k) * inner, dst = a * inner;
                for (int b = 0; b < inner; b++) o[dst + b] += x.data[src + b];
            }
        int[] from = x.shape;
        return Tensor.result(o, outShape, "sum", (g, need) -> new Tensor[] {g.unsqueeze(axis).broadcastTo(from)}, x);
    }
}
