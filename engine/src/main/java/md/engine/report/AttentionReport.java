package md.engine.report;

import md.analysis.Bonds;
import md.core.Cell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import md.core.io.Json;
import md.core.io.NpyArray;
import md.core.io.NpyWriter;

/**
 * The files of {@code md eval --attention}: {@value #NPZ} (one N × N float64 array per stream and layer, named
 * {@code stream<s>_order<k>_layer<l>}, plus {@code atomic_numbers} (N, int64) and {@code positions_angstrom} (N × 3)),
 * {@value #JSON} (the same numbers with the inputs) and {@value #HTML} (one heat map per stream and layer). No
 * scripts, fonts or images are loaded from anywhere.
 */
public final class AttentionReport {
    private AttentionReport() {}

    public static final String NPZ = "attention.npz", JSON = "attention.json", HTML = "attention.html";

    /**
     * Where the structure came from.
     *
     * @param model     the model file
     * @param structure the structure file
     * @param frame     0-based frame of the structure file
     * @param frames    frames in the structure file
     */
    public record Inputs(Path model, Path structure, int frame, int frames) {}

    /** Writes the three files into {@code dir} (created if needed). */
    public static void write(AttentionMaps maps, Inputs in, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        int n = maps.atoms();
        double[] z = new double[n];
        for (int i = 0; i < n; i++) z[i] = maps.atomicNumbers()[i];
        arrays.put("atomic_numbers", new NpyArray("atomic_numbers", "<i8", new int[] {n}, z, null));
        arrays.put("positions_angstrom", new NpyArray("positions_angstrom", "<f8", new int[] {n, 3}, maps.positions(), null));
        for (AttentionMaps.AttentionMap m : maps.maps()) arrays.put(m.name(), new NpyArray(m.name(), "<f8", new int[] {n, n}, m.values(), null));
        NpyWriter.writeNpz(dir.resolve(NPZ), arrays);
        Files.writeString(dir.resolve(JSON), Json.write(json(maps, in)), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(HTML), html(maps, in), StandardCharsets.UTF_8);
    }

    /**
     * The covalent bonds of the structure (ASE's {@code natural_cutoffs} with its 0.3 Å skin), against which the maps are read:
     * the paper's claim is that trained attention recovers them.
     */
    static List<Bonds.Bond> bonds(AttentionMaps maps) { return Bonds.naturalCutoffs(maps.positions(), maps.atomicNumbers(), Cell.NONE); }

