package md.engine.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import md.analysis.Thermo;
import md.engine.cli.UserError;

/**
 * Reads the run loop's thermo log: a CSV with a header line naming the columns
 * {@code step,time_ps,epot_eV,ekin_eV,etot_eV,temperature_K,conserved_eV,steps_per_s} (any order, extra
 * columns ignored, lines starting with '#' skipped). {@code conserved_eV} may be absent (NVE logs); the
 * total energy is then the conserved quantity.
 */
public final class ThermoCsv {
    private ThermoCsv() {}

    private static final String[] REQUIRED = {"time_ps", "epot_eV", "ekin_eV", "etot_eV", "temperature_K"};

    public static Thermo read(Path file) throws IOException {
        String problem = md.engine.config.InputFiles.problem(file);
        if (problem != null) throw new UserError("thermo log " + file + (Files.isDirectory(file) ? " " + problem : " does not exist"));
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserError("thermo log " + file + ": " + md.engine.config.InputFiles.encodingProblem(file) + "; expected a CSV thermo log", e);
        }
        int headerLine = 0;
        while (headerLine < lines.size() && (lines.get(headerLine).isBlank() || lines.get(headerLine).startsWith("#"))) headerLine++;
        if (headerLine == lines.size()) throw new UserError(file + ": empty thermo log; expected a header line " + String.join(",", REQUIRED) + ",...");
        List<String> header = Arrays.stream(lines.get(headerLine).split(",")).map(String::trim).toList();
        int[] col = new int[REQUIRED.length];
        for (int c = 0; c < REQUIRED.length; c++) {
            col[c] = header.indexOf(REQUIRED[c]);
            if (col[c] < 0) throw new UserError(file + ":" + (headerLine + 1) + ": the header has no column '" + REQUIRED[c]
                    + "'; expected the columns step,time_ps,epot_eV,ekin_eV,etot_eV,temperature_K,conserved_eV,steps_per_s (found " + String.join(",", header) + ")");
        }
        int conserved = header.indexOf("conserved_eV");
        List<double[]> rows = new ArrayList<>();
        for (int l = headerLine + 1; l < lines.size(); l++) {
            String line = lines.get(l);
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] p = line.split(",", -1);
            if (p.length != header.size())
                throw new UserError(file + ":" + (l + 1) + ": expected " + header.size() + " comma-separated values like the header, found " + p.length);
            double[] r = new double[6];
            for (int c = 0; c < REQUIRED.length; c++) r[c] = number(p[col[c]], file, l, REQUIRED[c]);
            r[5] = conserved >= 0 ? number(p[conserved], file, l, "conserved_eV") : r[3];
            if (!rows.isEmpty() && !(r[0] > rows.get(rows.size() - 1)[0]))
                throw new UserError(file + ":" + (l + 1) + ": time_ps " + r[0] + " does not increase (previous row " + rows.get(rows.size() - 1)[0] + ")");
            rows.add(r);
        }
        if (rows.isEmpty()) throw new UserError(file + ": the thermo log has a header but no rows");
        double[][] c = new double[6][rows.size()];
        for (int i = 0; i < rows.size(); i++) for (int k = 0; k < 6; k++) c[k][i] = rows.get(i)[k];
        return new Thermo(c[0], c[1], c[2], c[3], c[4], c[5]);
    }

    private static double number(String s, Path file, int line, String column) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new UserError(file + ":" + (line + 1) + ": column '" + column + "' holds '" + s.trim() + "', expected a number");
        }
    }
}
