package md.engine.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import md.core.Cell;
import md.engine.cli.UserError;
import md.engine.io.AniHdf5Reader;
import md.engine.io.ExtxyzReader;
import md.engine.io.NpzFrames;
import md.engine.system.Frame;
import md.forcefields.training.Objective;
import md.forcefields.training.TrainingFrame;

/**
 * Training, validation and test frames from the configured files (already in eV and eV/Å: the readers
 * convert kcal/mol and Hartree with exact factors), split as configured.
 */
public record TrainingData(List<TrainingFrame> train, List<TrainingFrame> validation, List<TrainingFrame> test) {

    public static TrainingData load(TrainConfig.Data data) {
        List<TrainingFrame> pool = read(data.train());
        List<TrainingFrame> explicitTest = read(data.test());
        if (data.split() == null) return new TrainingData(pool, read(data.validation()), explicitTest);
        TrainConfig.Split s = data.split();
        return s.method().equals("grouped") ? grouped(pool, s, explicitTest) : random(pool, s, explicitTest);
    }

    static List<TrainingFrame> read(List<TrainConfig.Source> sources) {
        List<TrainingFrame> out = new ArrayList<>();
        for (TrainConfig.Source s : sources) out.addAll(read(s));
        return out;
    }

    static List<TrainingFrame> read(TrainConfig.Source s) {
        String stem = s.file().getFileName().toString().replaceFirst("\\.[^.]*$", "");
        List<TrainingFrame> out = new ArrayList<>();
        switch (s.format()) {
            case "npz" -> { for (Frame f : NpzFrames.readAll(s.file(), s.energyUnit(), s.energyKey(), s.forcesKey())) out.add(frame(f, s, stem, out.size())); }
            case "extxyz" -> {
                for (Frame f : ExtxyzReader.readAll(s.file(), new ExtxyzReader.Keys(s.energyKey(), s.forcesKey()))) {
                    Object type = f.info().get("config_type");
                    out.add(frame(f, s, type != null ? String.valueOf(type) : stem, out.size()));
                }
            }
            case "ani" -> {
                for (AniHdf5Reader.Molecule m : AniHdf5Reader.read(s.file(), s.aniMethod()))
                    for (Frame f : m.conformers()) out.add(frame(f, s, m.name(), out.size()));
            }
            default -> throw new IllegalStateException("format " + s.format());
        }
        if (out.isEmpty()) throw new UserError(s.file() + ": no frames");
        List<TrainingFrame> selected = out;
        if (s.frames() != null) {
            selected = new ArrayList<>();
            try {
                for (int k : s.frames().resolve(out.size())) selected.add(out.get(k));
            } catch (IllegalArgumentException ex) {
                throw new UserError(s.file() + ": 'frames' " + s.frames().text() + ": " + ex.getMessage());
            }
            if (selected.isEmpty()) throw new UserError(s.file() + ": 'frames' " + s.frames().text() + " selects none of its " + out.size() + " frames");
        }
        if (s.repeat() == 1) return selected;
        List<TrainingFrame> repeated = new ArrayList<>(selected.size() * s.repeat());
        for (int r = 0; r < s.repeat(); r++) repeated.addAll(selected);
        return repeated;
    }

    private static TrainingFrame frame(Frame f, TrainConfig.Source s, String group, int index) {
        String where = s.file() + ", frame " + index;
        Objective o = s.objective();
        if (o == Objective.ENERGY_AND_FORCES && (f.energyEv() == null || f.forces() == null))
            throw new UserError(where + ": objective energy_forces needs an energy and forces, but the frame has "
                    + (f.energyEv() == null ? "no energy" : "no forces") + " (key '" + s.where() + "'; for extxyz see energy_key/forces_key, or use objective: forces / equilibrium)");
        if (o == Objective.FORCES && f.forces() == null)
            throw new UserError(where + ": objective forces needs forces, but the frame has none (key '" + s.where() + "')");
        for (double v : f.positions()) if (!Double.isFinite(v)) throw new UserError(where + ": a position is not a finite number");
        if (f.energyEv() != null && !Double.isFinite(f.energyEv())) throw new UserError(where + ": the energy is not a finite number");
        if (f.forces() != null) for (double v : f.forces()) if (!Double.isFinite(v)) throw new UserError(where + ": a force is not a finite number");
        Cell cell = f.cell() != null ? f.cell() : Cell.NONE;
        return new TrainingFrame(f.atomicNumbers(), f.positions(), f.energyEv(), f.forces(), o, group, cell, StressLabel.of(f.info(), cell, where));
    }

