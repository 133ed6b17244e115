package md.forcefields;

/**
 * A force field that detects a bond topology from the geometry it first sees ({@code bonds: auto}). A run
 * resumed from a checkpoint hands it the structure the run started from, so that it keeps the bonds of
 * that structure rather than detecting them again in a stretched geometry.
 */
public interface TopologyFromStructure {
    /** Whether the topology is detected from the geometry (rather than listed in the input). */
    boolean detectsBonds();

    /** Fixes the topology now, from {@code atoms}. */
    void assignBondsFrom(Atoms atoms);
}
