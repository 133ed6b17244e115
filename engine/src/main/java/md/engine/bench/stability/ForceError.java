package md.engine.bench.stability;

import md.engine.neighbors.VerletNeighborList;
import md.engine.system.Frame;
import md.engine.system.MolecularSystem;
import md.forcefields.Atoms;
import md.forcefields.ForceField;

/**
 * Force mean absolute error on test frames, over every force component (as the benchmark's
 * {@code forces_mae}: total |ΔF| / number of components), in meV/Å.
 *
 * @param frames frames evaluated (0 when the reference has no forces)
 */
record ForceError(double maeMevPerAngstrom, int frames) {

    static ForceError of(ForceField ff, ReferenceData reference, int maxFrames) {
        double sum = 0;
        long components = 0;
        int used = 0;
        for (Frame frame : reference.frames()) {
            if (used >= maxFrames) break;
            if (frame.forces() == null) continue;
            MolecularSystem system = MolecularSystem.fromFrame(frame, reference.file() + ", frame " + used);
            Atoms atoms = system.atoms();
            double[] f = new double[3 * system.size()];
            ff.compute(atoms, VerletNeighborList.pairsWithin(atoms, ff.cutoffAngstrom()), f, null);
            for (int i = 0; i < f.length; i++) sum += Math.abs(f[i] - frame.forces()[i]);
            components += f.length;
            used++;
        }
        return new ForceError(components > 0 ? 1000.0 * sum / components : Double.NaN, used);
    }
}
