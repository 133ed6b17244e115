package md.engine.bench.stability;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import md.analysis.Frames;
import md.core.Cell;
import md.engine.cli.UserError;
import md.engine.io.StructureReader;
import md.engine.report.Metrics;
import md.engine.system.Frame;

/**
 * The benchmark's test data: frames of one isolated molecule with reference forces. The runs start from
 * them, the force error is measured on them, and the analysis takes from them the reference bond lengths
 * and h(r).
 *
 * @param positions the same frames as the analysis sees them (frame times are never used)
 */
public record ReferenceData(Path file, List<Frame> frames, Frames positions) {

    /** Atom counts of the MD17 molecules of the benchmark, to catch a reference of another molecule. */
    static final Map<String, String> MD17_FORMULAS = Map.of(
            "aspirin", "H8C9O4", "ethanol", "H6C2O", "naphthalene", "H8C10", "salicylic_acid", "H6C7O3");

    public static ReferenceData read(Path file, String molecule) {
        List<Frame> frames = StructureReader.readAll(file);
        if (frames.isEmpty()) throw new UserError("--reference " + file + ": holds no frames; expected test frames of one molecule");
        Frame first = frames.get(0);
        double[][] x = new double[frames.size()][];
        for (int k = 0; k < x.length; k++) {
            Frame f = frames.get(k);
            if (!Arrays.equals(f.atomicNumbers(), first.atomicNumbers()))
                throw new UserError("--reference " + file + ": frame " + k + " has other atoms than frame 0; expected frames of one molecule");
            if (f.cell().isPeriodic())
                throw new UserError("--reference " + file + ": frame " + k + " is periodic; the MD17 benchmark simulates one molecule in vacuum");
            x[k] = f.positions();
        }
        if (molecule != null) {
            String expected = MD17_FORMULAS.get(molecule.toLowerCase(Locale.ROOT).replace(' ', '_'));
            String found = Metrics.composition(first.atomicNumbers());
            if (expected != null && !expected.equals(found))
                throw new UserError("--reference " + file + " holds " + found + ", not " + molecule + " (" + expected + "); expected test data of the molecule named by --molecule");
        }
        return new ReferenceData(file, frames, Frames.evenlySpaced(x, first.atomicNumbers(), Cell.NONE, 1.0));
    }

    public int[] atomicNumbers() { return positions.atomicNumbers(); }
}
