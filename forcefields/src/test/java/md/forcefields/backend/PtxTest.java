package md.forcefields.backend;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed PTX of the CUDA backend: built from the current kernel sources (hash recorded by
 * scripts/build-ptx.sh), one entry per kernel, accepted by ptxas for sm_80 and sm_90, and reproduced
 * byte for byte by the build script when the same nvcc is here. The tool checks skip without CUDA tools.
 */
class PtxTest {

    static final List<String> FILES = List.of(KernelSources.ptxName(Precision.FLOAT64), KernelSources.ptxName(Precision.FLOAT32));

    static String ptx(String file) { return new String(KernelSources.bytes(file), StandardCharsets.UTF_8); }

    @Test void builtFromTheCurrentSources() {
        for (String file : FILES) {
            String first = ptx(file).lines().findFirst().orElse("");
            assertTrue(first.startsWith(KernelSources.PTX_HASH_TAG), file + " lacks its source hash line: " + first);
            assertEquals(KernelSources.sha256("prelude_cuda.h"), first.substring(KernelSources.PTX_HASH_TAG.length()).strip(),
                    file + " is stale: the kernel sources changed; run scripts/build-ptx.sh and commit the PTX");
        }
        assertTrue(ptx(FILES.get(1)).lines().skip(1).findFirst().orElse("").contains("-DMD_FLOAT32"), "the float32 PTX is built with -DMD_FLOAT32");
        assertTrue(ptx(FILES.get(1)).contains(".param .f32"), "float32 kernels take float parameters");
    }

    @Test void everyKernelHasAnEntry() {
        for (String file : FILES) everyKernelHasAnEntry(ptx(file));
    }

    private static void everyKernelHasAnEntry(String text) {
        Matcher m = Pattern.compile("__kernel\\s+void\\s+(\\w+)").matcher(KernelSources.program("prelude_opencl.h"));
        int n = 0;
        while (m.find()) {
            n++;
            assertTrue(text.contains(".entry " + m.group(1) + "("), "PTX has no entry for kernel " + m.group(1));
        }
        assertTrue(n >= 16, "kernels found in the sources: " + n);
    }

    static Path tool(String name) {
        List<Path> dirs = new ArrayList<>();
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) if (!d.isEmpty()) dirs.add(Path.of(d));
        dirs.add(Path.of("/usr/local/cuda/bin"));
        for (Path d : dirs) if (Files.isExecutable(d.resolve(name))) return d.resolve(name);
        return null;
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, p.exitValue(), cmd + " failed:\n" + out);
        return out;
    }

    @Test void ptxasAcceptsIt(@TempDir Path dir) throws Exception {
        Path ptxas = tool("ptxas");
        Assumptions.assumeTrue(ptxas != null, "ptxas not installed: PTX not assembled here");
        for (String name : FILES) {
            Path file = dir.resolve(name);
            Files.write(file, KernelSources.bytes(name));
            for (String arch : List.of("sm_80", "sm_90"))
                run(List.of(ptxas.toString(), "-arch=" + arch, file.toString(), "-o", dir.resolve(arch + ".cubin").toString()));
        }
    }

    @Test void buildScriptReproducesIt(@TempDir Path dir) throws Exception {
        Path nvcc = tool("nvcc");
        Assumptions.assumeTrue(nvcc != null, "nvcc not installed: PTX not rebuilt here");
        String committed = ptx(FILES.get(0));
        String version = run(List.of(nvcc.toString(), "--version")).strip().lines().reduce((a, b) -> b).orElse("");
        Assumptions.assumeTrue(committed.lines().skip(1).findFirst().orElse("").contains("(" + version + ")"),
                "nvcc here (" + version + ") differs from the one that built the committed PTX");
        Path root = Path.of(System.getProperty("md.repo.root", "."));
        run(List.of("bash", root.resolve("scripts/build-ptx.sh").toString(), dir.toString()));
        for (String name : FILES)
            assertEquals(ptx(name), Files.readString(dir.resolve(name)), "scripts/build-ptx.sh does not reproduce the committed " + name);
    }
}
