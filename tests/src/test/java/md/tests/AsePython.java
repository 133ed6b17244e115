package md.tests;

import md.core.PythonWorker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

/**
 * A Python interpreter with ASE, for checks against ASE itself: Debian's /usr/bin/python3 (python3-ase)
 * first, then the python3 on PATH (a pyenv shim there may lack ASE). Tests skip when none has it.
 */
final class AsePython {
    private AsePython() {}

    private static String found;
    private static boolean searched;

    /** The interpreter, or a skipped test (JUnit assumption) when no Python with ASE is installed. */
    static synchronized String require() {
        if (!searched) {
            searched = true;
            for (String candidate : List.of("/usr/bin/python3", "python3")) {
                if (candidate.startsWith("/") && !Files.isExecutable(Path.of(candidate))) continue;
                if (PythonWorker.imports(candidate, "ase.io")) { found = candidate; break; }
            }
        }
        Assumptions.assumeTrue(found != null, "no Python with ASE (install python3-ase)");
        return found;
    }

    /** Runs {@code script} (Python source, written to {@code dir}) with the arguments; fails on a non-zero exit. */
    static String runScript(Path dir, String script, String... args) throws IOException {
        Path file = dir.resolve("ase-check.py");
        Files.writeString(file, script);
        List<String> a = new ArrayList<>(List.of(file.toString()));
        a.addAll(List.of(args));
        PythonWorker.Result out = PythonWorker.run(require(), a, 120);
        if (out.exitCode() != 0) throw new AssertionError("python with ASE failed (exit " + out.exitCode() + "):\n" + out.stderr());
        return out.stdout();
    }
}
