package md.forcefields.classical;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import md.core.Cell;
import md.forcefields.Atoms;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;
import md.forcefields.NeighborList;

/**
 * {@link FlexibleWater} (SPC/Fw + DSF) against calculus and its own invariants; LAMMPS agreement is in
 * {@link FlexibleWaterLammpsTest}. The box is the LAMMPS reference frame (64 perturbed molecules, H wrapped
 * across the boundary, cell narrower than twice the 10 Å cutoff).
 */
class FlexibleWaterTest {

    static Atoms box() throws IOException {
        return FlexibleWaterLammpsTest.readDump(FlexibleWaterLammpsTest.lammpsDir().resolve("reference/water64_spcfw.dump")).atoms();
    }

    static double energy(FlexibleWater w, Atoms a) {
        return w.compute(a, NeighborList.within(a.positions(), a.cell(), w.cutoffAngstrom()), new double[3 * a.size()], null);
    }

    @Test
    void forcesAreMinusTheEnergyGradient() throws IOException {
        Atoms atoms = box();
        FlexibleWater water = new FlexibleWater(FlexibleWater.Parameters.spcFw(), 1.3);
        double[] f = new double[3 * atoms.size()];
        water.compute(atoms, NeighborList.within(atoms.positions(), atoms.cell(), water.cutoffAngstrom()), f, null);
        double h = 1e-5, worst = 0;
        for (int i : new int[] {0, 1, 2, 40, 95, 190, 191}) {   // O and both H of molecule 0, and others
            for (int a = 0; a < 3; a++) {
                double[] x = atoms.positions().clone();
                x[3 * i + a] += h;
                double ep = energy(water, new Atoms(atoms.atomicNumbers(), x, atoms.cell()));
                x[3 * i + a] -= 2 * h;
                double em = energy(water, new Atoms(atoms.atomicNumbers(), x, atoms.cell()));
                double fd = -(ep - em) / (2 * h);
                worst = Math.max(worst, Math.abs(fd - f[3 * i + a]) / Math.max(1, Math.abs(f[3 * i + a])));
            }
        }
        assertTrue(worst < 1e-6, "force vs central difference of the energy: " + worst);
    }

    @Test
    void virialIsTheStrainDerivativeOfTheEnergy() throws IOException {
        Atoms atoms = box();
        FlexibleWater water = new FlexibleWater(FlexibleWater.Parameters.spcFw(), 1.3);
        double[] w = new double[9];
        water.compute(atoms, NeighborList.within(atoms.positions(), atoms.cell(), water.cutoffAngstrom()), new double[3 * atoms.size()], w);
        double h = 1e-6, scale = 0;
        for (double v : w) scale = Math.max(scale, Math.abs(v));
        for (int c = 0; c < 9; c++) {
            double[] eps = new double[9];
            eps[c] = h;
            double ep = energy(water, TestSystems.strained(atoms, eps));
            eps[c] = -h;
            double em = energy(water, TestSystems.strained(atoms, eps));
            assertEquals(-(ep - em) / (2 * h), w[c], 1e-6 * scale, "W[" + c + "] = -dE/de");
        }
        assertEquals(w[1], w[3], 1e-9 * scale);
        assertEquals(w[2], w[6], 1e-9 * scale);
        assertEquals(w[5], w[7], 1e-9 * scale);
    }

    /** One molecule in open space: DSF's self and intramolecular terms nearly cancel (meV left of ~100 eV). */
    @Test
    void isolatedMoleculeHasOnlyItsBondedEnergy() {
        double t = Math.toRadians(104.5) / 2;
        double[] x = {0, 0, 0, 0.97 * Math.sin(t), 0, 0.97 * Math.cos(t), -1.05 * Math.sin(t), 0, 1.05 * Math.cos(t)};
        Atoms atoms = new Atoms(new int[] {8, 1, 1}, x, Cell.NONE);
        FlexibleWater.Parameters p = FlexibleWater.Parameters.spcFw();
        FlexibleWater water = new FlexibleWater(p, 1.3);
        double e = water.compute(atoms, NeighborList.allPairs(3, 10), new double[9], null);
        double[] terms = water.lastTermsEv();
        assertEquals(0, terms[0]);
        double bond = 0.5 * p.bondStiffnessEvPerA2() * (Math.pow(0.97 - 1.012, 2) + Math.pow(1.05 - 1.012, 2));
        double angle = 0.5 * p.angleStiffnessEvPerRad2() * Math.pow(2 * t - p.angleRadians(), 2);
        assertEquals(bond, terms[2], 1e-12);
        assertEquals(angle, terms[3], 1e-12);
        // −erf(αr)/r = −(2α/√π) Σ_n (−1)ⁿ (αr)^{2n} / (n! (2n+1)): the n = 0 terms of the three pairs cancel the self
        // term's α/√π k Σq² for a neutral molecule, and the constant shift terms cancel the rest of it, leaving the
        // n ≥ 1 terms and the force shift's linear part F_shift k Σ q_i q_j r_ij
        double rc = p.coulombCutoffAngstrom();
        double fShift = Erfc.erfc(p.dsfAlphaPerAngstrom() * rc) / (rc * rc)
                + 2 * p.dsfAlphaPerAngstrom() / Math.sqrt(Math.PI) * Math.exp(-Math.pow(p.dsfAlphaPerAngstrom() * rc, 2)) / rc;
        double alpha = p.dsfAlphaPerAngstrom(), expected = 0;
        double[] q = {p.chargeO(), p.chargeH(), p.chargeH()};
        for (int i = 0; i < 3; i++) for (int j = i + 1; j < 3; j++) {
            double r = Math.sqrt(Math.pow(x[3 * j] - x[3 * i], 2) + Math.pow(x[3 * j + 1] - x[3 * i + 1], 2) + Math.pow(x[3 * j + 2] - x[3 * i + 2], 2));
            double x2 = alpha * alpha * r * r, sum = 0, power = 1, factorial = 1;
            for (int n = 1; n < 12; n++) { power *= x2; factorial *= n; sum += (n % 2 == 1 ? 1 : -1) * power / (factorial * (2 * n + 1)); }
            expected += p.coulombConstantEvAngstrom() * q[i] * q[j] * (2 * alpha / Math.sqrt(Math.PI) * sum + fShift * r);
        }
        assertEquals(expected, terms[1], 1e-12, "isolated molecule's Coulomb energy (meV, not the ~100 eV self term)");
        assertEquals(terms[0] + terms[1] + terms[2] + terms[3], e, 1e-12);
    }

