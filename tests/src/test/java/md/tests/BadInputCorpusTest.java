package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import md.core.io.NpyArray;
import md.core.io.NpyWriter;
import md.core.io.Npz;
import md.engine.cli.Main;

/**
 * The bad-input corpus (issue 14): one folder per case under {@code src/test/resources/bad-inputs/},
 * holding the input files and a {@code case.yaml} with the command line, the expected exit code and the
 * fragments the message must contain. Each case runs in-process in a temporary copy of its folder; the
 * message must hold every fragment and no stack trace. How to add a case: the README.md of that folder.
 */
// swaps System.out/err (to read what a command printed): not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_OUT)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_ERR)
class BadInputCorpusTest {
    @TempDir Path tmp;

    static Path corpus() {
        return Cli.repo().resolve("tests/src/test/resources/bad-inputs");
    }

    /** Where the reference data sets live (cases that need one are skipped when it is absent). */
    static Path shared() {
        String p = System.getProperty("md.shared.data");
        return (p != null ? Path.of(p) : Cli.repo().resolve("shared/data")).toAbsolutePath().normalize();
    }

    @TestFactory
    Stream<DynamicTest> corpusCases() throws IOException {
        List<Path> cases;
        try (Stream<Path> s = Files.list(corpus())) {
            cases = s.filter(p -> Files.isRegularFile(p.resolve("case.yaml"))).sorted().toList();
        }
        assertTrue(cases.size() >= 40, "the corpus has only " + cases.size() + " cases");
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.getFileName().toString(), c.resolve("case.yaml").toUri(), () -> runCase(c)));
    }

    @SuppressWarnings("unchecked")
    private void runCase(Path source) throws IOException {
        Map<String, Object> spec = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(source.resolve("case.yaml")));
        if (Boolean.TRUE.equals(spec.get("needs_shared_data")))
            assumeTrue(Files.isDirectory(shared()), "reference data not available: " + shared());
        Path dir = Files.createDirectories(tmp.resolve(source.getFileName().toString()));
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("${case}", dir.toString());
        vars.put("${inputs}", Cli.inputs().toString());
        vars.put("${shared}", shared().toString());
        copy(source, dir, vars);

        for (Object step : (List<Object>) spec.getOrDefault("setup", List.of())) setup((Map<String, Object>) step, dir, vars);

        Cli.Result r = md(strings(spec.get("command"), vars));
        String err = r.err();
        if (Boolean.getBoolean("md.test.print")) System.out.println(source.getFileName() + ": exit " + r.exitCode() + ": " + err.strip());
        assertEquals(((Number) spec.get("exit")).intValue(), r.exitCode(), "exit code; stderr: " + err);
        assertFalse(err.contains("\tat ") || err.contains("Exception in thread") || err.contains("internal error"), "a stack trace: " + err);
        if (r.exitCode() != 0) assertTrue(err.startsWith("md"), "the message starts with the command: " + err);
        String message = r.message();
        // output: fragments of standard output, for cases that succeed with a report (e.g. md analyze of a diverged run)
        String stdout = lastStdout.replaceAll("\\s+", " ");
        for (String fragment : strings(spec.getOrDefault("output", List.of()), vars))
            assertTrue(stdout.contains(fragment.replaceAll("\\s+", " ")), "'" + fragment + "' missing from standard output: " + stdout);
        for (String fragment : strings(spec.getOrDefault("message", List.of()), vars))
            assertTrue(message.contains(fragment.replaceAll("\\s+", " ")), "'" + fragment + "' missing from: " + message);
        for (String fragment : strings(spec.getOrDefault("not_in_message", List.of()), vars))
            assertFalse(message.contains(fragment), "'" + fragment + "' in: " + message);
    }

    /** Standard output of the last {@link #md} call (the cases run one after another). */
    private static String lastStdout = "";

    /** Runs md in-process; stderr kept in the result, standard output (progress, reports) in {@link #lastStdout}. */
    private static Cli.Result md(String[] args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            return Cli.run(args);
        } finally {
            System.setOut(old);
            lastStdout = out.toString(StandardCharsets.UTF_8);
        }
    }

    /** What must happen before the command: an earlier md command, a folder, a damaged file. */
    @SuppressWarnings("unchecked")
    private static void setup(Map<String, Object> step, Path dir, Map<String, String> vars) throws IOException {
        if (step.containsKey("md")) {
            Cli.Result r = md(strings(step.get("md"), vars));
            assertEquals(0, r.exitCode(), "setup md command failed: " + r.err());
        } else if (step.containsKey("mkdir")) {
            Files.createDirectories(dir.resolve((String) step.get("mkdir")));
        } else if (step.containsKey("replace")) {
            // {replace: FILE, from: TEXT, to: TEXT}: edit an input between two commands (e.g. more steps for --resume)
            Path f = dir.resolve((String) step.get("replace"));
            String text = Files.readString(f), from = (String) step.get("from");
            assertTrue(text.contains(from), f + " has no '" + from + "'");
            Files.writeString(f, text.replace(from, (String) step.get("to")));
        } else if (step.containsKey("flip")) {
            flipBit(dir.resolve((String) step.get("flip")));
        } else if (step.containsKey("nan")) {
            // {nan: OUT.npz, from: IN.npz, key: ARRAY}: a copy of IN with the first value of ARRAY set to NaN
            Map<String, Object> nan = step;
            Map<String, NpyArray> arrays = new LinkedHashMap<>(Npz.read(Path.of(subst((String) nan.get("from"), vars))));
            NpyArray a = arrays.get((String) nan.get("key"));
            assertTrue(a != null, "no array " + nan.get("key"));
            a.data()[0] = Double.NaN;
            NpyWriter.writeNpz(dir.resolve((String) nan.get("nan")), arrays);
        } else {
            throw new AssertionError("unknown setup step " + step);
        }
    }

    /**
     * Flips one bit as a disk or copy error would: in a zip archive (.npz, model files) in the middle of
     * the stored data of its largest entry, so that the archive's structure stays readable and only the
     * integrity check can notice; in any other file in its middle byte.
     */
    static void flipBit(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int at = b.length / 2;
        if (b.length > 22 && bb.getInt(0) == 0x04034b50) {
            int eocd = b.length - 22;
            while (eocd > 0 && bb.getInt(eocd) != 0x06054b50) eocd--;
            int entries = bb.getShort(eocd + 10) & 0xffff, p = bb.getInt(eocd + 16);
            long largest = -1;
            for (int k = 0; k < entries; k++) {
                long compressed = bb.getInt(p + 20) & 0xffffffffL;
                int nameLen = bb.getShort(p + 28) & 0xffff, extraLen = bb.getShort(p + 30) & 0xffff, commentLen = bb.getShort(p + 32) & 0xffff;
                int local = bb.getInt(p + 42);
                if (compressed > largest) {
                    largest = compressed;
                    int data = local + 30 + (bb.getShort(local + 26) & 0xffff) + (bb.getShort(local + 28) & 0xffff);
                    at = data + (int) (compressed / 2);
                }
                p += 46 + nameLen + extraLen + commentLen;
            }
        }
        b[at] ^= 0x04;
        Files.write(file, b);
    }

    /** Copies the case's files, filling the placeholders in those that are UTF-8 text (binary and non-UTF-8 inputs stay byte for byte). */
    private static void copy(Path from, Path to, Map<String, String> vars) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                    continue;
                }
                byte[] bytes = Files.readAllBytes(p);
                String text = utf8(bytes);
                if (text != null && text.contains("${")) Files.writeString(target, subst(text, vars));
                else Files.write(target, bytes);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String subst(String s, Map<String, String> vars) {
        for (Map.Entry<String, String> v : vars.entrySet()) s = s.replace(v.getKey(), v.getValue());
        return s;
    }

    private static String[] strings(Object list, Map<String, String> vars) {
        if (!(list instanceof List<?> l)) throw new AssertionError("expected a list, got " + list);
        return l.stream().map(o -> subst(String.valueOf(o), vars)).toArray(String[]::new);
    }
}
