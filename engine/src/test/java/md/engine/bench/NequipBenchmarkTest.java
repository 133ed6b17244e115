package md.engine.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.engine.cli.UserError;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ml.model.DatasetStatistics;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamilies;
import md.forcefields.ml.model.ModelFile;

/** {@code md bench nequip --model FILE}: a user's model timed on 1 and 2 threads; ratios only against the same run. */
// swaps System.out/err (to read what a command printed): not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_OUT)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_ERR)
class NequipBenchmarkTest {
    @TempDir Path dir;

    private static Path sharedData() {
        String prop = System.getProperty("md.shared.data");
        Path data = prop != null ? Path.of(prop) : Path.of("../shared/data");
        Assumptions.assumeTrue(Files.isRegularFile(data.resolve("rmd17/rmd17_aspirin_test_01.npz")), "no rMD17 aspirin in " + data);
        return data;
    }

    /** A small random-weight model of {@code family} for species {@code z}, written to a model file. */
    private Path model(String family, Map<String, Object> options, int... z) throws Exception {
        double[] shifts = new double[z.length];
        LearnedModel m = ModelFamilies.find(family).training().initial(new ForceFieldSpec(family, options, null),
                new DatasetStatistics(z, 10.0, shifts, 1.0), 1);
        Path f = dir.resolve(family + "-" + z.length + ".model");
        ModelFile.write(f, m, "NequipBenchmarkTest");
        return f;
    }

    private static String run(String... args) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            assertEquals(0, NequipBenchmark.run(args));
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void timesAModelFileOnOneAndTwoThreads() throws Exception {
        Path data = sharedData();
        Path file = model("nequip", Map.of("l_max", 1, "num_features", 8, "num_layers", 1, "r_max", 4.0), 1, 6, 8);
        String out = run("--model", file.toString(), "--data", data.toString(), "--seconds", "0.05");
        Pattern row = Pattern.compile("(?m)^" + Pattern.quote(file.getFileName().toString()) + " \\(nequip, [0-9,]+ parameters\\)\\s*\\| plan \\(model layer\\), (\\d) threads? .*?"
                + "([0-9.]+) ms wall, +([0-9.]+) ms CPU .*vs 1 thread: wall ratio +([0-9.]+)");
        Matcher m = row.matcher(out);
        List<String> threads = new java.util.ArrayList<>();
        while (m.find()) {
            threads.add(m.group(1));
            assertTrue(Double.parseDouble(m.group(2)) > 0 && Double.parseDouble(m.group(3)) >= 0, m.group());
            if (m.group(1).equals("1")) assertEquals("1.000", m.group(4), "the 1-thread row is its own reference");
        }
        assertEquals(List.of("1", "2"), threads, out);
        // only the built-in random-weight models are timed without --model
        assertFalse(out.contains("l_max=3, 32 features"), out);
        // no speed-up against numbers that were not measured in this run
        assertFalse(out.toLowerCase(java.util.Locale.ROOT).contains("faster") || out.contains("reference"), out);
    }

    @Test
    void badOptionsAndModelsAreNamed() throws Exception {
        UserError unknown = assertThrows(UserError.class, () -> NequipBenchmark.run(new String[] {"--modle", "x"}));
        assertTrue(unknown.getMessage().contains("'--modle'") && unknown.getMessage().contains("--model"), unknown.getMessage());
        UserError seconds = assertThrows(UserError.class, () -> NequipBenchmark.run(new String[] {"--seconds", "three"}));
        assertTrue(seconds.getMessage().contains("--seconds") && seconds.getMessage().contains("'three'"), seconds.getMessage());
        UserError noValue = assertThrows(UserError.class, () -> NequipBenchmark.run(new String[] {"--model"}));
        assertTrue(noValue.getMessage().contains("--model needs a value"), noValue.getMessage());

        Path data = sharedData();
        Path missing = dir.resolve("none.model");
        UserError absent = assertThrows(UserError.class, () -> NequipBenchmark.run(new String[] {"--model", missing.toString(), "--data", data.toString()}));
        assertTrue(absent.getMessage().contains(missing.toString()), absent.getMessage());
        Path hydrogenOnly = model("nequip", Map.of("l_max", 0, "num_features", 4, "num_layers", 1, "r_max", 4.0), 1);
        UserError species = assertThrows(UserError.class, () -> NequipBenchmark.run(new String[] {"--model", hydrogenOnly.toString(), "--data", data.toString()}));
        assertTrue(species.getMessage().contains("Z=6") && species.getMessage().contains(hydrogenOnly.toString()), species.getMessage());
    }
}
