package md.forcefields.classical;

import java.util.Arrays;
import java.util.List;

import md.core.Cell;
import md.core.Elements;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.NeighborList;
import md.forcefields.TopologyFromStructure;

/**
 * A flexible three-site water model (SPC/Fw by default, Wu, Tepper &amp; Voth, J. Chem. Phys. 124, 024503
 * (2006)) with damped shifted force (DSF) electrostatics (Fennell &amp; Gezelter, J. Chem. Phys. 124, 234104
 * (2006)):
 * <ul>
 *   <li>½ k_b (r_OH − r₀)² per O–H bond and ½ k_θ (θ_HOH − θ₀)² per molecule (the paper's
 *       convention; LAMMPS' K is half of these k);</li>
 *   <li>Lennard-Jones between oxygens of different molecules, 4ε[(σ/r)¹² − (σ/r)⁶] below r_c,LJ, optionally
 *       shifted to zero at r_c,LJ;</li>
 *   <li>DSF Coulomb between charges of different molecules below r_c,
 *       k_e q_i q_j [erfc(αr)/r − erfc(αr_c)/r_c + (erfc(αr_c)/r_c² + 2α/√π e^{−α²r_c²}/r_c)(r − r_c)];</li>
 *   <li>within a molecule, as in Ewald summation (where an excluded pair removes the bare 1/r and keeps the
 *       damped remainder), the same expression with erfc(αr) replaced by erfc(αr) − 1 = −erf(αr);</li>
 *   <li>the self term −(erfc(αr_c)/r_c + α/√π e^{−α²r_c²} + α/√π) k_e q_i² per atom. With the intramolecular
 *       terms it makes an isolated neutral molecule's Coulomb energy nearly zero (the constant parts cancel;
 *       a few meV are left), so E_coul is close to the intermolecular energy. Fennell–Gezelter's eq. 19 self term, −(erfc(αr_c)/(2r_c) + α/√π),
 *       is for a sum without exclusions; it differs by a constant.</li>
 * </ul>
 * This is LAMMPS' {@code lj/cut/coul/dsf} with {@code special_bonds lj/coul 0.0 0.0 0.0} term by term (its
 * {@code factor_coul < 1} branch and {@code e_self}). Only the nearest image of a molecule's own atom counts as
 * intramolecular (LAMMPS' minimum_image_check): a farther image, in a cell narrower than twice the cutoff, is an
 * ordinary pair.
 *
 * <p>The molecules are detected once, from the first geometry seen (or {@link #assignBondsFrom}): every
 * hydrogen bonds to its nearest oxygen, which must be closer than {@code tolerance} × (R_O + R_H) covalent
 * radii, and every oxygen must get exactly two hydrogens. The virial is W = Σ r_ij ⊗ F_j over pairs and, for
 * bonds and angles, Σ d_k ⊗ F_k with d_k the minimum-image vector from the oxygen (translation invariant).
 */
public final class FlexibleWater implements ForceField, TopologyFromStructure {

    /** e²/(4πε₀) in eV·Å (CODATA 2018: e, ε₀). LAMMPS units metal uses 14.399645. */
    public static final double COULOMB_EV_ANGSTROM = 8.9875517923e9 * 1.602176634e-19 / 1e-10;

