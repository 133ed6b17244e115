package md.engine.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code output} section. An interval of 0 switches that output off.
 *
 * @param trajectoryFormats any of "extxyz", "h5"
 * @param h5SegmentFrames   frames per HDF5 segment file
 */
public record OutputConfig(Path directory, long trajectoryEvery, List<String> trajectoryFormats, int h5SegmentFrames,
                           long thermoEvery, long checkpointEvery, long progressEverySeconds) {

    public static final List<String> FORMATS = List.of("extxyz", "h5");
}
