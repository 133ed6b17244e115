package md.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


/**
 * Output of {@code analysis/reference/compute_reference.py} (NumPy, committed under
 * src/test/resources/reference) and the shared data it was computed from.
 */
final class ReferenceData {
    private ReferenceData() {}

    /** Columns of a reference CSV by header name. */
    static Map<String, double[]> csv(String name) throws IOException {
        List<String> lines;
        try (InputStream in = ReferenceData.class.getResourceAsStream("/reference/" + name)) {
            if (in == null) throw new IOException("missing test resource reference/" + name);
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
        String[] header = lines.get(0).split(",");
        List<double[]> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] p = l.split(",");
            double[] r = new double[p.length];
            for (int i = 0; i < p.length; i++) r[i] = Double.parseDouble(p[i]);
            rows.add(r);
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int c = 0; c < header.length; c++) {
            double[] col = new double[rows.size()];
            for (int r = 0; r < col.length; r++) col[r] = rows.get(r)[c];
            out.put(header[c], col);
        }
        return out;
    }

    static double scalar(String name) throws IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        try (InputStream in = ReferenceData.class.getResourceAsStream("/reference/scalars.csv")) {
            new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().skip(1)
                    .forEach(l -> m.put(l.substring(0, l.indexOf(',')), Double.parseDouble(l.substring(l.indexOf(',') + 1))));
        }
        Double v = m.get(name);
        if (v == null) throw new IOException("no scalar '" + name + "' in reference/scalars.csv");
        return v;
    }

    /** A file below ../shared/data, or a skipped test when absent. */
    static Path shared(String relative) { return md.core.SharedData.require(relative); }
}
