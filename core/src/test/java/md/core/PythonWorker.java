package md.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One long-lived Python interpreter per executable that runs the tests' check scripts one after another, as
 * {@code python SCRIPT ARGS} or {@code python -c CODE ARGS} would: fresh {@code __main__} globals, {@code sys.argv},
 * the script's folder first on {@code sys.path}, its stdout and stderr captured, {@code sys.exit(n)} as the exit code
 * and an uncaught exception as exit 1 with its traceback on stderr. Started once, the interpreter has NumPy, h5py and
 * ASE (and torch) imported after the first script that needs them: a fresh {@code python3} that imports h5py or ASE
 * costs ~0.35 s of CPU, and the suite started ~40 of them. The interpreter ends when the test JVM does (end of its input).
 */
public final class PythonWorker {
    private static final Map<String, PythonWorker> WORKERS = new HashMap<>();
    private static final ExecutorService READER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "python-worker-reader");
        t.setDaemon(true);
        return t;
    });

    /** Serves requests: one JSON line (argv) in; "EXIT STDOUT_BYTES STDERR_BYTES" and the bytes out, on the original stdout. */
    private static final String SERVER = """
            import sys, os, io, gc, json, runpy, traceback, contextlib
            reply = os.fdopen(os.dup(1), 'wb')
            os.dup2(2, 1)  # what C code writes to fd 1 goes to stderr, not into the replies
            while True:
                line = sys.stdin.buffer.readline()
                if not line:
                    break
                argv = json.loads(line)
                out, err, code = io.StringIO(), io.StringIO(), 0
                saved_argv, saved_path0 = sys.argv, sys.path[0]
                try:
                    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                        try:
                            if argv[0] == '-c':
                                sys.argv, sys.path[0] = ['-c'] + argv[2:], ''
                                exec(compile(argv[1], '<string>', 'exec'), {'__name__': '__main__', '__builtins__': __builtins__})
                            else:
                                sys.argv, sys.path[0] = list(argv), os.path.dirname(os.path.abspath(argv[0]))
                                runpy.run_path(argv[0], run_name='__main__')
                        except SystemExit as e:
                            if e.code is None:
                                code = 0
                            elif isinstance(e.code, int):
                                code = e.code
                            else:
                                print(e.code, file=sys.stderr)
                                code = 1
                        except BaseException:
                            traceback.print_exc()
                            code = 1
                finally:
                    sys.argv, sys.path[0] = saved_argv, saved_path0
                    gc.collect()  # closes the files a script left open (h5py)
                o, e = out.getvalue().encode(), err.getvalue().encode()
                reply.write(b'%d %d %d\\n' % (code, len(o), len(e)))
                reply.write(o)
                reply.write(e)
                reply.flush()
            """;

    /** What a script printed and its exit code. */
    public record Result(int exitCode, String stdout, String stderr) {
        /** stdout, then stderr (as one stream, the order between them lost). */
        public String output() { return stdout + stderr; }
    }

    private final String python;
    private final Process process;
    private final OutputStream requests;
    private final InputStream replies;

    private PythonWorker(String python) throws IOException {
        this.python = python;
        process = new ProcessBuilder(python, "-u", "-c", SERVER).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        requests = process.getOutputStream();
        replies = process.getInputStream();
    }

    /** Runs {@code argv} ({@code SCRIPT ARGS...} or {@code -c CODE ARGS...}) in the interpreter {@code python}. */
    public static Result run(String python, List<String> argv, int timeoutSeconds) throws IOException {
        PythonWorker w;
        synchronized (WORKERS) {
            w = WORKERS.get(python);
            if (w == null || !w.process.isAlive()) WORKERS.put(python, w = new PythonWorker(python));
        }
        return w.request(argv, timeoutSeconds);
    }

    /** Whether {@code python} (a path or a name on PATH) runs and imports {@code modules} ("numpy, h5py"). */
    public static boolean imports(String python, String modules) {
        try {
            return run(python, List.of("-c", "import " + modules), 120).exitCode() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private synchronized Result request(List<String> argv, int timeoutSeconds) throws IOException {
        requests.write(md.core.io.Json.write(argv).getBytes(StandardCharsets.UTF_8)); // one line, newline-terminated
        requests.flush();
        Future<Result> reply = READER.submit(this::readReply);
        try {
            return reply.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new IOException(python + " did not finish " + argv.get(0) + " within " + timeoutSeconds + " s");
        } catch (ExecutionException e) {
            process.destroyForcibly();
            throw new IOException(python + " worker failed on " + argv.get(0) + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException(e);
        }
    }

    private Result readReply() throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        for (int b; (b = replies.read()) != '\n'; ) {
            if (b < 0) throw new IOException("the Python worker ended");
            header.write(b);
        }
        String[] h = header.toString(StandardCharsets.US_ASCII).strip().split(" ");
        int outBytes = Integer.parseInt(h[1]), errBytes = Integer.parseInt(h[2]);
        byte[] out = replies.readNBytes(outBytes), err = replies.readNBytes(errBytes);
        if (out.length != outBytes || err.length != errBytes) throw new IOException("the Python worker ended in a reply");
        return new Result(Integer.parseInt(h[0]), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
