package md.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import md.core.Cell;
import md.engine.neighbors.VerletNeighborList;
import md.engine.system.Frame;
import md.engine.system.MolecularSystem;
import md.forcefields.Atoms;
import md.forcefields.classical.LennardJones;
import md.integrators.VelocityVerlet;

/**
 * In a skewed triclinic cell whose perpendicular widths are all below the cutoff (so an atom meets
 * several images of every partner and of itself), the run loop's forces, energy and virial, from a
 * Verlet list built with a skin and reused over several steps, equal {@code md eval}'s (a list built
 * at exactly the cutoff for the current positions) and a brute-force sum over lattice images written
 * here from the Lennard-Jones formula.
 */
class SmallCellForcesTest {
    static final double EPS_AR = 0.0104, SIG_AR = 3.40, EPS_KR = 0.0140, SIG_KR = 3.65, CUTOFF = 7.0;

    @Test void runLoopForcesAndVirialEqualEvalAndBruteForceOverImages() {
        // perpendicular widths ≈ 5.4, 6.2, 6.6 Å: below the 7 Å cutoff, images up to two cells away interact
        Cell cell = new Cell(new double[] {7.3, 0, 0, 3.1, 6.9, 0, -2.6, 2.2, 6.6}, new boolean[] {true, true, true});
        for (double w : cell.perpendicularWidths()) assertTrue(w < CUTOFF, "width " + w);
        int[] z = {18, 18, 36, 18, 36, 18, 18, 36};
        double[] frac = {0, 0, 0, 0.5, 0.5, 0, 0.5, 0, 0.5, 0, 0.5, 0.5, 0.25, 0.25, 0.25, 0.75, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0.75};
        Random rng = new Random(7);
        double[] x = new double[frac.length];
        double[] s = new double[3];
        for (int i = 0; i < z.length; i++) {
            for (int k = 0; k < 3; k++) s[k] = frac[3 * i + k] + 0.02 * rng.nextGaussian();
            cell.toCartesian(s, x, 3 * i);
        }
        double[] v = new double[x.length];
        for (int i = 0; i < v.length; i++) v[i] = 0.01 * rng.nextGaussian();  // Å/fs: hot, atoms cross faces
        LennardJones lj = LennardJones.builder().species(18, EPS_AR, SIG_AR).species(36, EPS_KR, SIG_KR)
                .cutoff(CUTOFF).shift(LennardJones.Shift.ENERGY).build();
        MolecularSystem system = MolecularSystem.fromFrame(new Frame(z, x, cell, null, null, v, null), "test");
        Simulation sim = new Simulation(system, lj, 1.5, new VelocityVerlet(1.0), 3 * z.length - 3);
        sim.computeInitialForces();
        int reused = 0;
        for (int step = 0; step < 60; step++) {
            long builds = sim.neighbors().rebuildCount();
            sim.step();
            if (sim.neighbors().rebuildCount() == builds) reused++;
            double[] pos = sim.state().positions;
            double[] fRun = sim.state().forces;
            double[] wRun = new double[9];
            double eRun = lj.compute(system.atoms(), sim.neighbors().list(), new double[pos.length], wRun);  // the list the loop used

            Atoms atoms = new Atoms(z, pos, cell);
            double[] fEval = new double[pos.length], wEval = new double[9];
            double eEval = lj.compute(atoms, VerletNeighborList.pairsWithin(atoms, lj.cutoffAngstrom()), fEval, wEval);

            double[] fRef = new double[pos.length], wRef = new double[9];
            double eRef = bruteForce(z, pos, cell, fRef, wRef);

            assertEquals(eRef, sim.state().potentialEnergyEv, 1e-12 * Math.max(1, Math.abs(eRef)), "energy at step " + step);
            assertEquals(eRef, eRun, 1e-12 * Math.max(1, Math.abs(eRef)));
            assertEquals(eEval, sim.state().potentialEnergyEv, 1e-12 * Math.max(1, Math.abs(eRef)));
            for (int k = 0; k < pos.length; k++) {
                assertEquals(fRef[k], fRun[k], 1e-11, "force component " + k + " at step " + step);
                assertEquals(fEval[k], fRun[k], 1e-11, "force component " + k + " vs md eval's list at step " + step);
            }
            for (int k = 0; k < 9; k++) {
                assertEquals(wRef[k], wRun[k], 1e-11, "virial component " + k + " at step " + step);
                assertEquals(wEval[k], wRun[k], 1e-11, "virial component " + k + " vs md eval's list at step " + step);
            }
        }
        assertTrue(reused > 10, "the Verlet list should be reused between builds, reused " + reused + " times");
        assertTrue(sim.neighbors().rebuildCount() > 2, "atoms should move far enough to rebuild the list");
    }

    /**
     * E, forces and virial W = Σ d ⊗ f_j (d = x_j + image − x_i, f_j the force on j) over every pair
     * i &lt; j and every lattice image, and over images of an atom itself (each pair of images once, ½).
     */
    static double bruteForce(int[] z, double[] x, Cell cell, double[] f, double[] w) {
        double[] l = cell.vectors();
        double[] widths = cell.perpendicularWidths();
        int[] m = new int[3];
        for (int k = 0; k < 3; k++) m[k] = (int) Math.ceil(CUTOFF / widths[k]) + 1;
        int n = z.length;
        double e = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int a = -m[0]; a <= m[0]; a++) for (int b = -m[1]; b <= m[1]; b++) for (int c = -m[2]; c <= m[2]; c++) {
                    if (i == j && a == 0 && b == 0 && c == 0) continue;
                    double[] d = new double[3];
                    for (int k = 0; k < 3; k++) d[k] = x[3 * j + k] + a * l[k] + b * l[3 + k] + c * l[6 + k] - x[3 * i + k];
                    double r = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
                    if (r >= CUTOFF) continue;
                    double eps = Math.sqrt(epsilon(z[i]) * epsilon(z[j])), sig = 0.5 * (sigma(z[i]) + sigma(z[j]));
                    double sr6 = Math.pow(sig / r, 6), sc6 = Math.pow(sig / CUTOFF, 6);
                    // every ordered (i, j, image) once: half of each pair's energy; force on i from this term
                    e += 0.5 * (4 * eps * (sr6 * sr6 - sr6) - 4 * eps * (sc6 * sc6 - sc6));
                    double dEdr = 4 * eps * (-12 * sr6 * sr6 + 6 * sr6) / r;
                    for (int k = 0; k < 3; k++) {
                        double fj = -dEdr * d[k] / r;   // force on j along d
                        f[3 * i + k] -= fj;
                        for (int q = 0; q < 3; q++) w[3 * q + k] += 0.5 * d[q] * fj;
                    }
                }
        return e;
    }

    static double epsilon(int z) { return z == 18 ? EPS_AR : EPS_KR; }
    static double sigma(int z) { return z == 18 ? SIG_AR : SIG_KR; }
}