    /**
     * Mean ᾱ over the bonded pairs divided by the mean over all other pairs (i ≠ j); NaN without bonds or without
     * other pairs. Above 1: the map prefers bonds.
     */
    static double bondContrast(double[] values, int n, List<Bonds.Bond> bonds) {
        boolean[] bonded = bondedCells(n, bonds);
        double in = 0, out = 0;
        int nIn = 0, nOut = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                if (bonded[i * n + j]) { in += values[i * n + j]; nIn++; }
                else { out += values[i * n + j]; nOut++; }
            }
        return nIn == 0 || nOut == 0 || out == 0 ? Double.NaN : (in / nIn) / (out / nOut);
    }

    private static boolean[] bondedCells(int n, List<Bonds.Bond> bonds) {
        boolean[] b = new boolean[n * n];
        for (Bonds.Bond x : bonds) b[x.i() * n + x.j()] = b[x.j() * n + x.i()] = true;
        return b;
    }

    static Map<String, Object> json(AttentionMaps maps, Inputs in) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("definition", "symmetrised attention (|alpha_ij| + |alpha_ji|)/2 with a zero diagonal, per stream and layer (0-based)");
        j.put("model", in.model().toAbsolutePath().normalize().toString());
        j.put("structure", in.structure().toAbsolutePath().normalize().toString());
        j.put("frame", in.frame());
        j.put("energy_eV", maps.energyEv());
        j.put("atomic_numbers", maps.atomicNumbers());
        j.put("labels", List.of(maps.atomLabels()));
        j.put("positions_angstrom", rows(maps.positions(), 3));
        List<Bonds.Bond> bonds = bonds(maps);
        List<int[]> pairs = new ArrayList<>();
        for (Bonds.Bond b : bonds) pairs.add(new int[] {b.i(), b.j()});
        j.put("bonds", pairs);
        j.put("bond_contrast_definition", "mean attention over the bonds (ASE natural_cutoffs, skin 0.3 A) / mean over the other pairs");
        List<Object> list = new ArrayList<>();
        for (AttentionMaps.AttentionMap m : maps.maps()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", m.name());
            e.put("stream", m.stream());
            e.put("order", m.order());
            e.put("layer", m.layer());
            double contrast = bondContrast(m.values(), maps.atoms(), bonds);
            e.put("bond_contrast", Double.isNaN(contrast) ? null : contrast);
            e.put("matrix", rows(m.values(), maps.atoms()));
            list.add(e);
        }
        j.put("maps", list);
        return j;
    }

    private static List<double[]> rows(double[] v, int width) {
        List<double[]> out = new ArrayList<>();
        for (int r = 0; r < v.length / width; r++) out.add(java.util.Arrays.copyOfRange(v, r * width, (r + 1) * width));
        return out;
    }

    static String html(AttentionMaps maps, Inputs in) {
        String[] labels = maps.atomLabels();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>md eval --attention: ")
         .append(HtmlReport.esc(in.structure().getFileName().toString())).append("</title>\n<style>\n")
         .append("body{font-family:sans-serif;margin:24px;color:#222;max-width:1500px}h1{font-size:22px;margin:0 0 4px}")
         .append("h2{font-size:16px;margin:18px 0 8px}.sub{color:#666;font-size:13px;margin-bottom:12px}p{font-size:13px;max-width:900px}")
         .append(".grid{display:flex;flex-wrap:wrap;gap:18px}")
         .append("figure{margin:0;border:1px solid #e5e5e5;border-radius:6px;padding:8px}")
         .append("figure svg{display:block}figcaption{font-size:12px;color:#555;margin-top:4px;max-width:480px}\n</style></head><body>\n");
        h.append("<h1>GeomAtt attention maps</h1>\n<div class=\"sub\">model ").append(HtmlReport.esc(in.model().toString()))
         .append(" &middot; structure ").append(HtmlReport.esc(in.structure().toString()))
         .append(in.frames() > 1 ? " &middot; frame " + in.frame() + " of " + in.frames() + " (0-based)" : "")
         .append(" &middot; ").append(maps.atoms()).append(" atoms (").append(Metrics.composition(maps.atomicNumbers())).append(")")
         .append(String.format(Locale.ROOT, " &middot; model energy %.6f eV", maps.energyEv())).append("</div>\n");
        h.append("<p>Each map is one layer of one stream: ᾱ<sub>ij</sub> = (|α<sub>ij</sub>| + |α<sub>ji</sub>|)/2, the attention "
                + "between atoms i and j that the stream's many-body overlaps give (Frank &amp; Chmiela, arXiv 2106.02549), with the "
                + "self-attention on the diagonal set to zero. Colours run from 0 to the largest entry of each map; hover a cell "
                + "for its value. Atoms are labelled by element and 0-based index in the structure. Streams and layers count from 0. "
                + "Numbers: ").append(NPZ).append(", ").append(JSON).append(". White frames mark the covalent bonds of the structure "
                + "(ASE's natural cutoffs); the bond contrast under each map is the mean ᾱ over bonds divided by the mean over the other "
                + "pairs (above 1: the map prefers bonds).</p>\n");
        List<Bonds.Bond> bonds = bonds(maps);
        boolean[] bonded = bondedCells(maps.atoms(), bonds);
        int stream = -1;
        for (AttentionMaps.AttentionMap m : maps.maps()) {
            if (m.stream() != stream) {
                if (stream >= 0) h.append("</div>\n");
                stream = m.stream();
                h.append("<h2>Stream ").append(stream).append(" (order ").append(m.order()).append(")</h2>\n<div class=\"grid\">\n");
            }
            double max = 0;
            for (double v : m.values()) max = Math.max(max, v);
            String title = "stream " + m.stream() + " (order " + m.order() + "), layer " + m.layer();
            h.append("<figure id=\"fig-").append(m.name()).append("\">").append(HeatMapSvg.svg(m.name(), title, m.values(), labels, bonded))
             .append("<figcaption>").append(HtmlReport.esc(m.name())).append(": largest ᾱ ")
             .append(HtmlReport.esc(String.format(Locale.ROOT, "%.4g", max))).append(strongest(m, labels))
             .append(HtmlReport.esc(String.format(Locale.ROOT, "; bond contrast %.2f", bondContrast(m.values(), maps.atoms(), bonds))))
             .append(".</figcaption></figure>\n");
        }
        if (stream >= 0) h.append("</div>\n");
        h.append("</body></html>\n");
        return h.toString();
    }

    /** The pair with the largest entry, e.g. " (C0 – O2)". */
    private static String strongest(AttentionMaps.AttentionMap m, String[] labels) {
        int n = labels.length, best = -1;
        for (int k = 0; k < m.values().length; k++) if (best < 0 || m.values()[k] > m.values()[best]) best = k;
        if (best < 0 || m.values()[best] == 0) return "";
        int i = best / n, j = best % n;
        return " (" + HtmlReport.esc(labels[Math.min(i, j)]) + " – " + HtmlReport.esc(labels[Math.max(i, j)]) + ")";
    }
}
