package md.engine.neighbors;

import java.util.Arrays;

import md.core.Cell;
import md.forcefields.Atoms;
import md.forcefields.NeighborList;

/**
 * Verlet neighbour list with a skin: pairs are collected within {@code cutoff + skin} by cell lists
 * and reused until some atom has moved more than half the skin since the last build (then two atoms
 * approaching each other can have closed at most the full skin, so no pair within the cutoff is
 * missed). A change of the cell or of the atom count also forces a rebuild.
 *
 * <p>Cells narrower than twice the list cutoff are fine: the list holds one entry per (i, j, image)
 * within cutoff + skin, several images of a partner and images of the atom itself included, and the
 * half-skin criterion holds image by image (the vector x_j + shift − x_i changes by the two atoms'
 * displacements only, the shift being a fixed lattice translation), so no image within the cutoff is
 * missed between builds. Forces and the virial sum over these entries as {@code md eval} and LAMMPS do.
 *
 * <p>Positions are the engine's unwrapped Cartesian positions; the list's shifts make
 * {@code x[j] + shift - x[i]} the current pair vector, so wrapping atoms back into the box between
 * builds would count as a large displacement and trigger a rebuild (safe, merely wasteful).
 *
 * <p>A cutoff of +∞ means <em>every pair</em> of an isolated (non-periodic) system: models whose graph is
 * fully connected within a molecule (SE(3)-Transformer, GeomAtt) report {@code cutoffAngstrom() = +∞}.
 * The pairs then never change, so the list is built once (and again only when the atom count or the cell
 * changes, or a position becomes non-finite).
 */
public final class VerletNeighborList {
    private final double cutoffAngstrom;
    private final double skinAngstrom;
    private final NeighborList list = new NeighborList();
    private final CellListBuilder builder = new CellListBuilder();
    private double[] positionsAtBuild;
    private double[] cellAtBuild;
    private boolean[] pbcAtBuild;
    private Cell cellObjectAtBuild;  // Cell is immutable: the same object needs no comparison (and no array copies per step)
    private long rebuildCount;

    public VerletNeighborList(double cutoffAngstrom, double skinAngstrom) {
        if (!(cutoffAngstrom >= 0)) throw new IllegalArgumentException("neighbour-list cutoff must be zero or positive (or +infinity: all pairs), got " + cutoffAngstrom + " Å");
        if (!(skinAngstrom >= 0) || !Double.isFinite(skinAngstrom)) throw new IllegalArgumentException("neighbour-list skin must be zero or positive, got " + skinAngstrom + " Å");
        this.cutoffAngstrom = cutoffAngstrom;
        this.skinAngstrom = skinAngstrom;
    }

    public double cutoffAngstrom() { return cutoffAngstrom; }
    public double skinAngstrom() { return skinAngstrom; }
    public double listCutoffAngstrom() { return cutoffAngstrom + skinAngstrom; }

    /** The list force fields read; valid after the first {@link #update}. */
    public NeighborList list() { return list; }

    /** How many times the pairs were rebuilt (the first build included). */
    public long rebuildCount() { return rebuildCount; }

    /** Rebuilds when needed; returns whether it did. */
    public boolean update(Atoms atoms) {
        if (!needsRebuild(atoms)) return false;
        rebuild(atoms);
        return true;
    }

    /** Unconditional rebuild. */
    public void rebuild(Atoms atoms) {
        int n = atoms.size();
        if (Double.isInfinite(cutoffAngstrom)) {
            NeighborList all = allPairs(atoms, cutoffAngstrom);
            list.set(all.firstArray(), all.secondArray(), all.shiftArray(), all.pairCount(), cutoffAngstrom);
        } else {
            builder.build(atoms.positions(), n, atoms.cell(), listCutoffAngstrom());
            list.set(builder.first, builder.second, builder.shift, builder.pairCount, listCutoffAngstrom());
        }
        positionsAtBuild = Arrays.copyOf(atoms.positions(), 3 * n);
        cellAtBuild = atoms.cell().vectors();
        pbcAtBuild = atoms.cell().pbc();
        cellObjectAtBuild = atoms.cell();
        rebuildCount++;
    }

    /** Forgets the last build, so the next {@link #update} rebuilds (e.g. after positions were replaced). */
    public void invalidate() { positionsAtBuild = null; }

    /**
     * Says that the cell changed (e.g. a barostat scaled it), so the next {@link #update} rebuilds: the
     * shifts are lattice translations of the old cell. A new cell on the {@link Atoms} is also noticed
     * without this call (its vectors are compared), so calling it is never needed for correctness of a
     * caller that replaces the cell, only for one that cannot tell whether it did.
     */
    public void cellChanged() { invalidate(); }

    public boolean needsRebuild(Atoms atoms) {
        if (positionsAtBuild == null || positionsAtBuild.length != 3 * atoms.size()) return true;
        Cell cell = atoms.cell();
        if (cell != cellObjectAtBuild && (!Arrays.equals(cellAtBuild, cell.vectors()) || !Arrays.equals(pbcAtBuild, cell.pbc()))) return true;
        double limit2 = 0.25 * skinAngstrom * skinAngstrom;
        double[] x = atoms.positions();
        for (int i = 0; i < x.length; i += 3) {
            double dx = x[i] - positionsAtBuild[i], dy = x[i + 1] - positionsAtBuild[i + 1], dz = x[i + 2] - positionsAtBuild[i + 2];
            double d2 = dx * dx + dy * dy + dz * dz;
            if (d2 > limit2 || !(d2 == d2)) return true;
        }
        return false;
    }

    /**
     * All pairs within {@code radius} (half list, with shifts) of a configuration, built once; for
     * validation (closest contacts) and analysis rather than the MD loop.
     */
    public static NeighborList pairsWithin(Atoms atoms, double radiusAngstrom) {
        if (Double.isInfinite(radiusAngstrom)) return allPairs(atoms, radiusAngstrom);
        CellListBuilder b = new CellListBuilder();
        b.build(atoms.positions(), atoms.size(), atoms.cell(), radiusAngstrom);
        NeighborList nl = new NeighborList();
        nl.set(b.first, b.second, b.shift, b.pairCount, radiusAngstrom);
        return nl;
    }

    /** Every pair of an isolated system (radius +∞); a periodic cell has infinitely many images, so it is refused. */
    private static NeighborList allPairs(Atoms atoms, double radiusAngstrom) {
        if (atoms.cell().isPeriodic())
            throw new IllegalArgumentException("a force field whose graph joins every pair of atoms (cutoff +infinity: GeomAtt, a fully connected "
                    + "SE(3)-Transformer) needs an isolated system (non-periodic), got a periodic cell " + atoms.cell());
        return NeighborList.allPairs(atoms.size(), radiusAngstrom);
    }
}
