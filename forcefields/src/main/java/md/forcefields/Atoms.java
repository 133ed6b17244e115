package md.forcefields;

import md.core.Cell;

/**
 * What a force field sees of the system: atomic numbers, Cartesian positions (Å, x0 y0 z0 x1 ...) and
 * the cell ({@link Cell#NONE} for an isolated molecule). Arrays are shared with the engine, not copied.
 */
public record Atoms(int[] atomicNumbers, double[] positions, Cell cell) {
    public int size() { return atomicNumbers.length; }
}
