package md.forcefields.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import md.core.SharedData;
import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.NeighborList;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamilies;
import md.forcefields.ml.model.ModelFamily;

/**
 * The three newer families on the accelerator executor with no family-specific code: each reference
 * fixture (imported through its family's {@code md import} importer) runs through {@link DeviceExecutor}
 * on java and OpenCL (PoCL here; every ET op has an OpenCL kernel, GeomAtt's and the SE(3)-Transformer's
 * newer ops run on the host fallback) and gives the host
 * plan's energies and forces on all 12 frames to 1e-12 relative; the host plan itself matches each
 * fixture to round-off (each family's parity tests).
 */
@org.junit.jupiter.api.parallel.ResourceLock(DeviceBackends.LOCK)
class FamiliesOnDeviceTest {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String device : List.of("java", "opencl"))
            for (String[] f : new String[][] {{"torchmdnet", "torchmdnet-reference/ethanol-et"}, {"geomatt", "geomatt-reference/ethanol-k234"},
                                              {"se3t", "se3t-reference/ethanol-basic"}})
                out.add(Arguments.of(device, f[0], f[1]));
        return out.stream();
    }

    @SuppressWarnings("unchecked")
    static LearnedModel importFixture(String kind, Path dir) throws IOException {
        Map<String, Object> config;
        try (Reader r = Files.newBufferedReader(dir.resolve("config.yaml"))) {
            config = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        }
        ModelFamily f = ModelFamilies.find(kind);
        if (f == null || f.importer() == null) throw new AssertionError("no importer of kind " + kind);
        return f.importer().fromReference(config, Npz.read(dir.resolve("weights.npz")));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void fixtureOnTheDeviceExecutorIsTheHostPlan(String device, String kind, String fixture) throws IOException {
        KernelBackend backend = DeviceBackends.require(device);
        Path dir = SharedData.require(fixture + "/weights.npz").getParent();
        LearnedModel m = importFixture(kind, dir);
        Map<String, NpyArray> frames = Npz.read(dir.resolve("frames.npz"));
        int[] z = frames.get("z").asInts();
        int n = z.length, count = frames.get("R").shape()[0];
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = m.architecture().typeOf(z[i]);
        double dE = 0, dF = 0, eMax = 0, fMax = 0;
        List<String> hostOps;
        try (PlanExecutor host = new PlanExecutor(m); DeviceExecutor dev = new DeviceExecutor(m, backend)) {
            hostOps = dev.hostOps();
            double[] fh = new double[3 * n], fd = new double[3 * n];
            for (int k = 0; k < count; k++) {
                double[] x = frames.get("R").slice(k);
                NeighborList nl = NeighborList.allPairs(n, m.architecture().cutoff());
                double eh = host.compute(x, t, nl, fh, null, null), ed = dev.compute(x, t, nl, fd, null, null);
                dE = Math.max(dE, Math.abs(ed - eh));
                eMax = Math.max(eMax, Math.abs(eh));
                for (int i = 0; i < 3 * n; i++) { dF = Math.max(dF, Math.abs(fd[i] - fh[i])); fMax = Math.max(fMax, Math.abs(fh[i])); }
            }
        }
        System.out.printf("%-7s %-10s device executor vs host plan, %d frames: max|dE| %.1e eV (|E| %.1f), max|dF| %.1e eV/A (max|F| %.2f); on the host: %s%n",
                device, kind, count, dE, eMax, dF, fMax, hostOps);
        assertTrue(fMax > 1e-3, kind + ": forces should not vanish");
        if (kind.equals("torchmdnet")) assertTrue(hostOps.isEmpty(), "every op of the ET has a device kernel, but these ran on the host: " + hostOps);
        assertTrue(dE <= 1e-12 * Math.max(1, eMax), kind + " on " + device + ": energy differs by " + dE);
        assertTrue(dF <= 1e-12 * Math.max(1, fMax), kind + " on " + device + ": forces differ by " + dF);
    }
}
