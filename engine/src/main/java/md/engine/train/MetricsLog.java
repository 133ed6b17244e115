package md.engine.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import md.forcefields.training.ErrorMetrics;
import md.forcefields.training.ForceHead;
import md.forcefields.training.Trainer;

/**
 * {@code metrics.csv}: one row per epoch. Columns: epoch, train_loss, train_energy_loss, train_force_loss,
 * train_equilibrium_loss, val_loss, val_energy_mae_meV, val_energy_rmse_meV, val_force_mae_meV_per_A,
 * val_force_rmse_meV_per_A, learning_rate, skipped_steps, seconds, best (1 when the epoch improved on the
 * best validation loss); when the loss trains the direct force head ({@code force_head: direct|both}) also
 * val_direct_force_mae_meV_per_A, val_direct_force_rmse_meV_per_A (the val_force columns are then the
 * conservative head's, NaN when only the direct head is trained); when the training frames have stress labels,
 * last, train_stress_loss, val_stress_mae_meV_per_A3, val_stress_rmse_meV_per_A3.
 */
final class MetricsLog {
    static final String HEADER = "epoch,train_loss,train_energy_loss,train_force_loss,train_equilibrium_loss,val_loss,val_energy_mae_meV,"
            + "val_energy_rmse_meV,val_force_mae_meV_per_A,val_force_rmse_meV_per_A,learning_rate,skipped_steps,seconds,best";

    static final String DIRECT_COLUMNS = ",val_direct_force_mae_meV_per_A,val_direct_force_rmse_meV_per_A";
    static final String STRESS_COLUMNS = ",train_stress_loss,val_stress_mae_meV_per_A3,val_stress_rmse_meV_per_A3";

    private final Path file;
    private final boolean direct, stress;

    MetricsLog(Path file, int lastEpoch) throws IOException { this(file, lastEpoch, ForceHead.CONSERVATIVE); }

    MetricsLog(Path file, int lastEpoch, ForceHead head) throws IOException { this(file, lastEpoch, head, false); }

    /**
     * Starts the file, or on resume keeps the rows up to {@code lastEpoch} (later rows belong to lost epochs);
     * {@code head}: the force head(s) trained; {@code stress}: whether the training frames have stress labels.
     */
    MetricsLog(Path file, int lastEpoch, ForceHead head, boolean stress) throws IOException {
        this.file = file;
        this.direct = head.direct();
        this.stress = stress;
        List<String> keep = new ArrayList<>();
        keep.add(HEADER + (direct ? DIRECT_COLUMNS : "") + (stress ? STRESS_COLUMNS : ""));
        if (lastEpoch > 0 && Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("epoch")) continue;
                int epoch = Integer.parseInt(line.substring(0, line.indexOf(',')));
                if (epoch <= lastEpoch) keep.add(line);
            }
        }
        Files.write(file, keep, StandardCharsets.UTF_8);
    }

    void append(Trainer.EpochReport r) throws IOException {
        ErrorMetrics e = r.validation().errors();
        String row = String.format(Locale.ROOT, "%d,%.9g,%.9g,%.9g,%.9g,%.9g,%.6f,%.6f,%.6f,%.6f,%.6g,%d,%.3f,%d", r.epoch(), r.trainLoss(),
                r.trainEnergyPart(), r.trainForcePart(), r.trainEquilibriumPart(), r.validation().loss(), e.energy().mae() * 1000,
                e.energy().rmse() * 1000, e.forces().mae() * 1000, e.forces().rmse() * 1000, r.learningRate(), r.skippedSteps(), r.seconds(),
                r.improved() ? 1 : 0);
        if (direct) row += String.format(Locale.ROOT, ",%.6f,%.6f", e.directForces().mae() * 1000, e.directForces().rmse() * 1000);
        if (stress) row += String.format(Locale.ROOT, ",%.9g,%.6f,%.6f", r.trainStressPart(), e.stress().mae() * 1000, e.stress().rmse() * 1000);
        row += System.lineSeparator();
        Files.writeString(file, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
