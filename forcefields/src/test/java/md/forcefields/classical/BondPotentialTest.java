package md.forcefields.classical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import md.core.Cell;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;
import md.forcefields.NeighborList;

class BondPotentialTest {
    /** Ethanol (C C O H H H H H H), a near-equilibrium geometry in Å. */
    static final int[] ETHANOL_Z = {6, 6, 8, 1, 1, 1, 1, 1, 1};
    static final double[] ETHANOL = {
        -0.0077, -0.5580, 0.0000,   1.2130, 0.3470, 0.0000,   -1.1720, 0.2630, 0.0000,
        -0.0430, -1.2050, 0.8900,   -0.0430, -1.2050, -0.8900,   1.1940, 0.9970, 0.8900,
        1.1940, 0.9970, -0.8900,    2.1420, -0.2380, 0.0000,   -1.9500, -0.3070, 0.0000};

    static ForceField create(String type, Map<String, Object> params) {
        return ForceFields.create(new ForceFieldSpec(type, params, null));
    }

    static Map<String, Object> morseParams() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("parameters", Map.of(
                "C-H", Map.of("D", 4.3, "alpha", 1.8, "r0", 1.09),
                "O-H", Map.of("D", 4.6, "alpha", 2.2, "r0", 0.96),
                "default", Map.of("D", 3.6, "alpha", 2.0, "r0", 1.45)));
        return p;
    }

    static Map<String, Object> harmonicParams() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("parameters", Map.of("C-H", Map.of("k", 30.0, "r0", 1.09), "default", Map.of("k", 25.0, "r0", 1.45)));
        return p;
    }

    static double[] distorted(long seed) {
        Random rng = new Random(seed);
        double[] x = ETHANOL.clone();
        for (int k = 0; k < x.length; k++) x[k] += 0.08 * rng.nextGaussian();
        return x;
    }

    @Test void detectsTheEightBondsOfEthanolFromCovalentRadii() {
        BondPotential ff = (BondPotential) create("morse", morseParams());
        ff.compute(new Atoms(ETHANOL_Z, ETHANOL.clone(), Cell.NONE), NeighborList.allPairs(9, 1), new double[27], null);
        List<String> bonds = ff.bonds().stream().map(b -> b[0] + "-" + b[1]).toList();
        assertEquals(List.of("0-1", "0-2", "0-3", "0-4", "1-5", "1-6", "1-7", "2-8"), bonds);
    }

    @Test void forcesMatchFiniteDifferencesForHarmonicAndMorse() {
        for (ForceField ff : List.of(create("harmonic-bonds", harmonicParams()), create("morse", morseParams()))) {
            double[] x = distorted(1);
            Atoms atoms = new Atoms(ETHANOL_Z, x, Cell.NONE);
            double[] f = new double[27], scratch = new double[27];
            ff.compute(atoms, null, f, null);
            double h = 1e-6, maxErr = 0, maxF = 0;
            for (int k = 0; k < 27; k++) {
                double x0 = x[k];
                x[k] = x0 + h;
                double ep = ff.compute(atoms, null, scratch, null);
                x[k] = x0 - h;
                double em = ff.compute(atoms, null, scratch, null);
                x[k] = x0;
                maxErr = Math.max(maxErr, Math.abs(-(ep - em) / (2 * h) - f[k]));
                maxF = Math.max(maxF, Math.abs(f[k]));
            }
            assertTrue(maxF > 0.5, ff.name() + " forces too small to test: " + maxF);
            assertTrue(maxErr < 1e-7, ff.name() + ": max |F + dE/dx| = " + maxErr);
        }
    }

    @Test void virialMatchesTheStrainDerivativeAcrossThePeriodicBoundary() {
        // The molecule straddles a face of a triclinic cell, so bonds need the minimum image.
        Cell cell = new Cell(new double[] {9.0, 0, 0, 1.5, 8.5, 0, -1.0, 0.5, 9.5}, new boolean[] {true, true, true});
        double[] x = distorted(2);
        double[] s = new double[3];
        for (int i = 0; i < 9; i++) {
            cell.toFractional(x, 3 * i, s);
            for (int k = 0; k < 3; k++) s[k] -= Math.floor(s[k]);
            cell.toCartesian(s, x, 3 * i);
        }
        for (Map.Entry<String, Map<String, Object>> c : Map.of("harmonic-bonds", harmonicParams(), "morse", morseParams()).entrySet()) {
            String type = c.getKey();
            Atoms atoms = new Atoms(ETHANOL_Z, x, cell);
            ForceField ff = create(type, c.getValue());
            double[] f = new double[27], w = new double[9];
            double e0 = ff.compute(atoms, null, f, w);
            double free = create(type, c.getValue()).compute(new Atoms(ETHANOL_Z, distorted(2), Cell.NONE), null, new double[27], null);
            assertEquals(free, e0, 1e-10, "wrapped periodic molecule must have the energy of the free one");
            double h = 1e-6;
            for (int ab = 0; ab < 9; ab++) {
                double[] eps = new double[9];
                eps[ab] = h;
                double ep = ff.compute(TestSystems.strained(atoms, eps), null, f, null);
                eps[ab] = -h;
                double em = ff.compute(TestSystems.strained(atoms, eps), null, f, null);
                assertEquals(-(ep - em) / (2 * h), w[ab], 1e-6, type + " virial component " + ab);
            }
        }
    }

    @Test void closedFormValues() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("bonds", List.of(List.of(0, 1)));
        p.put("parameters", Map.of("H-H", Map.of("D", 4.75, "alpha", 1.94, "r0", 0.741)));
        ForceField morse = create("morse", p);
        double r = 1.3;
        Atoms h2 = new Atoms(new int[] {1, 1}, new double[] {0, 0, 0, 0, 0, r}, Cell.NONE);
        double[] f = new double[6];
        double e = morse.compute(h2, null, f, null);
        double ex = Math.exp(-1.94 * (r - 0.741));
        assertEquals(4.75 * (1 - ex) * (1 - ex), e, 1e-14);
        assertEquals(-2 * 4.75 * 1.94 * ex * (1 - ex), f[5], 1e-13);  // pulls atom 1 back
        Atoms far = new Atoms(new int[] {1, 1}, new double[] {0, 0, 0, 0, 0, 40}, Cell.NONE);
        assertEquals(4.75, morse.compute(far, null, f, null), 1e-12);

        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("bonds", List.of(List.of(1, 0)));
        hp.put("energy_unit", "kcal/mol");
        hp.put("parameters", Map.of("default", Map.of("k", 700.0, "r0", 0.74)));
        ForceField harmonic = create("harmonic-bonds", hp);
        assertEquals(0.5 * 700 * md.core.Units.KCAL_PER_MOL_TO_EV * Math.pow(r - 0.74, 2), harmonic.compute(h2, null, f, null), 1e-14);
    }

    @Test void mistakesAreNamed() {
        Map<String, Object> p = harmonicParams();
        p.put("bonds", List.of(List.of(0, 1), List.of(2)));
        ForceFieldConfigException e = assertThrows(ForceFieldConfigException.class, () -> create("harmonic-bonds", p));
        assertEquals("bonds[1]", e.key());
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("parameters", Map.of("C-H", Map.of("k", 30.0, "r_0", 1.09)));
        e = assertThrows(ForceFieldConfigException.class, () -> create("harmonic-bonds", q));
        assertEquals("parameters.C-H.r_0", e.key());
        assertTrue(e.getMessage().contains("did you mean 'r0'"), e.getMessage());
        Map<String, Object> onlyCH = new LinkedHashMap<>();
        onlyCH.put("parameters", Map.of("C-H", Map.of("k", 30.0, "r0", 1.09)));
        ForceField ff = create("harmonic-bonds", onlyCH);
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> ff.compute(new Atoms(ETHANOL_Z, ETHANOL.clone(), Cell.NONE), null, new double[27], null));
        assertTrue(x.getMessage().contains("no harmonic-bonds parameters for the C-C bond between atoms 0 and 1"), x.getMessage());
    }
}
