package md.forcefields.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.NeighborList;
import md.forcefields.ml.families.NequipTapeReferenceParityTest;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.nequip.NequipReference;

/**
 * {@code precision: float32} on the device backends: the same kernels compiled with {@code real = float}.
 * On the NequIP reference fixture (nequip 0.6.2, float64) the float32 energies and forces agree with the
 * reference to float32 rounding: |dE| below 2e-7 of |E| (the per-atom energies carry the species shifts of
 * ~hundreds of eV) and forces to 1e-4 of the largest force; a float32 kernel launch really is float32 (the
 * results differ from float64 in the last digits). The java backend refuses float32 (device: java with float32
 * is the host executor's, NequipFloat32PlanTest); unknown precisions are named.
 */
@org.junit.jupiter.api.parallel.ResourceLock(DeviceBackends.LOCK)
class Float32DeviceTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"opencl", "cuda"})
    void nequipReferenceFixtureInFloat32(String device) throws IOException {
        KernelBackend b32 = DeviceBackends.require(device, Precision.FLOAT32), b64 = DeviceBackends.require(device, Precision.FLOAT64);
        assertEquals(Precision.FLOAT32, b32.precision());
        LearnedModel learned = NequipTapeReferenceParityTest.load();
        Map<String, NpyArray> frames = Npz.read(NequipReference.aspirin("frames.npz"));
        int[] z = frames.get("z").asInts();
        int n = z.length;
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = learned.architecture().typeOf(z[i]);
        double[] e = frames.get("E").data();
        double de = 0, df = 0, fMax = 0, eMax = 0, d3264 = 0;
        try (DeviceExecutor ex = new DeviceExecutor(learned, b32); DeviceExecutor ex64 = new DeviceExecutor(learned, b64)) {
            double[] forces = new double[3 * n], f64 = new double[3 * n];
            for (int fr = 0; fr < e.length; fr++) {
                double[] r = frames.get("R").slice(fr), fRef = frames.get("F").slice(fr);
                NeighborList nl = NeighborList.allPairs(n, 5.0);
                double energy = ex.compute(r, types, nl, forces, null, null);
                ex64.compute(r, types, nl, f64, null, null);
                de = Math.max(de, Math.abs(energy - e[fr]));
                eMax = Math.max(eMax, Math.abs(e[fr]));
                for (int i = 0; i < 3 * n; i++) {
                    df = Math.max(df, Math.abs(forces[i] - fRef[i]));
                    fMax = Math.max(fMax, Math.abs(fRef[i]));
                    d3264 = Math.max(d3264, Math.abs(forces[i] - f64[i]));
                }
            }
        }
        System.out.printf("%s float32, reference parity over %d frames: max|dE| %.2e eV (|E| %.1f, relative %.1e), max|dF| %.2e eV/A "
                + "(max|F| %.2f, relative %.1e)%n", device, e.length, de, eMax, de / eMax, df, fMax, df / fMax);
        assertTrue(d3264 > 0, "float32 kernels must differ from float64 in rounding");
        assertTrue(de <= 2e-7 * eMax, device + " float32 energy off by " + de);
        assertTrue(df <= 1e-4 * fMax, device + " float32 forces off by " + df);
    }

    @Test void javaBackendRefusesFloat32AndUnknownPrecisionsAreNamed() throws IOException {
        LearnedModel learned = NequipTapeReferenceParityTest.load();
        assertEquals(null, DeviceForceField.forDevice(learned, "java", Precision.FLOAT32), "device: java is the host executor in either precision");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.open("java", Precision.FLOAT32));
        assertTrue(e.getMessage().contains("the java backend's kernels are float64 only"), e.getMessage());
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class, () -> Precision.parse("float16"));
        assertTrue(u.getMessage().contains("expected one of " + List.of("float64", "float32")), u.getMessage());
    }
}
