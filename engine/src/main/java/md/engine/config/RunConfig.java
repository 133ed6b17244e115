package md.engine.config;

import java.nio.file.Path;

/**
 * A validated {@code md run} input. Relative paths inside it were resolved against the folder of the
 * YAML file. {@code velocities} is null when the section is absent.
 */
public record RunConfig(Path file, ConfigNode root, StructureConfig structure, ForceFieldConfig forcefield,
                        double skinAngstrom, DynamicsConfig dynamics, VelocitiesConfig velocities,
                        OutputConfig output, SafetyConfig safety, String device) {

    public static final java.util.List<String> DEVICES = java.util.List.of("auto", "java", "opencl", "cuda");
}
