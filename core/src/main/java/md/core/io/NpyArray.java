package md.core.io;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One array from a NumPy {@code .npy} file (or an entry of an {@code .npz}), with its shape and its
 * data widened to double (floats and integers) or kept as strings (unicode/bytes dtypes). Arrays of
 * Python objects (pickles) are kept without data. {@link #data()} of an array that holds no numbers
 * fails with a message naming the file ({@code source}, when known) and the array.
 */
public record NpyArray(String name, String dtype, int[] shape, double[] data, String[] strings, Path source) {

    public NpyArray(String name, String dtype, int[] shape, double[] data, String[] strings) {
        this(name, dtype, shape, data, strings, null);
    }

    /**
     * The values, widened to double. An {@link IllegalArgumentException} naming the file and the array when
     * it holds strings or Python objects instead of numbers.
     */
    public double[] data() {
        if (data != null) return data;
        String where = (source == null ? "" : source + ": ") + "array '" + name + "'";
        if (strings != null)
            throw new IllegalArgumentException(where + " holds strings (dtype " + dtype + ")"
                    + (strings.length > 0 ? ", e.g. '" + abbreviate(strings[0]) + "'" : "") + "; expected numbers (a float or integer array)");
        throw new IllegalArgumentException(where + " holds Python objects (dtype " + dtype + ", a pickle, which is never loaded); "
                + "expected numbers: save it as a float or integer array, e.g. np.asarray(x, dtype=float)");
    }

    /** Whether the array holds numbers ({@link #data()} succeeds). */
    public boolean isNumeric() { return data != null; }

    private static String abbreviate(String s) { return s.length() > 40 ? s.substring(0, 37) + "..." : s; }

    public long size() {
        long n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    public int dim(int axis) { return shape[axis]; }

    public boolean isString() { return strings != null; }

    /** Values as ints (for atomic numbers, indices); fails when a value is not an integer. */
    public int[] asInts() {
        double[] data = data();
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
        return Arrays.copyOfRange(data(), index * stride, (index + 1) * stride);
    }

    @Override public String toString() { return name + dtype + Arrays.toString(shape); }
}