    /**
     * Parameters in eV, Å, radians, elementary charges. Bond and angle stiffnesses in the convention
     * E = ½ k x². {@code ljShift}: subtract E_LJ(r_c,LJ) (LAMMPS {@code pair_modify shift yes}).
     */
    public record Parameters(double chargeO, double chargeH, double ljEpsilonEv, double ljSigmaAngstrom, double ljCutoffAngstrom, boolean ljShift,
                             double dsfAlphaPerAngstrom, double coulombCutoffAngstrom, double coulombConstantEvAngstrom,
                             double bondStiffnessEvPerA2, double bondLengthAngstrom, double angleStiffnessEvPerRad2, double angleRadians) {

        /** SPC/Fw with DSF Coulomb: α = 0.2 Å⁻¹, both cutoffs 10 Å, LJ shifted. */
        public static Parameters spcFw() {
            double kcal = md.core.Units.KCAL_PER_MOL_TO_EV;
            return new Parameters(-0.82, 0.41, 0.1554253 * kcal, 3.165492, 10.0, true, 0.2, 10.0, COULOMB_EV_ANGSTROM,
                    1059.162 * kcal, 1.012, 75.90 * kcal, Math.toRadians(113.24));
        }

        public Parameters {
            if (Math.abs(chargeO + 2 * chargeH) > 1e-12) throw new IllegalArgumentException("a water molecule must be neutral: q_O + 2 q_H = " + (chargeO + 2 * chargeH));
            for (double v : new double[] {ljSigmaAngstrom, ljCutoffAngstrom, dsfAlphaPerAngstrom, coulombCutoffAngstrom, coulombConstantEvAngstrom, bondLengthAngstrom, angleRadians})
                if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException("water model lengths, α, cutoffs and angle must be positive, got " + v);
            for (double v : new double[] {ljEpsilonEv, bondStiffnessEvPerA2, angleStiffnessEvPerRad2})
                if (!(v >= 0) || !Double.isFinite(v)) throw new IllegalArgumentException("water model ε and stiffnesses must be >= 0, got " + v);
        }
    }

    private static final int O = 8, H = 1;
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    private final Parameters p;
    private final double tolerance;
    private final java.util.function.DoubleUnaryOperator erfc; // null: FastErfc
    // DSF constants: E(r) = kqq [erfc(αr)/r − eShift + fShift (r − rc)], F(r) = kqq [erfc(αr)/r² + 2α/√π e^{−α²r²}/r − fShift]
    private final double eShift, fShift, selfPerQ2, ljShiftEv;

    private int[] molecules;      // O, H1, H2 per molecule
    private int[] moleculeOf;
    private double[] charge;
    private int atomCount = -1;
    private final double[] terms = new double[4]; // LJ, Coulomb, bonds, angles (eV) of the last compute

    /** With {@link FastErfc} (one exponential per pair, shared by energy and force). */
    public FlexibleWater(Parameters p, double tolerance) { this(p, tolerance, null); }

    /** With another erfc, e.g. LAMMPS' fit or the series of {@link Erfc}, so that a test can isolate it; null: {@link FastErfc}. */
    FlexibleWater(Parameters p, double tolerance, java.util.function.DoubleUnaryOperator erfc) {
        this.erfc = erfc;
        if (!(tolerance > 0)) throw new IllegalArgumentException("bond tolerance must be positive, got " + tolerance);
        this.p = p;
        this.tolerance = tolerance;
        double a = p.dsfAlphaPerAngstrom(), rc = p.coulombCutoffAngstrom();
        double erfcRc = Erfc.erfc(a * rc); // LAMMPS also uses libm's erfc here
        eShift = erfcRc / rc;
        fShift = erfcRc / (rc * rc) + TWO_OVER_SQRT_PI * a * Math.exp(-a * a * rc * rc) / rc;
        selfPerQ2 = -(erfcRc / rc + a / Math.sqrt(Math.PI) * Math.exp(-a * a * rc * rc) + a / Math.sqrt(Math.PI));
        double s6 = Math.pow(p.ljSigmaAngstrom() / p.ljCutoffAngstrom(), 6);
        ljShiftEv = p.ljShift() ? 4 * p.ljEpsilonEv() * (s6 * s6 - s6) : 0;
    }

    public Parameters parameters() { return p; }

    @Override public String name() { return "flexible-water"; }

    @Override public double cutoffAngstrom() { return Math.max(p.ljCutoffAngstrom(), p.coulombCutoffAngstrom()); }

    @Override public boolean supportsElement(int z) { return z == O || z == H; }

    @Override public boolean providesVirial() { return true; }

    @Override public boolean detectsBonds() { return true; }

