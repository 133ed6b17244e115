package md.forcefields.nequip;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import md.core.Elements;
import md.core.io.Json;
import md.core.io.NpyArray;
import md.core.io.NpyWriter;
import md.core.io.Npz;
import md.forcefields.e3nn.Activation;
import md.forcefields.e3nn.Irreps;
import md.forcefields.ml.families.Nequip;

/**
 * The model file ({@code .nqp}): a zip archive holding {@code model.json} (format name and version,
 * hyperparameters, statistics, units, provenance) and one float64 {@code .npy} per weight under
 * {@code weights/NAME.npy} (NAME as in {@link NequipConversion#weightShapes}). A model whose Bessel
 * frequencies are not trainable stores them as the buffer {@code weights/radial_basis.basis.bessel_weights.npy}
 * (listed under {@code buffers} in model.json; files without it mean nπ). Described in docs/nequip.md.
 * Reading checks the format name and version and reports any inconsistency as an {@link IOException}
 * naming the file.
 */
public final class NequipModelFile {
    private NequipModelFile() {}

    public static final String FORMAT = "md-nequip-model";
    public static final int VERSION = 1;
    private static final String META = "model.json";
    private static final String WEIGHTS_DIR = "weights/";

    /** Writes atomically (temporary file, then rename). {@code source} is free-text provenance. */
    public static void write(Path file, NequipModel model, String source) throws IOException {
        NequipConfig c = model.config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", VERSION);
        m.put("model", "nequip");
        m.put("compatible_with", "nequip 0.6 / e3nn 0.5");
        m.put("source", source == null ? "" : source);
        List<Object> species = new ArrayList<>();
        for (int z : c.atomicNumbers()) species.add(Elements.symbol(z));
        m.put("species", species);
        m.put("atomic_numbers", c.atomicNumbers());
        m.put("r_max", c.rMax());
        m.put("num_layers", c.numLayers());
        m.put("num_basis", c.numBasis());
        m.put("bessel_trainable", c.besselTrainable());
        m.put("polynomial_cutoff_p", c.polynomialCutoffP());
        m.put("feature_irreps_hidden", c.featureIrrepsHidden().toString());
        m.put("irreps_edge_sh", c.irrepsEdgeSh().toString());
        m.put("chemical_embedding_irreps_out", c.chemicalEmbeddingIrreps().toString());
        m.put("conv_to_output_hidden_irreps_out", c.convToOutputHiddenIrreps().toString());
        m.put("invariant_layers", c.invariantLayers());
        m.put("invariant_neurons", c.invariantNeurons());
        m.put("resnet", c.resnet());
        m.put("use_sc", c.useSc());
        m.put("nonlinearity_scalars", Map.of("e", c.scalarsEven().key(), "o", c.scalarsOdd().key()));
        m.put("nonlinearity_gates", Map.of("e", c.gatesEven().key(), "o", c.gatesOdd().key()));
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("avg_num_neighbors", c.avgNumNeighbors());
        stats.put("per_species_scales", c.perSpeciesScales());
        stats.put("per_species_shifts", c.perSpeciesShifts());
        stats.put("global_scale", c.globalScale());
        stats.put("global_shift", c.globalShift());
        m.put("statistics", stats);
        m.put("units", Map.of("energy", c.energyUnit(), "length", c.lengthUnit()));
        m.put("parameters", model.parameterCount());
        Map<String, int[]> shapes = NequipConversion.weightShapes(c);
        m.put("weights", new ArrayList<>(shapes.keySet()));
        Map<String, double[]> buffers = new LinkedHashMap<>();
        if (!c.besselTrainable()) buffers.put(Nequip.BESSEL, model.besselWeights());
        if (!buffers.isEmpty()) m.put("buffers", new ArrayList<>(buffers.keySet()));

        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry(META));
            zip.write(Json.write(m).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            for (var e : shapes.entrySet()) {
                zip.putNextEntry(new ZipEntry(WEIGHTS_DIR + e.getKey() + ".npy"));
                zip.write(NpyWriter.npyBytes(new NpyArray(e.getKey(), "<f8", e.getValue(), model.weight(e.getKey()), null)));
                zip.closeEntry();
            }
            for (var e : buffers.entrySet()) {
                zip.putNextEntry(new ZipEntry(WEIGHTS_DIR + e.getKey() + ".npy"));
                zip.write(NpyWriter.npyBytes(new NpyArray(e.getKey(), "<f8", new int[] {e.getValue().length}, e.getValue(), null)));
                zip.closeEntry();
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static NequipModel read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such model file");
        Map<String, Object> meta = null;
        Map<String, double[]> weights = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry me = zip.getEntry(META);
            if (me == null) throw new IOException(file + ": not a NequIP model file (no " + META + " inside; expected a file written by 'md import nequip')");
            try (InputStream in = zip.getInputStream(me)) {
                Object parsed = Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                if (!(parsed instanceof Map<?, ?>)) throw new IOException(file + ": " + META + " is not a JSON object");
                @SuppressWarnings("unchecked") Map<String, Object> mm = (Map<String, Object>) parsed;
                meta = mm;
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + META + ": " + e.getMessage(), e);
            }
            if (!FORMAT.equals(meta.get("format")))
                throw new IOException(file + ": not a NequIP model file (format is '" + meta.get("format") + "', expected '" + FORMAT + "')");
            Object v = meta.get("version");
            if (!(v instanceof Long lv) || lv != VERSION)
                throw new IOException(file + ": model file version " + v + " is not supported (this program reads version " + VERSION
                        + "); re-import the model with this version of md");
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                if (!name.startsWith(WEIGHTS_DIR) || !name.endsWith(".npy")) continue;
                String key = name.substring(WEIGHTS_DIR.length(), name.length() - 4);
                try (InputStream in = zip.getInputStream(e)) {
                    weights.put(key, Npz.parseNpy(key, in.readAllBytes(), file).data());
                }
            }
        } catch (ZipException z) {
            throw new IOException(file + ": not a NequIP model file (not a zip archive: " + z.getMessage() + ")", z);
        }
        try {
            NequipConfig config = config(meta);
            // Fixed (non-trainable) Bessel frequencies are a buffer stored next to the weights; absent: nπ.
            double[] fixedBessel = config.besselTrainable() ? null : weights.remove(Nequip.BESSEL);
            return new NequipModel(config, weights, fixedBessel);
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            throw new IOException(file + ": inconsistent model file: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static NequipConfig config(Map<String, Object> m) {
        Map<String, Object> stats = (Map<String, Object>) require(m, "statistics");
        Map<String, Object> units = (Map<String, Object>) require(m, "units");
        Map<String, Object> sc = (Map<String, Object>) require(m, "nonlinearity_scalars");
        Map<String, Object> gt = (Map<String, Object>) require(m, "nonlinearity_gates");
        return new NequipConfig(ints(require(m, "atomic_numbers")), num(m, "r_max"), (int) num(m, "num_basis"),
                (Boolean) require(m, "bessel_trainable"), num(m, "polynomial_cutoff_p"), (int) num(m, "num_layers"),
                Irreps.parse((String) require(m, "feature_irreps_hidden")), Irreps.parse((String) require(m, "irreps_edge_sh")),
                Irreps.parse((String) require(m, "chemical_embedding_irreps_out")),
                Irreps.parse((String) require(m, "conv_to_output_hidden_irreps_out")),
                (int) num(m, "invariant_layers"), (int) num(m, "invariant_neurons"), num(stats, "avg_num_neighbors"),
                (Boolean) require(m, "resnet"), (Boolean) require(m, "use_sc"),
                Activation.byKey((String) sc.get("e")), Activation.byKey((String) sc.get("o")),
                Activation.byKey((String) gt.get("e")), Activation.byKey((String) gt.get("o")),
                doubles(require(stats, "per_species_scales")), doubles(require(stats, "per_species_shifts")),
                num(stats, "global_scale"), num(stats, "global_shift"), (String) units.get("energy"), (String) units.get("length"));
    }

    private static Object require(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) throw new IllegalArgumentException("missing key '" + key + "'");
        return v;
    }

    private static double num(Map<String, Object> m, String key) {
        if (require(m, key) instanceof Number n) return n.doubleValue();
        throw new IllegalArgumentException("key '" + key + "' must be a number");
    }

    private static double[] doubles(Object o) {
        List<?> l = (List<?>) o;
        double[] d = new double[l.size()];
        for (int i = 0; i < d.length; i++) d[i] = ((Number) l.get(i)).doubleValue();
        return d;
    }

    private static int[] ints(Object o) {
        List<?> l = (List<?>) o;
        int[] d = new int[l.size()];
        for (int i = 0; i < d.length; i++) d[i] = ((Number) l.get(i)).intValue();
        return d;
    }
}
