package md.forcefields.ml.ops;

import java.util.Arrays;

/**
 * The feature layout of the SE(3)-Transformer (Fuchs et al. 2020): for each degree l (ascending), a
 * block of {@code channels(l)} channels × (2l+1) components, laid out <b>channel-major</b>
 * (index c·(2l+1) + m, m = −l…l at m + l), blocks side by side. A per-atom value of this fiber is an
 * (atoms × {@link #dim()}) matrix; a per-edge message an (edges × dim()) one.
 */
public record Fiber(int[] degrees, int[] channels) {
    public Fiber {
        if (degrees.length != channels.length) throw new IllegalArgumentException("fiber: " + degrees.length + " degrees for " + channels.length + " channel counts");
        degrees = degrees.clone();
        channels = channels.clone();
        for (int i = 0; i < degrees.length; i++) {
            if (degrees[i] < 0 || channels[i] < 1) throw new IllegalArgumentException("fiber: degree " + degrees[i] + " with " + channels[i] + " channels");
            if (i > 0 && degrees[i] <= degrees[i - 1]) throw new IllegalArgumentException("fiber degrees must ascend, got " + Arrays.toString(degrees));
        }
    }

    /** Degrees 0 … maxDegree with the same channel count. */
    public static Fiber uniform(int maxDegree, int channels) {
        int[] d = new int[maxDegree + 1], c = new int[maxDegree + 1];
        for (int l = 0; l <= maxDegree; l++) { d[l] = l; c[l] = channels; }
        return new Fiber(d, c);
    }

    public int size() { return degrees.length; }
    public int degree(int i) { return degrees[i]; }
    public int channels(int i) { return channels[i]; }
    /** Columns of block i: channels·(2l+1). */
    public int blockWidth(int i) { return channels[i] * (2 * degrees[i] + 1); }

    /** First column of block i. */
    public int offset(int i) {
        int o = 0;
        for (int k = 0; k < i; k++) o += blockWidth(k);
        return o;
    }

    public int dim() { return offset(degrees.length); }

    /** Block index of degree l, or −1. */
    public int indexOf(int l) {
        for (int i = 0; i < degrees.length; i++) if (degrees[i] == l) return i;
        return -1;
    }

    /**
     * The attention head of every column when each block's channels are split into {@code heads} equal,
     * consecutive groups (head-major: head h owns channels h·C … h·C + C − 1, C = channels/heads).
     */
    public int[] headOfColumn(int heads) {
        int[] h = new int[dim()];
        for (int i = 0; i < degrees.length; i++) {
            if (heads < 1 || channels[i] % heads != 0)
                throw new IllegalArgumentException("fiber " + this + ": " + channels[i] + " channels of degree " + degrees[i] + " do not split into " + heads + " heads");
            int d = 2 * degrees[i] + 1, per = channels[i] / heads, off = offset(i);
            for (int c = 0; c < channels[i]; c++) for (int m = 0; m < d; m++) h[off + c * d + m] = c / per;
        }
        return h;
    }

    public int maxDegree() { return degrees.length == 0 ? -1 : degrees[degrees.length - 1]; }

    @Override public boolean equals(Object o) {
        return o instanceof Fiber f && Arrays.equals(degrees, f.degrees) && Arrays.equals(channels, f.channels);
    }

    @Override public int hashCode() { return 31 * Arrays.hashCode(degrees) + Arrays.hashCode(channels); }

    @Override public String toString() {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < degrees.length; i++) s.append(i == 0 ? "" : ", ").append(degrees[i]).append(": ").append(channels[i]);
        return s.append('}').toString();
    }
}
