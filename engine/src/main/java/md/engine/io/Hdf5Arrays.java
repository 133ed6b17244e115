package md.engine.io;

import md.engine.cli.UserError;

/** Primitive arrays as jhdf returns them ({@code getDataFlat()}), widened for the readers. */
final class Hdf5Arrays {
    private Hdf5Arrays() {}

    /** Widens whatever primitive array jhdf returns. */
    static double[] doubles(Object flat) {
        if (flat instanceof double[] a) return a;
        if (flat instanceof float[] a) { double[] o = new double[a.length]; for (int i = 0; i < a.length; i++) o[i] = a[i]; return o; }
        if (flat instanceof long[] a) { double[] o = new double[a.length]; for (int i = 0; i < a.length; i++) o[i] = a[i]; return o; }
        if (flat instanceof int[] a) { double[] o = new double[a.length]; for (int i = 0; i < a.length; i++) o[i] = a[i]; return o; }
        if (flat instanceof short[] a) { double[] o = new double[a.length]; for (int i = 0; i < a.length; i++) o[i] = a[i]; return o; }
        if (flat instanceof byte[] a) { double[] o = new double[a.length]; for (int i = 0; i < a.length; i++) o[i] = a[i] & 0xff; return o; }
        throw new IllegalArgumentException("unsupported HDF5 data type " + (flat == null ? "null" : flat.getClass().getSimpleName()));
    }

    static int[] ints(double[] v, String where) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i])) throw new UserError(where + " holds a non-integer value " + v[i]);
            out[i] = (int) v[i];
        }
        return out;
    }
}
