package md.engine.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import md.core.io.FileFormatException;
import md.core.io.NpyArray;
import md.core.io.NpyWriter;
import md.core.io.Npz;
import md.engine.cli.UserError;
import md.core.io.Json;
import md.forcefields.training.Adam;
import md.forcefields.training.Trainer;

/**
 * A training checkpoint as an {@code .npz} (float64 arrays, written atomically): the model's family and
 * spec (as the characters of its JSON, {@code model/spec_json}) and training statistics (checked on resume
 * against the configuration), the
 * trainer's {@link Trainer.State} (weights, Adam moments, EMA averages, scheduler and early-stopping
 * counters) under {@code param/}, {@code adam_m/}, {@code adam_v/}, {@code adam_vmax/}, {@code ema/}.
 * Doubles are stored bit for bit, so a resumed run continues exactly.
 */
public final class TrainCheckpoint {
    private TrainCheckpoint() {}

    static final int VERSION = 2;
    static final List<String> STOP_REASONS = List.of("", Trainer.STOP_MAX_EPOCHS, Trainer.STOP_PATIENCE, Trainer.STOP_LR_FLOOR, Trainer.STOP_WALL_CLOCK);

    /** The model description a checkpoint carries besides the trainer state. */
    public record ModelInfo(String family, Map<String, Object> spec, double[] perSpeciesShiftsEv, double forceScale) {
        /** The family and spec as one JSON text. */
        String json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", family);
            m.put("spec", spec);
            return Json.write(m);
        }

