package md.forcefields.ml.model;

import md.forcefields.ml.Shape;

import java.io.IOException;
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
import md.core.io.FileFormatException;
import md.core.io.Json;
import md.core.io.NpyArray;
import md.core.io.NpyWriter;
import md.core.io.Npz;

/**
 * The one model file of every learned family: a zip archive with {@code model.json} (format
 * {@value #FORMAT}, version, {@code model} = the family, its {@code spec}, species, cutoff, provenance,
 * the parameter names) and one float64 {@code .npy} per parameter under {@code parameters/NAME.npy}.
 * Older family-specific files (e.g. NequIP's {@code md-nequip-model} {@code .nqp}) are read through
 * their family's {@link ModelFamily#readLegacy}. Errors are IOExceptions that name the file.
 */
public final class ModelFile {
    private ModelFile() {}

    public static final String FORMAT = "md-model";
    public static final int VERSION = 1;
    private static final String META = "model.json", DIR = "parameters/";

    /** Writes atomically (temporary file, then rename); {@code source} is free-text provenance. */
    public static void write(Path file, LearnedModel model, String source) throws IOException {
        EquivariantModel a = model.architecture();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", VERSION);
        m.put("model", a.family());
        m.put("source", source == null ? "" : source);
        List<Object> species = new ArrayList<>();
        for (int z : a.atomicNumbers()) species.add(Elements.symbol(z));
        m.put("species", species);
        m.put("cutoff_angstrom", Double.isFinite(a.cutoff()) ? a.cutoff() : null); // null: no cutoff, every pair interacts (JSON has no infinity)
        m.put("units", Map.of("energy", "eV", "length", "Angstrom"));
        m.put("trainable_parameters", model.parameterCount());
        m.put("spec", a.spec());
        m.put("parameters", new ArrayList<>(a.parameters().keySet()));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry(META));
            zip.write(Json.write(m).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            for (Map.Entry<String, EquivariantModel.ParameterSpec> e : a.parameters().entrySet()) {
                Shape s = e.getValue().shape();
                zip.putNextEntry(new ZipEntry(DIR + e.getKey() + ".npy"));
                zip.write(NpyWriter.npyBytes(new NpyArray(e.getKey(), "<f8", new int[] {s.fixedRows(), s.width()}, model.parameters().get(e.getKey()), null)));
                zip.closeEntry();
            }
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a model file of any family (or an older family-specific format). */
    @SuppressWarnings("unchecked")
    public static LearnedModel read(Path file) throws IOException {
        if (Files.isDirectory(file)) throw new IOException(file + ": is a folder, expected a model file");
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such model file");
        Map<String, Object> meta;
        Map<String, double[]> values = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry me = zip.getEntry(META);
            if (me == null) throw new IOException(file + ": not a model file (no " + META + " inside; expected a file written by 'md train' or 'md import')");
            try {
                Object parsed = Json.parse(new String(Npz.readEntry(zip, me, file), StandardCharsets.UTF_8));
                if (!(parsed instanceof Map<?, ?>)) throw new IOException(file + ": " + META + " is not a JSON object");
                meta = (Map<String, Object>) parsed;
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + META + ": " + e.getMessage(), e);
            }
            Object format = meta.get("format");
            if (!FORMAT.equals(format)) {
                for (ModelFamily f : ModelFamilies.all().values()) {
                    LearnedModel legacy = f.readLegacy(file, String.valueOf(format));
                    if (legacy != null) return legacy;
                }
                throw new IOException(file + ": not a model file (format is '" + format + "', expected '" + FORMAT + "')");
            }
            Object v = meta.get("version");
            if (!(v instanceof Long lv) || lv != VERSION)
                throw new IOException(file + ": model file version " + v + " is not supported (this program reads version " + VERSION + ")");
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                if (!name.startsWith(DIR) || !name.endsWith(".npy")) continue;
                String key = name.substring(DIR.length(), name.length() - 4);
                double[] w;
                try {
                    w = Npz.parseNpy(key, Npz.readEntry(zip, e, file), file).data();
                    LearnedModel.requireFinite(key, w);
                } catch (IllegalArgumentException x) {
                    throw new FileFormatException(file + ": " + x.getMessage().replace(file + ": ", "")
                            + "; a model file must hold finite numbers: it was damaged, or written from a diverged training (retrain, or import it again)", x);
                }
                values.put(key, w);
            }
        } catch (ZipException | java.io.EOFException z) {
            throw new FileFormatException(file + ": not a model file (not a zip archive, or a damaged one: " + z.getMessage() + ")", z);
        }
        if (!(meta.get("model") instanceof String family)) throw new IOException(file + ": " + META + ": missing key 'model' (the model family)");
        if (!(meta.get("spec") instanceof Map<?, ?> spec)) throw new IOException(file + ": " + META + ": missing key 'spec'");
        try {
            return new LearnedModel(ModelFamilies.get(family).fromSpec((Map<String, Object>) spec), values);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IOException(file + ": inconsistent model file: " + e.getMessage(), e);
        }
    }
}
