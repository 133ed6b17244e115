package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MD with the shipped, trained Equivariant Transformer ({@code inputs/models/ethanol-et.etm}, trained by
 * {@code md train} on rMD17 ethanol; inputs/models/README.md): NVE from 500 K conserves energy (Velocity
 * Verlet's fluctuation ∝ dt², no drift beyond it); repeatability on 1 and 2 threads: TrainedEtRepeatabilityTest.
 */
class TrainedEtMdTest {
    @TempDir Path dir;

    static final String MODEL = "models/ethanol-et.etm";

    private Thermo nve(double dtFs, double durationFs, String name) throws IOException {
        return Thermo.nve(dir, "{type: learned, model: " + Cli.inputs().resolve(MODEL) + "}", Cli.inputs().resolve("structures/ethanol-rmd17.extxyz"),
                "{temperature_K: 500, seed: 3, remove_com: true, remove_rotation: true}", dtFs, durationFs, name);
    }

    @Test
    void nveFromFiveHundredKelvinIsSecondOrderWithoutDrift() throws IOException {
        double[] coarse = NequipEnergyConservationTest.fluctuationAndDrift(nve(0.5, 250, "nve-0.5"));
        double[] fine = NequipEnergyConservationTest.fluctuationAndDrift(nve(0.25, 250, "nve-0.25"));
        double ratio = coarse[0] / fine[0];
        System.out.printf(Locale.ROOT, "NVE ethanol, trained ET, 500 K, 0.25 ps: sigma(Etot) = %.3g / %.3g eV at 0.5 / 0.25 fs (ratio %.2f), drift %.2g / %.2g eV%n",
                coarse[0], fine[0], ratio, coarse[1], fine[1]);
        assertTrue(ratio > 3.2 && ratio < 5.0, "halving dt should shrink the fluctuation ≈ 4×, got " + ratio);
        assertTrue(Math.abs(coarse[1]) < coarse[0], "drift " + coarse[1] + " eV beyond the fluctuation " + coarse[0] + " eV at 0.5 fs");
        assertTrue(Math.abs(fine[1]) < fine[0], "drift " + fine[1] + " eV beyond the fluctuation " + fine[0] + " eV at 0.25 fs");
    }
}
