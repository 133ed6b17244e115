package md.forcefields.classical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import md.core.Cell;
import md.core.Units;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;
import md.forcefields.NeighborList;

class LennardJonesTest {
    static final int AR = 18, KR = 36;

    static LennardJones argonKrypton(LennardJones.Shift shift) {
        return LennardJones.builder().species(AR, 0.0104, 3.40).species(KR, 0.0140, 3.65).cutoff(7.0).shift(shift).build();
    }

    /** A dense, triclinic, two-element periodic system and its all-images list within cutoff + 0.5. */
    static Atoms mixedLiquid(Random rng) {
        Cell cell = new Cell(new double[] {11.0, 0, 0, 2.5, 10.5, 0, -1.5, 1.8, 11.5}, new boolean[] {true, true, true});
        int n = 32;
        double[] x = TestSystems.randomPositions(rng, cell, n, 2.7);
        int[] z = new int[n];
        for (int i = 0; i < n; i++) z[i] = i % 3 == 0 ? KR : AR;
        return new Atoms(z, x, cell);
    }

    @ParameterizedTest @EnumSource(LennardJones.Shift.class)
    void forcesAreMinusTheGradientOfTheEnergy(LennardJones.Shift shift) {
        LennardJones lj = argonKrypton(shift);
        Atoms atoms = mixedLiquid(new Random(1));
        List<int[]> pairs = TestSystems.imagePairs(atoms.positions(), atoms.cell(), 7.5);
        NeighborList nl = TestSystems.list(pairs, atoms.cell(), 7.5);
        double[] f = new double[atoms.positions().length], scratch = new double[f.length];
        lj.compute(atoms, nl, f, null);
        double h = 1e-5, maxErr = 0, maxF = 0;
        double[] x = atoms.positions();
        for (int k = 0; k < x.length; k++) {
            double x0 = x[k];
            x[k] = x0 + h;
            double ep = lj.compute(atoms, nl, scratch, null);
            x[k] = x0 - h;
            double em = lj.compute(atoms, nl, scratch, null);
            x[k] = x0;
            maxErr = Math.max(maxErr, Math.abs(-(ep - em) / (2 * h) - f[k]));
            maxF = Math.max(maxF, Math.abs(f[k]));
        }
        assertTrue(maxF > 0.01, "forces too small to test: " + maxF);
        assertTrue(maxErr < 1e-7, "max |F + dE/dx| = " + maxErr + " eV/Å for shift " + shift);
        double sum = 0;
        for (int c = 0; c < 3; c++) { double s = 0; for (int i = c; i < f.length; i += 3) s += f[i]; sum += Math.abs(s); }
        assertTrue(sum < 1e-12, "net force " + sum);
    }

    @ParameterizedTest @EnumSource(LennardJones.Shift.class)
    void virialIsTheStrainDerivativeOfTheEnergy(LennardJones.Shift shift) {
        LennardJones lj = argonKrypton(shift);
        Atoms atoms = mixedLiquid(new Random(2));
        List<int[]> pairs = TestSystems.imagePairs(atoms.positions(), atoms.cell(), 7.5);
        double[] f = new double[atoms.positions().length];
        double[] w = new double[9];
        lj.compute(atoms, TestSystems.list(pairs, atoms.cell(), 7.5), f, w);
        double h = 1e-6;
        for (int ab = 0; ab < 9; ab++) {
            double[] eps = new double[9];
            eps[ab] = h;
            Atoms plus = TestSystems.strained(atoms, eps);
            double ep = lj.compute(plus, TestSystems.list(pairs, plus.cell(), 7.5), f, null);
            eps[ab] = -h;
            Atoms minus = TestSystems.strained(atoms, eps);
            double em = lj.compute(minus, TestSystems.list(pairs, minus.cell(), 7.5), f, null);
            double expected = -(ep - em) / (2 * h);
            assertEquals(expected, w[ab], 1e-6 * Math.max(1, Math.abs(expected)), "virial component " + ab + " shift " + shift);
        }
        assertEquals(w[1], w[3], 1e-12);
    }

    @Test void dimerMatchesTheClosedFormAndMixingRules() {
        LennardJones lj = argonKrypton(LennardJones.Shift.NONE);
        double sigma = 0.5 * (3.40 + 3.65), eps = Math.sqrt(0.0104 * 0.0140);
        double r = 4.1;
        Atoms dimer = new Atoms(new int[] {AR, KR}, new double[] {0, 0, 0, r, 0, 0}, Cell.NONE);
        double[] f = new double[6];
        double e = lj.compute(dimer, NeighborList.allPairs(2, 7.0), f, null);
        double sr6 = Math.pow(sigma / r, 6);
        assertEquals(4 * eps * (sr6 * sr6 - sr6), e, 1e-17);
        assertEquals(-24 * eps * (2 * sr6 * sr6 - sr6) / r, f[0], 1e-16);  // force on Ar along +x is -dE/dr·(x_Ar - x_Kr)/r
        LennardJones geometric = LennardJones.builder().species(AR, 0.0104, 3.40).species(KR, 0.0140, 3.65)
                .mixing(LennardJones.Mixing.GEOMETRIC).cutoff(7).build();
        assertEquals(Math.sqrt(3.40 * 3.65), geometric.parameters(AR, KR).sigmaAngstrom(), 1e-15);
        LennardJones overridden = LennardJones.builder().species(AR, 0.0104, 3.40).species(KR, 0.0140, 3.65)
                .pair(KR, AR, 0.02, 3.3, 6.0).cutoff(7).build();
        assertEquals(new LennardJones.PairParameters(0.02, 3.3, 6.0), overridden.parameters(AR, KR));
        assertEquals(7.0, overridden.parameters(AR, AR).cutoffAngstrom());
    }