    @Override public void assignBondsFrom(Atoms atoms) { assignMolecules(atoms); }

    /** Per-term energies of the last evaluation: Lennard-Jones, Coulomb (with the self term), bonds, angles (eV). */
    public double[] lastTermsEv() { return terms.clone(); }

    @Override public List<String> observableNames() { return List.of("E_lj_eV", "E_coul_eV", "E_bond_eV", "E_angle_eV"); }

    @Override public void observables(double[] out) { System.arraycopy(terms, 0, out, 0, 4); }

    /** The molecules as (O, H1, H2) atom indices, after the first evaluation. */
    public int[][] molecules() {
        int[][] out = new int[molecules == null ? 0 : molecules.length / 3][];
        for (int m = 0; m < out.length; m++) out[m] = Arrays.copyOfRange(molecules, 3 * m, 3 * m + 3);
        return out;
    }

    @Override
    public double compute(Atoms atoms, NeighborList neighbors, double[] forcesOut, double[] virialOut) {
        if (atomCount != atoms.size()) assignMolecules(atoms);
        int n = atoms.size();
        double[] x = atoms.positions();
        Arrays.fill(forcesOut, 0, 3 * n, 0.0);
        double[] w = new double[9];
        // a molecule's own atom is excluded only in its nearest image (LAMMPS' minimum_image_check)
        double excludeBelow2 = Double.MAX_VALUE;
        if (atoms.cell().isPeriodic()) {
            double[] width = atoms.cell().perpendicularWidths();
            for (int k = 0; k < 3; k++) if (atoms.cell().periodic(k)) excludeBelow2 = Math.min(excludeBelow2, 0.25 * width[k] * width[k]);
        }
        double rcLj2 = p.ljCutoffAngstrom() * p.ljCutoffAngstrom(), rcC2 = p.coulombCutoffAngstrom() * p.coulombCutoffAngstrom();
        double c12 = 4 * p.ljEpsilonEv() * Math.pow(p.ljSigmaAngstrom(), 12), c6 = 4 * p.ljEpsilonEv() * Math.pow(p.ljSigmaAngstrom(), 6);
        double alpha = p.dsfAlphaPerAngstrom(), ke = p.coulombConstantEvAngstrom();
        int[] z = atoms.atomicNumbers();
        int[] first = neighbors.firstArray(), second = neighbors.secondArray();
        double[] sh = neighbors.shiftArray();
        double eLj = 0, eCoul = 0;
        for (int q = 0; q < neighbors.pairCount(); q++) {
            int i = first[q], j = second[q];
            double dx = x[3 * j] + sh[3 * q] - x[3 * i], dy = x[3 * j + 1] + sh[3 * q + 1] - x[3 * i + 1], dz = x[3 * j + 2] + sh[3 * q + 2] - x[3 * i + 2];
            double r2 = dx * dx + dy * dy + dz * dz;
            boolean sameMolecule = moleculeOf[i] == moleculeOf[j] && r2 < excludeBelow2;
            double fOverR = 0; // force on j = fOverR * d
            if (r2 < rcLj2 && !sameMolecule && z[i] == O && z[j] == O) {
                double inv2 = 1 / r2, inv6 = inv2 * inv2 * inv2;
                eLj += inv6 * (c12 * inv6 - c6) - ljShiftEv;
                fOverR += inv6 * (12 * c12 * inv6 - 6 * c6) * inv2;
            }
            if (r2 < rcC2) {
                double r = Math.sqrt(r2), kqq = ke * charge[i] * charge[j], ar = alpha * r, erfcAr, gauss; // gauss = e^{−α²r²}
                if (erfc == null) {
                    gauss = FastErfc.expMinusSquare(ar);
                    erfcAr = ar < FastErfc.X_MAX ? gauss * FastErfc.erfcx(ar) : Erfc.erfc(ar);
                } else {
                    erfcAr = erfc.applyAsDouble(ar);
                    gauss = Math.exp(-alpha * alpha * r2);
                }
                // within a molecule the bare 1/r is excluded: erfc(αr) − 1 = −erf(αr)
                double damped = sameMolecule ? erfcAr - 1 : erfcAr;
                eCoul += kqq * (damped / r - eShift + fShift * (r - p.coulombCutoffAngstrom()));
                fOverR += kqq * (damped / r2 + TWO_OVER_SQRT_PI * alpha * gauss / r - fShift) / r;
            }
            if (fOverR == 0) continue;
            double fx = fOverR * dx, fy = fOverR * dy, fz = fOverR * dz;
            forcesOut[3 * j] += fx; forcesOut[3 * j + 1] += fy; forcesOut[3 * j + 2] += fz;
            forcesOut[3 * i] -= fx; forcesOut[3 * i + 1] -= fy; forcesOut[3 * i + 2] -= fz;
            w[0] += dx * fx; w[1] += dx * fy; w[2] += dx * fz;
            w[3] += dy * fx; w[4] += dy * fy; w[5] += dy * fz;
            w[6] += dz * fx; w[7] += dz * fy; w[8] += dz * fz;
        }
        for (int i = 0; i < n; i++) eCoul += selfPerQ2 * ke * charge[i] * charge[i];
        double[] eIntra = intramolecular(x, atoms.cell(), forcesOut, w);
        terms[0] = eLj; terms[1] = eCoul; terms[2] = eIntra[0]; terms[3] = eIntra[1];
        if (virialOut != null) System.arraycopy(w, 0, virialOut, 0, 9);
        return eLj + eCoul + eIntra[0] + eIntra[1];
    }

