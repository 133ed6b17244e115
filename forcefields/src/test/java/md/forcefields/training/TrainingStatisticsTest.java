package md.forcefields.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Energy shifts by least squares, force RMS and neighbour counts against hand-computed values. */
class TrainingStatisticsTest {

    private static TrainingFrame frame(int[] z, double energy) {
        return new TrainingFrame(z, new double[3 * z.length], energy, null, Objective.EQUILIBRIUM, "g");
    }

    @Test
    void perSpeciesShiftsRecoverExactAtomicEnergies() {
        // E = 2 b_H + 1 b_C ... with b = (−0.5, −37.8, −75.0): distinct compositions determine b exactly
        double[] b = {-0.5, -37.8, -75.0};
        List<TrainingFrame> frames = new ArrayList<>();
        int[][] compositions = {{1, 1, 6}, {1, 6, 8}, {1, 1, 1, 1, 6}, {8, 8}, {1, 8}};
        for (int[] z : compositions) {
            double e = 0;
            for (int zi : z) e += b[zi == 1 ? 0 : zi == 6 ? 1 : 2];
            frames.add(frame(z, e));
        }
        assertArrayEquals(b, TrainingStatistics.perSpeciesEnergyShifts(frames, new int[] {1, 6, 8}), 1e-10);
    }

    @Test
    void inconsistentEnergiesGiveTheLeastSquaresSolution() {
        // H C: E = 3, H2 C: E = 4, H C2: E = 6. Normal equations [[6, 5], [5, 6]] b = [17, 19]: b = (7/11, 29/11)
        List<TrainingFrame> frames = List.of(frame(new int[] {1, 6}, 3), frame(new int[] {1, 1, 6}, 4), frame(new int[] {1, 6, 6}, 6));
        assertArrayEquals(new double[] {7.0 / 11, 29.0 / 11}, TrainingStatistics.perSpeciesEnergyShifts(frames, new int[] {1, 6}), 1e-12);
    }

    @Test
    void oneCompositionGivesTheMinimumNormSolution() {
        // ethanol-like C2H6O with energies −100 and −102: mean −101; min-norm b = c·Ē/|c|² with c = (6, 2, 1), |c|² = 41
        List<TrainingFrame> frames = List.of(frame(new int[] {6, 6, 8, 1, 1, 1, 1, 1, 1}, -100), frame(new int[] {6, 6, 8, 1, 1, 1, 1, 1, 1}, -102));
        double[] shifts = TrainingStatistics.perSpeciesEnergyShifts(frames, new int[] {1, 6, 8});
        assertArrayEquals(new double[] {6 * -101.0 / 41, 2 * -101.0 / 41, -101.0 / 41}, shifts, 1e-12);
    }

    @Test
    void forceRmsAndNeighbourCountsByHand() {
        int[] z = {1, 1, 8};
        double[] x = {0, 0, 0, 1.5, 0, 0, 0, 3.9, 0}; // pairs: 1.5 (in), 3.9 (in), sqrt(1.5²+3.9²) = 4.18 (out of 4)
        TrainingFrame f = new TrainingFrame(z, x, null, new double[] {1, 2, 2, 0, 0, 0, -1, -2, -2}, Objective.FORCES, "g");
        assertEquals(Math.sqrt(18.0 / 9), TrainingStatistics.forceRms(List.of(f)), 1e-15);
        assertEquals(4.0 / 3, TrainingStatistics.averageNeighbours(List.of(f), 4.0), 1e-15);
        assertArrayEquals(new int[] {1, 8}, TrainingStatistics.species(List.of(f)));
    }
}
