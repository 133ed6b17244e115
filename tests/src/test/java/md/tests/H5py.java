package md.tests;

import md.core.PythonWorker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
                if (PythonWorker.imports(p, "h5py, numpy")) { python = p; break; }
            }
        }
        return python != null;
    }

    record Result(int exitCode, String output) {}

    /** Runs a script from the test resources (tests/src/test/resources/h5md/NAME) with arguments. */
    static Result script(String name, String... args) throws IOException, InterruptedException {
        Path script = Path.of("src/test/resources/h5md", name).toAbsolutePath();
        if (!Files.isRegularFile(script)) throw new IOException("missing test script " + script);
        List<String> argv = new ArrayList<>(List.of(script.toString()));
        argv.addAll(List.of(args));
        return run(argv);
    }

    /** Runs inline Python code with arguments (sys.argv[1:]). */
    static Result code(String code, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("-c", code));
        argv.addAll(List.of(args));
        return run(argv);
    }

    /** Runs {@code python ARGV} in the interpreter that stays up ({@link PythonWorker}); stdout, then stderr. */
    private static Result run(List<String> argv) throws IOException {
        PythonWorker.Result r = PythonWorker.run(python, argv, 120);
        return new Result(r.exitCode(), (r.stdout() + r.stderr()).strip());
    }
}
