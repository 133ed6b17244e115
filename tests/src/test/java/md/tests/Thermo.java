package md.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** thermo.csv read back as columns. */
record Thermo(List<String> header, double[][] rows) {

    static Thermo read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<String> header = List.of(lines.get(0).split(","));
        double[][] rows = new double[lines.size() - 1][];
        for (int i = 1; i < lines.size(); i++) {
            String[] parts = lines.get(i).split(",");
            rows[i - 1] = new double[parts.length];
            for (int k = 0; k < parts.length; k++) rows[i - 1][k] = Double.parseDouble(parts[k]);
        }
        return new Thermo(header, rows);
    }

    double[] column(String name) {
        int k = header.indexOf(name);
        if (k < 0) throw new AssertionError("thermo.csv has no column " + name + ": " + header);
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) out[i] = rows[i][k];
        return out;
    }
}
