package md.engine.run;

import md.engine.cli.UserError;
import md.engine.config.StructureConfig;
import md.engine.io.StructureReader;
import md.engine.system.Frame;

/** Produces the initial frame a {@code structure} section describes. */
public final class StructureLoader {
    private StructureLoader() {}

    public static Frame load(StructureConfig structure) {
        return switch (structure) {
            case StructureConfig.Lattice l -> CrystalLattice.build(l);
            case StructureConfig.FromFile f -> {
                try {
                    yield f.format().equals("checkpoint") ? fromCheckpoint(f) : StructureReader.read(f.file(), f.frame(), f.options());
                } catch (UserError e) {
                    // The reader names the file and the problem; add where in the input the file was asked for.
                    throw new UserError(f.node().get("file").where() + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /** A checkpoint as the start of a new run: its positions, velocities and cell (its step is not continued). */
    private static Frame fromCheckpoint(StructureConfig.FromFile f) {
        if (f.frame() != 0 && f.frame() != -1)
            throw f.node().get("frame").error("a checkpoint holds one frame; expected 0 or -1, got " + f.frame());
        Checkpoint c = Checkpoint.read(f.file());
        return new Frame(c.atomicNumbers(), c.positions(), c.cell(), null, null, c.velocities(), null);
    }
}