    /** Bonds and angles of every molecule; returns {E_bond, E_angle}. */
    private double[] intramolecular(double[] x, Cell cell, double[] f, double[] w) {
        double eBond = 0, eAngle = 0;
        double[] d1 = new double[3], d2 = new double[3], f1 = new double[3], f2 = new double[3];
        for (int m = 0; m < molecules.length / 3; m++) {
            int o = molecules[3 * m], h1 = molecules[3 * m + 1], h2 = molecules[3 * m + 2];
            minimumImage(x, o, h1, cell, d1);
            minimumImage(x, o, h2, cell, d2);
            double r1 = norm(d1), r2 = norm(d2);
            // bonds: F_H = −k (r − r0) d/r
            double g1 = -p.bondStiffnessEvPerA2() * (r1 - p.bondLengthAngstrom()) / r1, g2 = -p.bondStiffnessEvPerA2() * (r2 - p.bondLengthAngstrom()) / r2;
            eBond += 0.5 * p.bondStiffnessEvPerA2() * ((r1 - p.bondLengthAngstrom()) * (r1 - p.bondLengthAngstrom()) + (r2 - p.bondLengthAngstrom()) * (r2 - p.bondLengthAngstrom()));
            for (int a = 0; a < 3; a++) { f1[a] = g1 * d1[a]; f2[a] = g2 * d2[a]; }
            // angle: E = ½ k (θ − θ0)², θ = acos(c), c = d1·d2/(r1 r2); ∂c/∂d1 = d2/(r1 r2) − c d1/r1²
            double c = (d1[0] * d2[0] + d1[1] * d2[1] + d1[2] * d2[2]) / (r1 * r2);
            c = Math.max(-1, Math.min(1, c));
            double theta = Math.acos(c), s = Math.max(Math.sqrt(1 - c * c), 1e-12);
            double dE = p.angleStiffnessEvPerRad2() * (theta - p.angleRadians());
            eAngle += 0.5 * dE * (theta - p.angleRadians());
            double k = dE / s; // −∂E/∂c · (−1/s)… : F = −dE/dθ · dθ/dc · ∂c/∂d = dE/s · ∂c/∂d
            for (int a = 0; a < 3; a++) {
                f1[a] += k * (d2[a] / (r1 * r2) - c * d1[a] / (r1 * r1));
                f2[a] += k * (d1[a] / (r1 * r2) - c * d2[a] / (r2 * r2));
            }
            for (int a = 0; a < 3; a++) {
                f[3 * h1 + a] += f1[a];
                f[3 * h2 + a] += f2[a];
                f[3 * o + a] -= f1[a] + f2[a];
                for (int b = 0; b < 3; b++) w[3 * a + b] += d1[a] * f1[b] + d2[a] * f2[b];
            }
        }
        return new double[] {eBond, eAngle};
    }

