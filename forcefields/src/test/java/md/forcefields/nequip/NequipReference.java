package md.forcefields.nequip;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/** Locates the reference NequIP fixture in ../shared/data; tests skip when it is absent. */
public final class NequipReference {
    private NequipReference() {}

    public static Path root() {
        String prop = System.getProperty("md.shared.data");
        Path p = prop != null ? Path.of(prop) : Path.of("../shared/data");
        if (!Files.isDirectory(p)) p = Path.of("../../shared/data");
        return p.toAbsolutePath().normalize();
    }

    /** A file below shared/data, or a skipped test when it is not there. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(p), "shared data not available: " + p);
        return p;
    }

    /** A file of the aspirin-l2 fixture. */
    public static Path aspirin(String file) { return require("nequip-reference/aspirin-l2/" + file); }
}
