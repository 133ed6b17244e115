package md.engine;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/** Locates ../shared/data (real reference data beside the repository); tests skip when it is absent. */
public final class SharedData {
    private SharedData() {}

    public static Path root() {
        String prop = System.getProperty("md.shared.data");
        Path p = prop != null ? Path.of(prop) : Path.of("../shared/data");
        if (!Files.isDirectory(p)) p = Path.of("../../shared/data");
        return p.toAbsolutePath().normalize();
    }

    /** The file below shared/data, or a skipped test when it is not there. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(p), "shared data not available: " + p);
        return p;
    }
}
