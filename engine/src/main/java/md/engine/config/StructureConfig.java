package md.engine.config;

import java.nio.file.Path;

/** Where the initial atoms come from: a file (one frame of it) or a generated crystal lattice. */
public sealed interface StructureConfig {

    /** The {@code structure} section, for messages about the structure as a whole. */
    ConfigNode node();

    /**
     * One frame of an extended XYZ / XYZ file, an MD17/rMD17 {@code .npz}, an HDF5 data set or
     * trajectory, a VASP POSCAR, LAMMPS data, PDB or CIF file ({@code options}: format and reader keys), or a checkpoint written by {@code md run} ({@code format} "checkpoint"). {@code frame}
     * may be negative to count from the end (-1 = last).
     */
    record FromFile(Path file, String format, int frame, md.engine.io.StructureReader.Options options, ConfigNode node) implements StructureConfig {}

    /** A perfect crystal: {@code kind} fcc, bcc or sc; cubic cell edge {@code aAngstrom}; repeats along a, b, c. */
    record Lattice(String kind, int atomicNumber, double aAngstrom, int[] repeat, ConfigNode node) implements StructureConfig {}
}