    /** n_val frames for validation, then n_train for training (default: the rest), then n_test (default: the rest, if no test files). */
    static TrainingData random(List<TrainingFrame> pool, TrainConfig.Split s, List<TrainingFrame> explicitTest) {
        int n = pool.size();
        requireRoom(s, n, "frames");
        int nTrain = s.nTrain() != null ? s.nTrain() : n - s.nValidation() - (s.nTest() != null ? s.nTest() : 0);
        int nTest = s.nTest() != null ? s.nTest() : explicitTest.isEmpty() ? Math.max(0, n - s.nValidation() - nTrain) : 0;
        if (nTrain < 1 || s.nValidation() + nTrain + nTest > n)
            throw new UserError("data.split: n_train " + nTrain + " + n_val " + s.nValidation() + " + n_test " + nTest
                    + " needs more frames than the " + n + " in data.train");
        int[] perm = permutation(n, s.seed());
        List<TrainingFrame> train = new ArrayList<>(), val = new ArrayList<>(), test = new ArrayList<>(explicitTest);
        for (int k = 0; k < n; k++) {
            TrainingFrame f = pool.get(perm[k]);
            if (k < nTrain) train.add(f);
            else if (k < nTrain + s.nValidation()) val.add(f);
            else if (k < nTrain + s.nValidation() + nTest) test.add(f);
        }
        return new TrainingData(train, val, test);
    }

    /** Whole groups (molecules) go to one side: n_val groups validate, n_test groups test, the rest train. */
    static TrainingData grouped(List<TrainingFrame> pool, TrainConfig.Split s, List<TrainingFrame> explicitTest) {
        Map<String, List<TrainingFrame>> groups = new LinkedHashMap<>();
        for (TrainingFrame f : pool) groups.computeIfAbsent(f.group(), g -> new ArrayList<>()).add(f);
        List<String> names = new ArrayList<>(groups.keySet());
        requireRoom(s, names.size(), "molecules (groups)");
        int nTest = s.nTest() != null ? s.nTest() : 0;
        int nTrain = s.nTrain() != null ? s.nTrain() : names.size() - s.nValidation() - nTest;
        if (nTrain < 1 || nTrain + s.nValidation() + nTest > names.size())
            throw new UserError(s.where() + " (grouped): n_train " + nTrain + " + n_val " + s.nValidation() + " + n_test " + nTest
                    + " molecules needs more than the " + names.size() + " molecules (groups) in data.train");
        int[] perm = permutation(names.size(), s.seed());
        List<TrainingFrame> train = new ArrayList<>(), val = new ArrayList<>(), test = new ArrayList<>(explicitTest);
        for (int k = 0; k < names.size(); k++) {
            List<TrainingFrame> g = groups.get(names.get(perm[k]));
            if (k < nTrain) train.addAll(g);
            else if (k < nTrain + s.nValidation()) val.addAll(g);
            else if (k < nTrain + s.nValidation() + nTest) test.addAll(g);
        }
        return new TrainingData(train, val, test);
    }

    /**
     * The counts the user gave must leave at least one of the {@code n} items for training; said in the
     * user's numbers (a derived, negative n_train would only confuse).
     */
    private static void requireRoom(TrainConfig.Split s, int n, String unit) {
        int nVal = s.nValidation(), nTest = s.nTest() != null ? s.nTest() : 0;
        if (nVal > n)
            throw new UserError(s.where() + ": n_val " + nVal + " is larger than the " + n + " " + unit + " in data.train; expected fewer, "
                    + "so that some are left for training");
        if (s.nTest() != null && nTest > n)
            throw new UserError(s.where() + ": n_test " + nTest + " is larger than the " + n + " " + unit + " in data.train; expected fewer");
        if (s.nTrain() == null && nVal + nTest >= n)
            throw new UserError(s.where() + ": n_val " + nVal + (s.nTest() != null ? " + n_test " + nTest : "") + " = " + (nVal + nTest)
                    + " leaves none of the " + n + " " + unit + " in data.train for training; expected n_val"
                    + (s.nTest() != null ? " + n_test" : "") + " below " + n);
    }

    private static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Random rng = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return p;
    }
}
