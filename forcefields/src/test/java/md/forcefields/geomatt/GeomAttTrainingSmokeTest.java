package md.forcefields.geomatt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import md.core.SharedData;
import md.core.Units;
import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.ml.families.GeomAtt;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.training.Adam;
import md.forcefields.training.LossWeights;
import md.forcefields.training.Objective;
import md.forcefields.training.Trainer;
import md.forcefields.training.TrainingFrame;
import md.forcefields.training.TrainingStatistics;

import org.junit.jupiter.api.Test;

/**
 * The family-agnostic trainer runs GeomAtt unchanged (the tape executor's second derivatives through the dense
 * ops): a small model with streams of orders 2 and 3 on 24 rMD17 ethanol frames (energies and forces) lowers its
 * validation loss within a few epochs.
 */
class GeomAttTrainingSmokeTest {
    @Test
    void theTrainerLowersTheValidationLossOfASmallModel() throws IOException {
        Map<String, NpyArray> d = Npz.read(SharedData.require("rmd17/rmd17_ethanol_train_01.npz"));
        int[] z = d.get("nuclear_charges").asInts();
        List<TrainingFrame> frames = new ArrayList<>();
        for (int k = 0; k < 24; k++) {
            double[] f = d.get("forces").slice(k * 37);
            for (int i = 0; i < f.length; i++) f[i] *= Units.KCAL_PER_MOL_TO_EV;
            frames.add(new TrainingFrame(z, d.get("coords").slice(k * 37), d.get("energies").data()[k * 37] * Units.KCAL_PER_MOL_TO_EV, f,
                    Objective.ENERGY_AND_FORCES, "ethanol"));
        }
        List<TrainingFrame> train = frames.subList(0, 20), val = frames.subList(20, 24);
        double mean = 0, var = 0;
        for (TrainingFrame f : train) mean += f.energyEv() / train.size();
        for (TrainingFrame f : train) var += (f.energyEv() - mean) * (f.energyEv() - mean) / train.size();
        GeomAtt arch = new GeomAtt(new int[] {1, 6, 8}, 8, List.of(new GeomAtt.Stream(2, 8, 2, false, true), new GeomAtt.Stream(3, 4, 2, false, true)),
                8, 0.0, 0.1, 50, 10.0, Math.sqrt(var), mean);
        LearnedModel initial = new LearnedModel(arch, arch.initialParameters(new Random(5)));
        double forceScale = TrainingStatistics.forceRms(train);
        Trainer.Options o = new Trainer.Options(8, 4, 7, 1, LossWeights.defaults(), Adam.Options.adam(1e-2), 0, 0, Double.POSITIVE_INFINITY,
                0.5, 50, 1e-4, 1e-7, 1000, Double.POSITIVE_INFINITY);
        try (Trainer t = new Trainer(initial, forceScale, train, val, o)) {
            double first = t.validate().loss(), last = first;
            while (!t.finished()) last = t.runEpoch().validation().loss();
            System.out.printf("GeomAtt training smoke test: validation loss %.4g -> %.4g after %d epochs%n", first, last, t.epoch());
            assertTrue(Double.isFinite(last) && last < 0.8 * first, "validation loss " + first + " -> " + last);
        }
    }
}
