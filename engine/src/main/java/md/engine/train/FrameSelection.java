package md.engine.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Which frames of a data file to use, as in NumPy indexing: a list of indices or a slice
 * {@code start:stop[:step]} (negative values count from the end, empty parts mean the ends).
 * Resolved against the file's frame count when it is read.
 */
public record FrameSelection(String text, int[] indices, Integer start, Integer stop, int step) {

    public static FrameSelection ofIndices(String text, int[] indices) { return new FrameSelection(text, indices, null, null, 1); }

    /** Parses {@code start:stop[:step]}; throws IllegalArgumentException with what was expected. */
    public static FrameSelection parseSlice(String text) {
        String[] parts = text.trim().split(":", -1);
        if (parts.length < 2 || parts.length > 3)
            throw new IllegalArgumentException("expected a list of frame indices or a slice 'start:stop' or 'start:stop:step', got '" + text + "'");
        Integer start = part(parts[0], text), stop = part(parts[1], text);
        Integer step = parts.length == 3 ? part(parts[2], text) : null;
        if (step != null && step <= 0) throw new IllegalArgumentException("the step of frame slice '" + text + "' must be positive");
        return new FrameSelection(text, null, start, stop, step == null ? 1 : step);
    }

    private static Integer part(String s, String text) {
        if (s.isBlank()) return null;
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("frame slice '" + text + "': '" + s.trim() + "' is not an integer");
        }
    }

    /** The selected indices into a file of {@code count} frames; throws IllegalArgumentException for an index out of range. */
    public List<Integer> resolve(int count) {
        List<Integer> out = new ArrayList<>();
        if (indices != null) {
            for (int i : indices) {
                int k = i < 0 ? count + i : i;
                if (k < 0 || k >= count)
                    throw new IllegalArgumentException("frame " + i + " selected, but the file has " + count + " frames (valid: 0.." + (count - 1) + ", or negative from the end)");
                out.add(k);
            }
            return out;
        }
        int a = clamp(start == null ? 0 : start, count), b = clamp(stop == null ? count : stop, count);
        for (int k = a; k < b; k += step) out.add(k);
        return out;
    }

    private static int clamp(int i, int count) { return Math.max(0, Math.min(count, i < 0 ? count + i : i)); }
}
