package md.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Python with h5py (and NumPy) for independent checks of HDF5 files: /usr/bin/python3 first (the
 * system Python carries h5py on these machines; the python3 on PATH may be a shim without it), then
 * python3 on PATH. Tests call {@link #available()} in an assumption and skip without one.
 */
final class H5py {
    private H5py() {}

    private static String python;
    private static boolean probed;

    static synchronized boolean available() {
        if (!probed) {
            probed = true;
            for (String p : List.of("/usr/bin/python3", "python3")) {
                try {
                    Process pr = new ProcessBuilder(p, "-c", "import h5py, numpy").redirectErrorStream(true).start();
                    pr.getInputStream().readAllBytes();
                    if (pr.waitFor(60, TimeUnit.SECONDS) && pr.exitValue() == 0) { python = p; break; }
                } catch (IOException | InterruptedException e) {
                    // not this one
                }
            }
        }
        return python != null;
    }

    record Result(int exitCode, String output) {}

    /** Runs a script from the test resources (tests/src/test/resources/h5md/NAME) with arguments. */
    static Result script(String name, String... args) throws IOException, InterruptedException {
        Path script = Path.of("src/test/resources/h5md", name).toAbsolutePath();
        if (!Files.isRegularFile(script)) throw new IOException("missing test script " + script);
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** Runs inline Python code with arguments (sys.argv[1:]). */
    static Result code(String code, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python, "-c", code));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private static Result run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) { p.destroyForcibly(); throw new IOException("python timed out: " + cmd); }
        return new Result(p.exitValue(), out.strip());
    }
}
