package md.core.io;

import java.util.Arrays;

/**
 * One array from a NumPy {@code .npy} file (or an entry of an {@code .npz}), with its shape and its
 * data widened to double (floats and integers) or kept as strings (unicode/bytes dtypes).
 */
public record NpyArray(String name, String dtype, int[] shape, double[] data, String[] strings) {

    public long size() {
        long n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    public int dim(int axis) { return shape[axis]; }

    public boolean isString() { return strings != null; }

    /** Values as ints (for atomic numbers, indices); fails when a value is not an integer. */
    public int[] asInts() {
        int[] out = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            double v = data[i];
            if (v != Math.rint(v)) throw new IllegalArgumentException("array '" + name + "' holds non-integer " + v);
            out[i] = (int) v;
        }
        return out;
    }

    /** Row {@code index} of the leading axis, flattened. */
    public double[] slice(int index) {
        int stride = (int) (size() / shape[0]);
        return Arrays.copyOfRange(data, index * stride, (index + 1) * stride);
    }

    @Override public String toString() { return name + dtype + Arrays.toString(shape); }
}
