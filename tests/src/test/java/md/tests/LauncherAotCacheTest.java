package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ./md launcher's JIT warm-up cache (JDK 25 AOT cache): trained once per jar and JDK, used by every later
 * start, retrained after a rebuild, absent for older JDKs or with MD_AOT_CACHE=off, and never in the way of the
 * command when training fails. Checked with a copy of the launcher in a stand-in repository (a jar that is not
 * rebuilt) and a stand-in JDK whose java logs its arguments and writes the file -XX:AOTCacheOutput names; then
 * with the real JDK, that the flags the launcher adds keep a damaged cache silent.
 */
class LauncherAotCacheTest {
    @TempDir Path dir;
    private Path repo, log;

    @BeforeEach
    void standInRepository() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")), "no bash");
        repo = Files.createDirectories(dir.resolve("repo"));
        Files.createDirectories(repo.resolve("scripts"));
        for (String f : List.of("md", "scripts/java-env.sh", "scripts/aot-training.yaml"))
            Files.copy(Cli.repo().resolve(f), repo.resolve(f));
        executable(repo.resolve("md"));
        Files.writeString(Files.createDirectories(repo.resolve("engine/target")).resolve("md.jar"), "jar, build 1");
        log = dir.resolve("java.log");
    }

    private static void executable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A JDK whose java answers the version query, logs every other call's arguments and plays the AOT training. */
    private Path fakeJdk(String specificationVersion) throws IOException {
        Path home = dir.resolve("jdk-" + specificationVersion);
        Files.createDirectories(home.resolve("lib"));
        Files.writeString(home.resolve("lib/modules"), "modules");
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, """
                #!/bin/sh
                for a in "$@"; do
                  if [ "$a" = -XshowSettings:properties ]; then
                    echo 'Property settings:' >&2; echo '    java.specification.version = %s' >&2; exit 0
                  fi
                done
                echo "$*" >> "$FAKE_JAVA_LOG"
                for a in "$@"; do
                  case "$a" in -XX:AOTCacheOutput=*)
                    [ -n "$FAKE_TRAINING_FAILS" ] && { echo 'training failed' >&2; exit 1; }
                    echo cache > "${a#-XX:AOTCacheOutput=}";;
                  esac
                done
                echo "md ran: $*"
                """.formatted(specificationVersion));
        executable(java);
        return home;
    }

    record Launch(int exitCode, String output, List<String> javaCalls) {
        List<String> trainings() { return javaCalls.stream().filter(c -> c.contains("-XX:AOTCacheOutput=")).toList(); }
        String command() { return javaCalls.get(javaCalls.size() - 1); }
    }

    private Launch md(Path jdk, Map<String, String> env) throws Exception {
        Files.deleteIfExists(log);
        ProcessBuilder pb = new ProcessBuilder("bash", repo.resolve("md").toString(), "eval", "x.xyz").redirectErrorStream(true);
        pb.environment().put("MD_JAVA_HOME", jdk.toString());
        pb.environment().put("FAKE_JAVA_LOG", log.toString());
        pb.environment().remove("MD_AOT_CACHE");
        pb.environment().remove("MD_JAVA_OPTS");
        pb.environment().putAll(env);
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        List<String> calls = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return new Launch(p.exitValue(), out, calls);
    }

    private List<Path> caches() throws IOException {
        try (Stream<Path> s = Files.list(repo.resolve("engine/target"))) {
            return s.filter(f -> f.getFileName().toString().matches("md\\.jar\\..*\\.aot")).toList();
        }
    }

    private static String cacheFlag(String call) {
        for (String a : call.split(" ")) if (a.startsWith("-XX:AOTCache=")) return a.substring("-XX:AOTCache=".length());
        return null;
    }

    @Test
    void trainedOnceThenUsedAndRetrainedAfterARebuild() throws Exception {
        Path jdk = fakeJdk("25");
        Launch first = md(jdk, Map.of());
        assertEquals(0, first.exitCode(), first.output());
        assertEquals(1, first.trainings().size(), first.javaCalls().toString());
        String training = first.trainings().get(0);
        assertTrue(training.contains(" run --quiet --overwrite --output ") && training.endsWith("scripts/aot-training.yaml"), training);
        assertTrue(first.output().contains("training the JIT warm-up cache"), first.output());
        assertTrue(first.command().endsWith("-jar " + repo.resolve("engine/target/md.jar") + " eval x.xyz"), first.command());
        String cache = cacheFlag(first.command());
        assertEquals(List.of(Path.of(cache)), caches());
        assertTrue(first.command().contains("-Xlog:aot*=off -Xlog:cds*=off"), "the JVM's cache messages go to stdout: " + first.command());
        assertTrue(first.output().contains("md ran: "), first.output());

        Launch second = md(jdk, Map.of());
        assertEquals(List.of(), second.trainings());
        assertEquals(1, second.javaCalls().size());
        assertEquals(cache, cacheFlag(second.command()));
        assertFalse(second.output().contains("training"), second.output());

        // a rebuilt jar (new content and time) gets a cache of its own; the old one is removed
        Path jar = repo.resolve("engine/target/md.jar");
        Files.writeString(jar, "jar, build 2 (longer)");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        Launch rebuilt = md(jdk, Map.of());
        assertEquals(1, rebuilt.trainings().size());
        String newCache = cacheFlag(rebuilt.command());
        assertFalse(cache.equals(newCache));
        assertEquals(List.of(Path.of(newCache)), caches());
    }

    @Test
    void noCacheForJdksBefore25OrWhenTurnedOff() throws Exception {
        for (String v : new String[] {"21", "24"}) {
            Launch l = md(fakeJdk(v), Map.of());
            assertEquals(0, l.exitCode(), l.output());
            assertEquals(List.of(), l.trainings(), "JDK " + v);
            assertFalse(l.command().contains("AOT") || l.command().contains("-Xlog"), "JDK " + v + ": " + l.command());
        }
        Launch off = md(fakeJdk("25"), Map.of("MD_AOT_CACHE", "off"));
        assertEquals(List.of(), off.trainings());
        assertFalse(off.command().contains("AOT"), off.command());
        assertEquals(List.of(), caches());
    }

    @Test
    void aFailedTrainingNeitherStopsTheCommandNorRepeats() throws Exception {
        Path jdk = fakeJdk("25");
        Launch failed = md(jdk, Map.of("FAKE_TRAINING_FAILS", "1"));
        assertEquals(0, failed.exitCode(), failed.output());
        assertEquals(1, failed.trainings().size());
        assertTrue(failed.output().contains("could not train the JIT warm-up cache") && failed.output().contains("md-aot-training.log"), failed.output());
        assertTrue(failed.output().contains("md ran: "), failed.output());
        assertFalse(failed.command().contains("AOTCache"), failed.command());
        assertEquals(List.of(), caches());
        Launch again = md(jdk, Map.of("FAKE_TRAINING_FAILS", "1"));
        assertEquals(List.of(), again.trainings(), "a failed training is not repeated for the same jar");
        assertFalse(again.output().contains("could not train"), again.output());
    }

    @Test
    void aReadOnlyTargetFolderSkipsTraining() throws Exception {
        Path target = repo.resolve("engine/target");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(Files.isWritable(target), "running as root: every folder is writable");
            Launch l = md(fakeJdk("25"), Map.of());
            assertEquals(0, l.exitCode(), l.output());
            assertEquals(List.of(), l.trainings());
            assertFalse(l.command().contains("AOTCache"), l.command());
        } finally {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** The real JDK (the one running the tests) with a damaged cache and the launcher's flags: no message, exit 0. */
    @Test
    void aDamagedCacheIsIgnoredSilentlyByTheRealJdk() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() >= 25, "JDK " + Runtime.version().feature() + " has no AOT cache");
        Path garbage = Files.writeString(dir.resolve("damaged.aot"), "not an AOT cache");
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        for (Path cache : new Path[] {garbage, dir.resolve("missing.aot")}) {
            Process p = new ProcessBuilder(javaBin.toString(), "-XX:AOTCache=" + cache, "-Xlog:aot*=off", "-Xlog:cds*=off", "-version")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertFalse(out.toLowerCase(java.util.Locale.ROOT).contains("aot") || out.contains("error"), out);
            assertTrue(out.contains("version"), out);
        }
    }
}