    private static double norm(double[] d) { return Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]); }

    /** d = x_j − x_i reduced to the nearest image along periodic directions. */
    private static void minimumImage(double[] x, int i, int j, Cell cell, double[] d) {
        for (int a = 0; a < 3; a++) d[a] = x[3 * j + a] - x[3 * i + a];
        cell.minimumImage(d, 0);
    }

    /** Each H to its nearest O (within the covalent-radius tolerance); each O must get exactly two. */
    private void assignMolecules(Atoms atoms) {
        int n = atoms.size();
        int[] z = atoms.atomicNumbers();
        int[] oxygenIndex = new int[n];
        Arrays.fill(oxygenIndex, -1);
        int oxygens = 0;
        for (int i = 0; i < n; i++) {
            if (z[i] == O) oxygenIndex[i] = oxygens++;
            else if (z[i] != H) throw new IllegalArgumentException("flexible-water has only O and H, but atom " + i + " is " + Elements.symbol(z[i]));
        }
        int[] oxygenAtom = new int[oxygens];
        for (int i = 0; i < n; i++) if (oxygenIndex[i] >= 0) oxygenAtom[oxygenIndex[i]] = i;
        int[][] hydrogens = new int[oxygens][2];
        int[] count = new int[oxygens];
        double limit = tolerance * (Elements.covalentRadiusAngstrom(O) + Elements.covalentRadiusAngstrom(H));
        double[] d = new double[3];
        for (int i = 0; i < n; i++) {
            if (z[i] != H) continue;
            int best = -1;
            double bestR = Double.MAX_VALUE;
            for (int m = 0; m < oxygens; m++) {
                minimumImage(atoms.positions(), oxygenAtom[m], i, atoms.cell(), d);
                double r = norm(d);
                if (r < bestR) { bestR = r; best = m; }
            }
            if (best < 0 || bestR >= limit)
                throw new IllegalArgumentException("hydrogen " + i + " has no oxygen within " + String.format("%.2f", limit) + " Å (nearest at "
                        + String.format("%.2f", bestR) + " Å); flexible-water needs intact H2O molecules in the initial structure");
            if (count[best] == 2)
                throw new IllegalArgumentException("oxygen " + oxygenAtom[best] + " is the nearest oxygen of three hydrogens (" + hydrogens[best][0] + ", "
                        + hydrogens[best][1] + ", " + i + "); flexible-water needs intact H2O molecules in the initial structure");
            hydrogens[best][count[best]++] = i;
        }
        int[] mol = new int[3 * oxygens], of = new int[n];
        for (int m = 0; m < oxygens; m++) {
            if (count[m] != 2)
                throw new IllegalArgumentException("oxygen " + oxygenAtom[m] + " has " + count[m] + " hydrogens within " + String.format("%.2f", limit)
                        + " Å, expected 2; flexible-water needs intact H2O molecules in the initial structure");
            mol[3 * m] = oxygenAtom[m]; mol[3 * m + 1] = hydrogens[m][0]; mol[3 * m + 2] = hydrogens[m][1];
            of[oxygenAtom[m]] = of[hydrogens[m][0]] = of[hydrogens[m][1]] = m;
        }
        double[] q = new double[n];
        for (int i = 0; i < n; i++) q[i] = z[i] == O ? p.chargeO() : p.chargeH();
        molecules = mol;
        moleculeOf = of;
        charge = q;
        atomCount = n;
    }
}
