package md.forcefields.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Ops that move data without arithmetic (except {@link #sumTo}, the adjoint of broadcasting). */
final class ShapeOps {
    private ShapeOps() {}

    static Tensor reshape(Tensor x, int[] newShape) {
        int[] s = newShape.clone();
        int unknown = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (unknown >= 0) throw new IllegalArgumentException("reshape: more than one -1 in " + Shapes.str(newShape));
                unknown = i;
            } else known *= s[i];
        }
        if (unknown >= 0) {
            if (known == 0 || x.data.length % known != 0)
                throw new IllegalArgumentException("cannot reshape " + Shapes.str(x.shape) + " to " + Shapes.str(newShape));
            s[unknown] = x.data.length / known;
        }
        if (Shapes.numel(s) != x.data.length)
            throw new IllegalArgumentException("cannot reshape " + Shapes.str(x.shape) + " to " + Shapes.str(newShape));
        int[] old = x.shape;
        // Shares the array: tensors in a graph are never written, so a reshaped view is safe.
        return Tensor.result(x.data, s, "reshape", (g, need) -> new Tensor[] {g.reshape(old)}, x);
    }

    static Tensor permute(Tensor x, int[] perm) {
        int n = x.shape.length;
        if (perm.length != n) throw new IllegalArgumentException("permute " + Arrays.toString(perm) + " of shape " + Shapes.str(x.shape));
        int[] inverse = new int[n];
        boolean[] seen = new boolean[n];
        int[] outShape = new int[n];
        for (int i = 0; i < n; i++) {
            int p = Shapes.axis(perm[i], n);
            if (seen[p]) throw new IllegalArgumentException("permute: repeated axis in " + Arrays.toString(perm));
            seen[p] = true;
            inverse[p] = i;
            outShape[i] = x.shape[p];
        }
        int[] inStrides = Shapes.strides(x.shape);
        int[] stride = new int[n]; // input stride for each output axis
        for (int i = 0; i < n; i++) stride[i] = inStrides[Shapes.axis(perm[i], n)];
        double[] o = new double[x.data.length];
        int[] idx = new int[n];
        int src = 0;
        for (int k = 0; k < o.length; k++) {
            o[k] = x.data[src];
            for (int a = n - 1; a >= 0; a--) {
                if (++idx[a] < outShape[a]) { src += stride[a]; break; }
                src -= stride[a] * (outShape[a] - 1);
                idx[a] = 0;
            }
        }
        return Tensor.result(o, outShape, "permute", (g, need) -> new Tensor[] {g.permute(inverse)}, x);
    }

    /**
     * For every element of {@code big} (row-major), the offset of the element of {@code small} it is
     * broadcast from; {@code small} must broadcast to {@code big}.
     */
    private static int[] broadcastSource(int[] small, int[] big) {
        int n = big.length, lead = n - small.length;
        if (lead < 0) throw new IllegalArgumentException("cannot broadcast " + Shapes.str(small) + " to " + Shapes.str(big));
        int[] smallStrides = Shapes.strides(small);
        int[] stride = new int[n];
        for (int i = lead; i < n; i++) {
            int d = small[i - lead];
            if (d != big[i] && d != 1) throw new IllegalArgumentException("cannot broadcast " + Shapes.str(small) + " to " + Shapes.str(big));
            stride[i] = d == 1 ? 0 : smallStrides[i - lead];
        }
        int[] map = new int[Shapes.numel(big)];
        int[] idx = new int[n];
        int src = 0;
        for (int k = 0; k < map.length; k++) {
            map[k] = src;
            for (int a = n - 1; a >= 0; a--) {
                if (++idx[a] < big[a]) { src += stride[a]; break; }
                src -= stride[a] * (big[a] - 1);
                idx[a] = 0;
            }
        }
        return map;
    }

    /**
     * (outer, repeats, inner) when {@code small} broadcast to {@code big} repeats blocks of {@code inner} elements
     * {@code repeats} times each, i.e. small is big with one run of consecutive axes of size 1 (or missing in front):
     * (R, 1) to (R, C), (C) or (1, C) to (R, C), (R, 1, C) to (R, K, C); null for any other broadcast (index map).
     */
    private static int[] simpleBroadcast(int[] small, int[] big) {
        int n = big.length, lead = n - small.length;
        if (lead < 0) return null;
        int p = 0;
        while (p < n && p >= lead && small[p - lead] == big[p]) p++; // equal leading axes (none when small is shorter)
        int q = p;
        while (q < n && (q < lead || small[q - lead] == 1) && big[q] != 1) q++;
        for (int j = q; j < n; j++) if ((j < lead ? 1 : small[j - lead]) != big[j]) return null;
        int outer = 1, repeats = 1, inner = 1;
        for (int j = 0; j < p; j++) outer *= big[j];
        for (int j = p; j < q; j++) repeats *= big[j];
        for (int j = q; j < n; j++) inner *= big[j];
        return new int[] {outer, repeats, inner};
    }

    static Tensor broadcastTo(Tensor x, int[] target) {
        if (Arrays.equals(x.shape, target)) return x;
        int[] from = x.shape;
        int[] orc = simpleBroadcast(x.shape, target);
        if (orc != null) { // the same values as through the index map below, without building it
            double[] o = new double[Shapes.numel(target)], xd = x.data;
            int repeats = orc[1], inner = orc[2];
            for (int a = 0, at = 0; a < orc[0]; a++)
                for (int r = 0; r < repeats; r++, at += inner) System.arraycopy(xd, a * inner, o, at, inner);
            return Tensor.result(o, target.clone(), "broadcastTo", (g, need) -> new Tensor[] {g.sumTo(from)}, x);
        }
        int[] map = broadcastSource(x.shape, target);
        double[] o = new double[map.length];
        for (int k = 0; k < o.length; k++) o[k] = x.data[map[k]];
        return Tensor.result(o, target.clone(), "broadcastTo", (g, need) -> new Tensor[] {g.sumTo(from)}, x);
    }

    static Tensor sumTo(Tensor x, int[] target) {
        if (Arrays.equals(x.shape, target)) return x;
        int[] from = x.shape;
        double[] o = new double[Shapes.numel(target)], xd = x.data;
        int[] orc = simpleBroadcast(target, x.shape);
        if (orc != null) { // every output element: its sources in increasing order added to 0, as through the index map
            int repeats = orc[1], inner = orc[2];
            for (int a = 0, at = 0; a < orc[0]; a++)
                for (int r = 0; r < repeats; r++, at += inner)
                    for (int b = 0, ob = a * inner; b < inner; b++) o[ob + b] += xd[at + b];
        } else {
            int[] map = broadcastSource(target, x.shape);
            for (int k = 0; k < map.length; k++) o[map[k]] += x.data[k];
        }
        return Tensor.result(o, target.clone(), "sumTo", (g, need) -> new Tensor[] {g.broadcastTo(from)}, x);
    }

    static Tensor slice(Tensor x, int axis0, int start, int end) {
        int axis = Shapes.axis(axis0, x.shape.length);
        if (start < 0 || end > x.shape[axis] || start > end)
            throw new IllegalArgumentException("slice [" + start + ", " + end + ") of axis " + axis + " with extent " + x.shape[axis]);
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= x.shape[i];
        for (int i = axis + 1; i < x.shape.length; i++) inner *= x.shape[i];
        int len = end - start, full = x.shape[axis];
        int[] outShape = x.shape.clone();
        outShape[axis] = len;
        double[] o = new double[outer * len * inner];
        for (int a = 0; a < outer; a++)
            System.arraycopy(x.data, (a * full + start) * inner, o, a * len * inner, len * inner);
        int[] fullShape = x.shape;
        return Tensor.result(o, outShape, "slice", (g, need) -> new Tensor[] {embed(g, fullShape, axis, start)}, x);
    }

    /** Zeros of {@code fullShape} with {@code x} placed at {@code start} along {@code axis}; the adjoint of slice. */
    static Tensor embed(Tensor x, int[] fullShape, int axis, int start) {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= fullShape[i];
        for (int i = axis + 1; i < fullShape.length; i++) inner *= fullShape[i];
        int len = x.shape[axis], full = fullShape[axis];
        double[] o = new double[Shapes.numel(fullShape)];
        for (int a = 0; a < outer; a++)
            System.arraycopy(x.data, a * len * inner, o, (a * full + start) * inner, len * inner);
        return Tensor.result(o, fullShape.clone(), "embed", (g, need) -> new Tensor[] {g.slice(axis, start, start + len)}, x);
    }

    static Tensor concat(List<Tensor> parts0, int axis0) {
        if (parts0.isEmpty()) throw new IllegalArgumentException("concat of no tensors");
        Tensor[] parts = parts0.toArray(new Tensor[0]);
        int rank = parts[0].shape.length;
        int axis = Shapes.axis(axis0, rank);
        int total = 0;
        for (Tensor p : parts) {
            boolean ok = p.shape.length == rank;
            for (int i = 0; ok && i < rank; i++) ok = i == axis || p.shape[i] == parts[0].shape[i];
            if (!ok) throw new IllegalArgumentException("concat along axis " + axis + " of shapes " + Shapes.str(parts[0].shape) + " and " + Shapes.str(p.shape));
            total += p.shape[axis];
        }
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= parts[0].shape[i];
        for (int i = axis + 1; i < rank; i++) inner *= parts[0].shape[i];
        int[] outShape = parts[0].shape.clone();
        outShape[axis] = total;
        double[] o = new double[Shapes.numel(outShape)];
        int at = 0;
        for (int k = 0; k < parts.length; k++) {
            int len = parts[k].shape[axis];
            for (int a = 0; a < outer; a++)
                System.arraycopy(parts[k].data, a * len * inner, o, (a * total + at) * inner, len * inner);
            at += len;
        }
        int[] sizes = new int[parts.length];
        for (int k = 0; k < parts.length; k++) sizes[k] = parts[k].shape[axis];
        return Tensor.result(o, outShape, "concat", (g, need) -> split(g, axis, sizes).toArray(new Tensor[0]), parts);
    }

    /**
     * Splits along {@code axis} into consecutive pieces of the given sizes (which must add up to the
     * extent). One multi-output op: its backward is a single concatenation of the pieces' gradients.
     */
    static List<Tensor> split(Tensor x, int axis0, int... sizes) {
        int axis = Shapes.axis(axis0, x.shape.length);
        int total = 0;
        for (int s : sizes) total += s;
        if (total != x.shape[axis])
            throw new IllegalArgumentException("split sizes " + Arrays.toString(sizes) + " do not add up to extent " + x.shape[axis] + " of axis " + axis);
        Tensor[] pieces = new Tensor[sizes.length];
        try (GradMode.Scope s = GradMode.disabled()) {
            int at = 0;
            for (int k = 0; k < sizes.length; k++) { pieces[k] = x.slice(axis, at, at + sizes[k]); at += sizes[k]; }
        }
        Tensor.recordSplit(x, axis, pieces);
        return List.of(pieces);
    }
}
