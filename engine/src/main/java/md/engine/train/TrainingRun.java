package md.engine.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import md.engine.cli.UserError;
import md.forcefields.ml.model.DatasetStatistics;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFile;
import md.forcefields.training.ErrorMetrics;
import md.forcefields.training.ModelEvaluation;
import md.forcefields.training.Trainer;
import md.forcefields.training.TrainingFrame;
import md.forcefields.training.TrainingStatistics;

/**
 * One {@code md train} invocation: data and statistics, a fresh or resumed {@link Trainer}, the epoch
 * loop with metrics, checkpoints and the best model file, and the final test report.
 */
public final class TrainingRun {
    private final TrainConfig cfg;
    private final PrintStream out;
    private final boolean terminal;

    public TrainingRun(TrainConfig cfg, PrintStream out, boolean terminal) {
        this.cfg = cfg;
        this.out = out;
        this.terminal = terminal;
    }

    public void run(boolean resume) throws IOException {
        TrainConfig.Output o = cfg.output();
        TrainingData data = TrainingData.load(cfg.data());
        for (String note : cfg.notes()) out.println("md train: " + note);
        int[] species = TrainingStatistics.species(data.train());
        checkSpecies(species, data.validation(), "validation");
        checkSpecies(species, data.test(), "test");
        int[] declared = cfg.model().species();
        if (declared != null) {
            // the model's types are the declared species (nequip's chemical_symbols), a superset of the data's
            for (int z : species)
                if (Arrays.binarySearch(declared, z) < 0)
                    throw new UserError(cfg.file() + ": the training data have element " + md.core.Elements.symbol(z) + ", which is not among the model's species "
                            + symbols(declared) + " (model.species, or chemical_symbols of a nequip configuration); add it there");
            species = declared;
        }
        double forceScale = TrainingStatistics.forceRms(data.train());
        if (cfg.training().loss().energyStdUnit() && !(TrainingStatistics.energyStd(data.train()) > 0))
            throw new UserError(cfg.file() + ": key 'loss.unit' is sigma_E (the default of form geomatt), the standard deviation of the training "
                    + "energies, but the training frames have " + (Double.isNaN(TrainingStatistics.energyStd(data.train())) ? "no energies" : "all the same energy")
                    + "; give a fixed unit such as 'unit: eV' or 'unit: sigma_F'");
        double[] shifts = switch (cfg.model().energyShifts()) {
            case LEAST_SQUARES -> TrainingStatistics.perSpeciesEnergyShifts(data.train(), species);
            case PER_ATOM_MEAN -> {
                double[] same = new double[species.length];
                Arrays.fill(same, TrainingStatistics.perAtomEnergyMean(data.train()));
                yield same;
            }
        };
        double cutoff = cfg.model().cutoffAngstrom();
        if (Double.isInfinite(cutoff))
            for (List<TrainingFrame> set : List.of(data.train(), data.validation(), data.test()))
                for (TrainingFrame f : set)
                    if (f.periodic())
                        throw new UserError(cfg.file() + ": the model (family " + cfg.model().family().name() + ") joins every pair of atoms (no cutoff), "
                                + "which has no meaning in a periodic cell, but frame group '" + f.group() + "' is periodic; give the model a cutoff or use isolated frames");
        double avg = TrainingStatistics.averageNeighbours(data.train(), cutoff);
        LearnedModel initial = cfg.model().initialModel(new DatasetStatistics(species, avg, shifts, forceScale,
                TrainingStatistics.energyMean(data.train()), TrainingStatistics.energyStd(data.train())), cfg.seed());
        TrainCheckpoint.ModelInfo info = new TrainCheckpoint.ModelInfo(initial.architecture().family(), initial.architecture().spec(), shifts, forceScale);
        out.printf(Locale.ROOT, "md train: %d training, %d validation, %d test frames; species %s; force RMS %.4f eV/Å; avg_num_neighbors %.4f%n",
                data.train().size(), data.validation().size(), data.test().size(), Arrays.toString(species), forceScale, avg);

        if (resume) {
            if (!Files.isRegularFile(o.lastCheckpoint()))
                throw new UserError(o.lastCheckpoint() + ": no checkpoint to resume from (output.directory of " + cfg.file() + ")");
            TrainCheckpoint.ModelInfo saved = TrainCheckpoint.readModelInfo(o.lastCheckpoint());
            if (!saved.sameAs(info))
                throw new UserError(o.lastCheckpoint() + ": the checkpoint was made with a different model section or training data than "
                        + cfg.file() + " describes now (checkpoint: " + saved.family() + " " + saved.spec()
                        + "); resume with the original configuration or start in a new output.directory");
        } else if (Files.exists(o.lastCheckpoint())) {
            throw new UserError(o.lastCheckpoint() + " exists: this output.directory holds a training already; continue it with "
                    + "'md train " + cfg.file() + " --resume', or set another output.directory");
        }
        Files.createDirectories(o.directory());
        if (o.modelFile().getParent() != null) Files.createDirectories(o.modelFile().getParent());

        try (Trainer trainer = new Trainer(initial, forceScale, data.train(), data.validation(), cfg.training(), cfg.model().frozen())) {
            if (resume) {
                trainer.restore(TrainCheckpoint.readState(o.lastCheckpoint(), new ArrayList<>(trainer.model().trainableParameters().keySet()), trainer.optimized()));
                out.printf(Locale.ROOT, "md train: resuming after epoch %d (best validation loss %.6g at epoch %d)%n",
                        trainer.epoch(), trainer.bestValidationLoss(), trainer.bestEpoch());
            }
            MetricsLog metrics = new MetricsLog(o.metrics(), trainer.epoch(), cfg.training().loss().forceHead(),
                    data.train().stream().anyMatch(md.forcefields.training.TrainingFrame::trainsStress));
            TrainProgress progress = new TrainProgress(out, terminal, cfg.training().maxEpochs(), cfg.training().maxWallSeconds());
            trainer.setListener(progress);
            while (!trainer.finished()) {
                Trainer.EpochReport r = trainer.runEpoch();
                // A full disk or a refused write names the output folder and the OS reason (md.engine.cli.IoFailure).
                md.engine.cli.IoFailure.wrap("cannot write the training outputs in " + o.directory(), () -> {
                    // the snapshot before the checkpoint: a crash in between redoes this epoch on --resume, which rewrites it identically
                    if (o.keepSnapshots() > 0) writeSnapshot(o, trainer);
                    TrainCheckpoint.write(o.lastCheckpoint(), info, trainer.state(), trainer.optimized());
                    if (r.improved()) {
                        Path tmp = o.bestCheckpoint().resolveSibling(o.bestCheckpoint().getFileName() + ".tmp");
                        Files.copy(o.lastCheckpoint(), tmp, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(tmp, o.bestCheckpoint(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                        ModelFile.write(o.modelFile(), trainer.exportModel(), provenance(trainer));
                    }
                    metrics.append(r);
                });
                progress.epochDone(r);
            }
            out.printf(Locale.ROOT, "md train: stopped after epoch %d (%s); best validation loss %.6g at epoch %d; %.1f min of training%n",
                    trainer.epoch(), trainer.stopReason(), trainer.bestValidationLoss(), trainer.bestEpoch(), trainer.trainingSeconds() / 60);
            if (!Files.isRegularFile(o.modelFile())) throw new UserError(o.modelFile() + ": no model was saved (no epoch finished)");
            out.println("md train: model (best epoch" + (cfg.training().emaDecay() > 0 ? ", EMA weights" : "") + ") in " + o.modelFile());
            if (data.test().isEmpty()) {
                out.println("md train: no test frames (data.test or split.n_test), so no test report");
                return;
            }
            LearnedModel best = ModelFile.read(o.modelFile());
            ErrorMetrics m;
            ExecutorService pool = Executors.newFixedThreadPool(cfg.threads());
            try {
                m = ModelEvaluation.errors(best, data.test(), pool, cfg.threads(), cfg.training().loss().forceHead());
            } finally {
                pool.shutdownNow();
            }
            TestReport.write(o.testReport(), m, data.test().size(), o.modelFile().toString(), trainer.trainingSeconds(), trainer.epoch());
            TestReport.print(out, m, data.test().size());
            out.println("md train: test report in " + o.testReport());
        }
    }

    /**
     * {@code snapshots/epoch-NNNN.EXT}: this epoch's model (EMA weights, as the model file), written to a
     * temporary file and renamed; then every snapshot of an epoch outside the last {@code keep_snapshots}
     * (older ones, and later ones left by epochs a resume discarded) is deleted.
     */
    private void writeSnapshot(TrainConfig.Output o, Trainer trainer) throws IOException {
        Files.createDirectories(o.snapshots());
        Path target = o.snapshot(trainer.epoch());
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        ModelFile.write(tmp, trainer.exportModel(), "md train " + cfg.file().getFileName() + ", snapshot of epoch " + trainer.epoch() + (cfg.training().emaDecay() > 0 ? " (EMA weights)" : ""));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        String ext = target.getFileName().toString().substring(target.getFileName().toString().lastIndexOf('.') + 1);
        java.util.regex.Pattern name = java.util.regex.Pattern.compile("epoch-(\\d+)\\." + java.util.regex.Pattern.quote(ext));
        try (var files = Files.list(o.snapshots())) {
            for (Path p : (Iterable<Path>) files::iterator) {
                java.util.regex.Matcher m = name.matcher(p.getFileName().toString());
                if (!m.matches()) continue;
                int epoch = Integer.parseInt(m.group(1));
                if (epoch <= trainer.epoch() - o.keepSnapshots() || epoch > trainer.epoch()) Files.deleteIfExists(p);
            }
        }
    }

    private String provenance(Trainer t) {
        return "md train " + cfg.file().getFileName() + ", epoch " + t.epoch() + ", validation loss "
                + String.format(Locale.ROOT, "%.6g", t.bestValidationLoss()) + (cfg.training().emaDecay() > 0 ? " (EMA weights)" : "");
    }

    private static String symbols(int[] z) {
        return Arrays.stream(z).mapToObj(md.core.Elements::symbol).toList().toString();
    }

    private static void checkSpecies(int[] species, List<TrainingFrame> frames, String which) {
        for (TrainingFrame f : frames)
            for (int z : f.atomicNumbers())
                if (Arrays.binarySearch(species, z) < 0)
                    throw new UserError("the " + which + " set has element Z=" + z + " (group '" + f.group()
                            + "'), which no training frame has; the model cannot learn it");
    }

}