        /** Whether {@code other} describes the same model and statistics (specs compared as parsed JSON). */
        public boolean sameAs(ModelInfo other) {
            return Json.parse(json()).equals(Json.parse(other.json())) && Arrays.equals(perSpeciesShiftsEv, other.perSpeciesShiftsEv)
                    && forceScale == other.forceScale;
        }
    }

    public static void write(Path file, ModelInfo info, Trainer.State s, List<String> optimized) throws IOException {
        Map<String, NpyArray> a = new LinkedHashMap<>();
        put(a, "version", VERSION);
        put(a, "model/spec_json", info.json().codePoints().asDoubleStream().toArray());
        put(a, "model/shifts_eV", info.perSpeciesShiftsEv());
        put(a, "model/force_scale", info.forceScale());
        Adam.State o = s.optimizer();
        put(a, "state/scalars", s.epoch(), s.emaUpdates(), s.plateauBest(), s.plateauBad(), s.plateauCooldown(), s.baseLearningRate(),
                s.skippedSteps(), s.bestValidationLoss(), s.bestEpoch(), s.epochsSinceImprovement(), s.trainingSeconds(), o.steps(),
                o.learningRate(), STOP_REASONS.indexOf(s.stopReason() == null ? "" : s.stopReason()));
        for (Map.Entry<String, double[]> e : s.parameters().entrySet()) put(a, "param/" + e.getKey(), e.getValue());
        // optimizer and EMA state for the trained parameters only (frozen ones have none)
        for (int k = 0; k < optimized.size(); k++) {
            String key = optimized.get(k);
            put(a, "adam_m/" + key, o.m()[k]);
            put(a, "adam_v/" + key, o.v()[k]);
            if (o.vMax()[k] != null) put(a, "adam_vmax/" + key, o.vMax()[k]);
            if (s.emaAverages() != null) put(a, "ema/" + key, s.emaAverages()[k]);
        }
        NpyWriter.writeNpz(file, a);
    }

    /** The model description of a checkpoint. */
    public static ModelInfo readModelInfo(Path file) {
        Map<String, NpyArray> a = read(file);
        double[] chars = need(a, "model/spec_json", file);
        Object parsed;
        try {
            parsed = Json.parse(new String(Arrays.stream(chars).mapToInt(c -> (int) c).toArray(), 0, chars.length));
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": the checkpoint's model/spec_json is not valid JSON (" + e.getMessage() + ")");
        }
        if (!(parsed instanceof Map<?, ?> m) || !(m.get("model") instanceof String family) || !(m.get("spec") instanceof Map<?, ?> spec))
            throw new UserError(file + ": the checkpoint's model/spec_json lacks 'model' or 'spec'");
        @SuppressWarnings("unchecked") Map<String, Object> sp = (Map<String, Object>) spec;
        return new ModelInfo(family, sp, need(a, "model/shifts_eV", file), need(a, "model/force_scale", file)[0]);
    }

    /**
     * The trainer state, with parameters in the order of {@code parameterKeys} (the model's order) and the
     * optimizer and EMA state of {@code optimized} (the parameters not frozen, in optimizer order).
     */
    public static Trainer.State readState(Path file, List<String> parameterKeys, List<String> optimized) {
        Map<String, NpyArray> a = read(file);
        double[] v = need(a, "state/scalars", file);
        Map<String, double[]> params = new LinkedHashMap<>();
        for (String key : parameterKeys) params.put(key, need(a, "param/" + key, file));
        for (String key : parameterKeys)
            if (optimized.contains(key) != a.containsKey("adam_m/" + key))
                throw new UserError(file + ": the checkpoint was made with " + (optimized.contains(key) ? "" : "un") + "frozen parameter '" + key
                        + "', which the configuration now " + (optimized.contains(key) ? "trains" : "freezes") + "; resume with the original model.freeze");
        int n = optimized.size();
        double[][] m = new double[n][], vv = new double[n][], vMax = new double[n][], ema = new double[n][];
        boolean hasEma = false;
        for (int k = 0; k < n; k++) {
            String key = optimized.get(k);
            m[k] = need(a, "adam_m/" + key, file);
            vv[k] = need(a, "adam_v/" + key, file);
            vMax[k] = a.containsKey("adam_vmax/" + key) ? need(a, "adam_vmax/" + key, file) : null;
            if (a.containsKey("ema/" + key)) { ema[k] = need(a, "ema/" + key, file); hasEma = true; }
        }
        String reason = STOP_REASONS.get((int) v[13]);
        return new Trainer.State((int) v[0], params, new Adam.State((long) v[11], v[12], m, vv, vMax), (long) v[1], hasEma ? ema : null,
                v[2], (int) v[3], (int) v[4], v[5], (long) v[6], v[7], (int) v[8], (int) v[9], v[10], reason.isEmpty() ? null : reason);
    }

    private static Map<String, NpyArray> read(Path file) {
        Map<String, NpyArray> a;
        try {
            a = Npz.read(file);
        } catch (FileFormatException e) {
            throw new UserError(e.getMessage() + ". md train will not continue from a damaged checkpoint: put back a good copy of " + file
                    + ", or train again without --resume (in a new output folder)", e);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read the training checkpoint (" + e.getMessage() + ")");
        }
        double[] version = need(a, "version", file);
        if (version[0] != VERSION)
            throw new UserError(file + ": checkpoint version " + (int) version[0] + " is not supported (this md writes and reads version " + VERSION
                    + (version[0] == 1 ? "; version 1 came from before models were family-agnostic: start the training again in a new output.directory" : "") + ")");
        return a;
    }

    private static double[] need(Map<String, NpyArray> a, String key, Path file) {
        NpyArray x = a.get(key);
        if (x == null) throw new UserError(file + ": not a complete md train checkpoint (array '" + key + "' is missing)");
        if (!x.isNumeric()) throw new UserError(file + ": not an md train checkpoint (array '" + key + "' holds " + (x.isString() ? "strings" : "Python objects")
                + " (dtype " + x.dtype() + "), where md train writes float64 numbers)");
        return x.data();
    }

    private static void put(Map<String, NpyArray> a, String key, double... values) {
        a.put(key, new NpyArray(key, "<f8", new int[] {values.length}, values, null));
    }
}
