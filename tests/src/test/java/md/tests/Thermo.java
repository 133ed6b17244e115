package md.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** thermo.csv read back as columns. */
record Thermo(List<String> header, double[][] rows) {

    /**
     * Runs Velocity Verlet NVE through {@code md run} in {@code dir/name}: {@code forcefield} and
     * {@code velocities} are the input's sections (inline YAML), a thermo row every fs; returns thermo.csv.
     */
    static Thermo nve(Path dir, String forcefield, Path structure, String velocities, double dtFs, double durationFs, String name)
            throws IOException {
        long steps = Math.round(durationFs / dtFs), every = Math.round(1.0 / dtFs);
        Path input = Cli.write(dir.resolve(name + ".yaml"), """
                structure: {file: %s, frame: 0}
                forcefield: %s
                velocities: %s
                dynamics: {integrator: velocity-verlet, timestep_fs: %s, steps: %d}
                output: {directory: %s, trajectory: {every: 0}, thermo: {every: %d}, checkpoint: {every: 0}}
                """.formatted(structure, forcefield, velocities, dtFs, steps, name, every));
        Cli.Result r = Cli.run("run", "--quiet", input.toString());
        org.junit.jupiter.api.Assertions.assertEquals(0, r.exitCode(), r.err());
        return read(dir.resolve(name + "/thermo.csv"));
    }

    static Thermo read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<String> header = List.of(lines.get(0).split(","));
        double[][] rows = new double[lines.size() - 1][];
        for (int i = 1; i < lines.size(); i++) {
            String[] parts = lines.get(i).split(",");
            rows[i - 1] = new double[parts.length];
            for (int k = 0; k < parts.length; k++) rows[i - 1][k] = Double.parseDouble(parts[k]);
        }
        return new Thermo(header, rows);
    }

    double[] column(String name) {
        int k = header.indexOf(name);
        if (k < 0) throw new AssertionError("thermo.csv has no column " + name + ": " + header);
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) out[i] = rows[i][k];
        return out;
    }
}
