package md.engine.neighbors;

import java.util.Arrays;

import md.core.Cell;
import md.forcefields.Atoms;
import md.forcefields.NeighborList;

/**
 * Verlet neighbour list with a skin: pairs are collected within {@code cutoff + skin} by cell lists
 * and reused until some atom has moved more than half the skin since the last build (then two atoms
 * approaching each other can have closed at most the full skin, so no pair within the cutoff is
 * missed). A change of the atom count forces a rebuild.
 *
 * <p>A deformed cell (a barostat step) does not, as long as the deformation is small: with T = H₀⁻¹H the map
 * from the build cell H₀ to the current one H (row vectors: x ↦ xT takes every lattice translation nH₀ to nH),
 * an entry's vector r = x_j + nH − x_i equals r₀T + δ_j − δ_i, where r₀ was its vector at the build and
 * δ = x − x₀T is an atom's displacement from its affinely carried build position. Then
 * |r| ≥ (1 − ‖T − I‖)|r₀| − 2 max|δ|, so no entry that was beyond the list cutoff L = cutoff + skin can have come
 * within the cutoff while 2 max|δ| + ‖T − I‖ L &lt; skin (‖·‖ the Frobenius norm, an upper bound of the spectral
 * one; with T = I this is the half-skin rule). Until then the pairs are kept and only their shifts are mapped,
 * nH₀ ↦ nH, from the shifts of the build (not step by step, so they depend only on the build and the current
 * cell: a resumed run gets the same numbers). Only for fully periodic cells; otherwise a new cell rebuilds.
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
    private double[] shiftsAtBuild = new double[0];  // the build's shifts, mapped to each new cell
    private Cell cellOfShifts;                        // the cell the list's shifts are lattice translations of
    private final double[] transform = new double[9]; // T = H₀⁻¹H of the last check (row-major)
    private final double[] unit = new double[3], fractional = new double[3];
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

    /** Rebuilds when needed and returns whether it did; otherwise maps the shifts to a deformed cell if the cell changed. */
    public boolean update(Atoms atoms) {
        Cell cell = atoms.cell();
        boolean built = positionsAtBuild != null && sameCell(cell, cellObjectAtBuild);
        if (needsRebuild(atoms, built)) {
            rebuild(atoms);
            return true;
        }
        if (cell != cellOfShifts) mapShifts(cell, built);
        return false;
    }

    /** The cell of the last build: what a checkpoint needs, with the positions of the build, to rebuild the same list. */
    public Cell cellAtBuild() { return cellObjectAtBuild; }

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
        cellOfShifts = atoms.cell();
        int shifts = 3 * list.pairCount();
        if (shiftsAtBuild.length < shifts) shiftsAtBuild = new double[shifts + shifts / 4];
        System.arraycopy(list.shiftArray(), 0, shiftsAtBuild, 0, shifts);
        rebuildCount++;
    }

    /** Forgets the last build, so the next {@link #update} rebuilds (e.g. after positions were replaced). */
    public void invalidate() { positionsAtBuild = null; }

    public boolean needsRebuild(Atoms atoms) {
        return needsRebuild(atoms, positionsAtBuild != null && sameCell(atoms.cell(), cellObjectAtBuild));
    }

    /** {@code inBuildCell}: the atoms' cell is the build's. Otherwise leaves T for the atoms' cell in {@link #transform} when it keeps the pairs. */
    private boolean needsRebuild(Atoms atoms, boolean inBuildCell) {
        if (positionsAtBuild == null || positionsAtBuild.length != 3 * atoms.size()) return true;
        Cell cell = atoms.cell();
        double[] x = atoms.positions();
        if (inBuildCell) return movedBeyond(x, null, 0.5 * skinAngstrom);
        if (!deformable(cell)) return true;
        double deformation = transform(cellObjectAtBuild, cell, transform);
        double allowed = 0.5 * (skinAngstrom - deformation * listCutoffAngstrom());
        return !(allowed > 0) || movedBeyond(x, transform, allowed);
    }

    private boolean sameCell(Cell cell, Cell built) {
        return cell == built || (Arrays.equals(cellAtBuild, cell.vectors()) && Arrays.equals(pbcAtBuild, cell.pbc()));
    }

    /** Whether a new cell may keep the pairs: fully periodic like the build's, and a finite cutoff (+∞ lists all pairs of an isolated system). */
    private boolean deformable(Cell cell) {
        return Double.isFinite(cutoffAngstrom) && cell.periodic(0) && cell.periodic(1) && cell.periodic(2)
                && pbcAtBuild[0] && pbcAtBuild[1] && pbcAtBuild[2];
    }

    /** Whether some atom is farther than {@code limit} from its build position (carried by {@code t}, or not moved when null); true for a non-finite position. */
    private boolean movedBeyond(double[] x, double[] t, double limit) {
        double limit2 = limit * limit;
        double[] x0 = positionsAtBuild;
        for (int i = 0; i < x.length; i += 3) {
            double ax = x0[i], ay = x0[i + 1], az = x0[i + 2];
            if (t != null) {
                double cx = ax * t[0] + ay * t[3] + az * t[6], cy = ax * t[1] + ay * t[4] + az * t[7], cz = ax * t[2] + ay * t[5] + az * t[8];
                ax = cx; ay = cy; az = cz;
            }
            double dx = x[i] - ax, dy = x[i + 1] - ay, dz = x[i + 2] - az;
            double d2 = dx * dx + dy * dy + dz * dz;
            if (d2 > limit2 || !(d2 == d2)) return true;
        }
        return false;
    }

    /** T = H₀⁻¹H into {@code t} (row-major; x ↦ xT carries the build cell's lattice onto the current one); returns ‖T − I‖_F. */
    private double transform(Cell built, Cell cell, double[] t) {
        double[] e = unit, s = fractional;
        double norm2 = 0;
        for (int row = 0; row < 3; row++) {
            java.util.Arrays.fill(e, 0);
            e[row] = 1;
            built.toFractional(e, 0, s);
            cell.toCartesian(s, t, 3 * row);
            for (int k = 0; k < 3; k++) {
                double d = t[3 * row + k] - (row == k ? 1 : 0);
                norm2 += d * d;
            }
        }
        return Math.sqrt(norm2);
    }

    /**
     * The build's shifts nH₀ mapped to nH in {@code cell} with the T that {@link #needsRebuild(Atoms, boolean)} just
     * computed for it (the build's own shifts, exactly, when the cell is the build's again); bumps the list's version.
     */
    private void mapShifts(Cell cell, boolean inBuildCell) {
        double[] shift = list.shiftArray(), s0 = shiftsAtBuild;
        int end = 3 * list.pairCount();
        if (inBuildCell) {
            System.arraycopy(s0, 0, shift, 0, end);
        } else {
            double[] t = transform;
            for (int p = 0; p < end; p += 3) {
                double a = s0[p], b = s0[p + 1], c = s0[p + 2];
                shift[p] = a * t[0] + b * t[3] + c * t[6];
                shift[p + 1] = a * t[1] + b * t[4] + c * t[7];
                shift[p + 2] = a * t[2] + b * t[5] + c * t[8];
            }
        }
        list.shiftsChanged();
        cellOfShifts = cell;
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
