package md.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The run's top-level {@code device} reaches force fields that have accelerator backends. */
// opens OpenCL (PoCL) force fields: not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock("md.device-backends")
class ForceFieldDeviceTest {
    private static ForceFieldConfig section(String yaml) {
        return ForceFieldConfig.from(ConfigNode.parse(Path.of("in.yaml"), yaml).get("forcefield"));
    }

    @Test void nequipReceivesTheRunsDevice() {
        ForceFieldConfig ff = section("forcefield: {type: nequip, model: m.nqp}\n");
        assertEquals(Set.of("auto", "java", "opencl", "cuda"), ff.devices());
        assertEquals("opencl", ff.withDevice("opencl").spec().params().get("device"));
    }

    @Test void sectionDeviceTakesPrecedence() {
        ForceFieldConfig ff = section("forcefield: {type: nequip, model: m.nqp, device: java}\n");
        assertEquals("java", ff.withDevice("cuda").spec().params().get("device"));
    }

    @Test void classicalForceFieldsRunOnJavaOnly() {
        ForceFieldConfig ff = section("forcefield: {type: lennard-jones, species: {Ar: {epsilon: 0.01, sigma: 3.4}}}\n");
        assertEquals(Set.of("java"), ff.devices());
        assertFalse(ff.spec().has("device"));
    }
}