    @Test void shiftsMakeEnergyAndForceContinuousAtTheCutoff() {
        double rc = 7.0, below = rc - 1e-9, above = rc + 1e-9;
        LennardJones none = argonKrypton(LennardJones.Shift.NONE);
        LennardJones energy = argonKrypton(LennardJones.Shift.ENERGY);
        LennardJones force = argonKrypton(LennardJones.Shift.FORCE);
        double sr6 = Math.pow(3.40 / rc, 6), eRc = 4 * 0.0104 * (sr6 * sr6 - sr6);
        assertEquals(eRc, none.pairEnergy(AR, AR, below), 1e-12, "unshifted energy jumps by E(rc)");
        assertEquals(0.0, none.pairEnergy(AR, AR, above));
        assertEquals(0.0, energy.pairEnergy(AR, AR, below), 1e-12);
        assertEquals(0.0, force.pairEnergy(AR, AR, below), 1e-15);
        // Slope of the shifted-force energy just inside the cutoff goes to zero; energy-shifted keeps E'(rc).
        double d = 1e-4;
        double slopeForce = (force.pairEnergy(AR, AR, rc - d) - force.pairEnergy(AR, AR, rc - 2 * d)) / d;
        double slopeEnergy = (energy.pairEnergy(AR, AR, rc - d) - energy.pairEnergy(AR, AR, rc - 2 * d)) / d;
        assertTrue(Math.abs(slopeEnergy) > 1e-5, "energy-shifted slope at rc " + slopeEnergy);
        assertTrue(Math.abs(slopeForce) < 1e-3 * Math.abs(slopeEnergy), "shifted-force slope at rc " + slopeForce);
        // Shifted force: a pair crossing the cutoff changes energy and forces continuously in the total.
        Atoms pair = new Atoms(new int[] {AR, AR}, new double[] {0, 0, 0, below, 0, 0}, Cell.NONE);
        double[] f = new double[6];
        assertEquals(0.0, force.compute(pair, NeighborList.allPairs(2, 8), f, null), 1e-15);
        assertEquals(0.0, f[0], 1e-12);
    }

    @Test void providerParsesParametersWithUnitsAndRejectsMistakes() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("cutoff", 8.5);
        p.put("shift", "force");
        p.put("energy_unit", "kcal/mol");
        p.put("species", Map.of("Ar", Map.of("epsilon", 0.238, "sigma", 3.4)));
        ForceField ff = ForceFields.create(new ForceFieldSpec("lennard-jones", p, Path.of(".")));
        LennardJones lj = (LennardJones) ff;
        assertEquals(0.238 * Units.KCAL_PER_MOL_TO_EV, lj.parameters(AR, AR).epsilonEv(), 1e-18);
        assertEquals(8.5, ff.cutoffAngstrom());
        assertEquals(LennardJones.Shift.FORCE, lj.shift());
        assertTrue(ff.supportsElement(AR));
        assertTrue(!ff.supportsElement(KR));

        Map<String, Object> typo = new LinkedHashMap<>(p);
        typo.put("cutof", 3);
        ForceFieldConfigException e = assertThrows(ForceFieldConfigException.class, () -> ForceFields.create(new ForceFieldSpec("lennard-jones", typo, null)));
        assertTrue(e.getMessage().contains("did you mean 'cutoff'"), e.getMessage());

        Map<String, Object> badElement = new LinkedHashMap<>(p);
        badElement.put("species", Map.of("Qq", Map.of("epsilon", 0.1, "sigma", 3.0)));
        e = assertThrows(ForceFieldConfigException.class, () -> ForceFields.create(new ForceFieldSpec("lennard-jones", badElement, null)));
        assertEquals("species.Qq", e.key());

        Map<String, Object> negative = new LinkedHashMap<>(p);
        negative.put("species", Map.of("Ar", Map.of("epsilon", 0.1, "sigma", -3.0)));
        e = assertThrows(ForceFieldConfigException.class, () -> ForceFields.create(new ForceFieldSpec("lennard-jones", negative, null)));
        assertEquals("species.Ar.sigma", e.key());

        Map<String, Object> badShift = new LinkedHashMap<>(p);
        badShift.put("shift", "smoothly");
        e = assertThrows(ForceFieldConfigException.class, () -> ForceFields.create(new ForceFieldSpec("lennard-jones", badShift, null)));
        assertEquals("shift", e.key());
    }

    @Test void missingPairParametersAreNamed() {
        LennardJones lj = LennardJones.builder().species(AR, 0.0104, 3.4).cutoff(6).build();
        Atoms atoms = new Atoms(new int[] {AR, KR}, new double[] {0, 0, 0, 4, 0, 0}, Cell.NONE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lj.compute(atoms, NeighborList.allPairs(2, 6), new double[6], null));
        assertTrue(e.getMessage().contains("Ar-Kr"), e.getMessage());
    }
}
