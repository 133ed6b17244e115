package md.engine.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code output} section. An interval of 0 switches that output off.
 *
 * @param trajectoryFormats any of "extxyz", "h5"
 * @param h5SegmentFrames   frames per HDF5 segment file
 * @param extxyzVelocities  the extxyz velocity column: "momenta" (ASE's, amu·Å per ASE time unit; the
 *                          default, so ASE's temperature is right) or "velocities" (Å/fs)
 * @param wrapTrajectory    positions folded into a periodic cell in the trajectory files, with the
 *                          image counts that restore the unwrapped ones (default true); false writes
 *                          the unwrapped positions the engine integrates
 * @param pressureTensor    {@code output.pressure_tensor: true}: the pressure tensor (bar, kinetic plus virial,
 *                          LAMMPS' sign) as thermo.csv columns pxx_bar … pxy_bar and the H5MD observable
 *                          pressure_tensor; needs a fully periodic cell and a force field with a virial
 */
public record OutputConfig(Path directory, long trajectoryEvery, List<String> trajectoryFormats, int h5SegmentFrames,
                           String extxyzVelocities, boolean wrapTrajectory, long thermoEvery, long checkpointEvery,
                           long progressEverySeconds, boolean pressureTensor) {

    public static final List<String> FORMATS = List.of("extxyz", "h5");

    /** Values of {@code output.trajectory.extxyz_velocities}, the default first. */
    public static final List<String> EXTXYZ_VELOCITIES = List.of("momenta", "velocities");
}