    @Test
    void moleculesComeFromTheFirstGeometryAndCanBeFixedFromTheInitialStructure() throws IOException {
        Atoms atoms = box();
        FlexibleWater water = new FlexibleWater(FlexibleWater.Parameters.spcFw(), 1.3);
        assertTrue(water.detectsBonds());
        water.assignBondsFrom(atoms);
        int[][] molecules = water.molecules();
        assertEquals(64, molecules.length);
        for (int m = 0; m < 64; m++) assertArrayEquals(new int[] {3 * m, 3 * m + 1, 3 * m + 2}, molecules[m]); // the data file's order
        // a stretched H far from its O: detection would fail, the assigned topology keeps the molecule
        double[] x = atoms.positions().clone();
        x[3] += 0.9;
        Atoms stretched = new Atoms(atoms.atomicNumbers(), x, atoms.cell());
        double e = energy(water, stretched);
        assertTrue(Double.isFinite(e));
        FlexibleWater fresh = new FlexibleWater(FlexibleWater.Parameters.spcFw(), 1.1);
        IllegalArgumentException err = assertThrows(IllegalArgumentException.class, () -> energy(fresh, stretched));
        assertTrue(err.getMessage().contains("intact H2O"), err.getMessage());
    }

    @Test
    void rejectsOtherElementsAndBrokenMolecules() {
        FlexibleWater water = new FlexibleWater(FlexibleWater.Parameters.spcFw(), 1.3);
        Atoms co = new Atoms(new int[] {6, 8}, new double[] {0, 0, 0, 1.1, 0, 0}, Cell.NONE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> energy(water, co));
        assertTrue(e.getMessage().contains("atom 0 is C"), e.getMessage());
        Atoms oh = new Atoms(new int[] {8, 1}, new double[] {0, 0, 0, 0.97, 0, 0}, Cell.NONE);
        e = assertThrows(IllegalArgumentException.class, () -> energy(new FlexibleWater(FlexibleWater.Parameters.spcFw(), 1.3), oh));
        assertTrue(e.getMessage().contains("has 1 hydrogens"), e.getMessage());
    }

    @Test
    void providerDefaultsAreSpcFwAndKeysAreChecked() {
        FlexibleWater d = (FlexibleWater) ForceFields.create(new ForceFieldSpec("flexible-water", Map.of(), null));
        assertEquals(FlexibleWater.Parameters.spcFw(), d.parameters());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("energy_unit", "kJ/mol");
        params.put("bond", Map.of("k", 4431.53, "r0", 1.0));
        params.put("coulomb", Map.of("alpha", 0.25, "cutoff", 9.0));
        params.put("lj", Map.of("shift", false));
        FlexibleWater w = (FlexibleWater) ForceFields.create(new ForceFieldSpec("flexible-water", params, null));
        assertEquals(4431.53 * md.core.Units.KJ_PER_MOL_TO_EV, w.parameters().bondStiffnessEvPerA2(), 1e-12);
        assertEquals(1.0, w.parameters().bondLengthAngstrom());
        assertEquals(0.25, w.parameters().dsfAlphaPerAngstrom());
        assertEquals(10.0, w.cutoffAngstrom()); // the LJ cutoff stays 10
        assertEquals(false, w.parameters().ljShift());
        assertEquals(FlexibleWater.Parameters.spcFw().ljEpsilonEv(), w.parameters().ljEpsilonEv(), 1e-15); // not re-scaled by energy_unit
        ForceFieldConfigException e = assertThrows(ForceFieldConfigException.class,
                () -> ForceFields.create(new ForceFieldSpec("flexible-water", Map.of("charges", Map.of("O", -0.8, "H", 0.41)), null)));
        assertTrue(e.getMessage().contains("neutral"), e.getMessage());
        e = assertThrows(ForceFieldConfigException.class, () -> ForceFields.create(new ForceFieldSpec("flexible-water", Map.of("angel", Map.of()), null)));
        assertTrue(e.getMessage().contains("did you mean 'angle'"), e.getMessage());
        e = assertThrows(ForceFieldConfigException.class, () -> ForceFields.create(new ForceFieldSpec("flexible-water", Map.of("bond", Map.of("k0", 1.0)), null)));
        assertTrue(e.getMessage().contains("k0"), e.getMessage());
        assertTrue(List.of("E_lj_eV", "E_coul_eV", "E_bond_eV", "E_angle_eV").equals(d.observableNames()));
    }
}
