package md.engine.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import md.core.Cell;
import md.core.Elements;
import md.core.Units;
import md.engine.cli.UserError;
import md.engine.neighbors.VerletNeighborList;
import md.forcefields.Atoms;
import md.forcefields.classical.LennardJones;

/**
 * LJ liquid argon throughput (atom-steps per second): fcc start at the liquid density (a = 5.72 Å),
 * Maxwell–Boltzmann velocities, ε = 0.0104 eV, σ = 3.40 Å, plain truncated LJ with cutoff 8.5 Å,
 * Verlet skin 1.0 Å, timestep 2 fs, plain Velocity-Verlet NVE on one thread. When LAMMPS ({@code lmp})
 * is on the PATH it runs the same system (same lattice, cutoff, skin, rebuild criterion, timestep
 * and step count) in the same invocation, and the ratio is printed. Not a test.
 *
 * <pre>md bench lj [--atoms 4000,32000] [--steps 1000,200] [--lammps lmp|none] [--repeat 3] [--seed 1]</pre>
 */
public final class LennardJonesBenchmark {
    private LennardJonesBenchmark() {}

    static final double LATTICE_A = 5.72, EPSILON_EV = 0.0104, SIGMA_A = 3.40, CUTOFF_A = 8.5, SKIN_A = 1.0,
            TIMESTEP_FS = 2.0, TEMPERATURE_K = 100.0;

    public static void main(String[] args) { System.exit(run(args)); }

    public static int run(String[] args) {
        int[] atoms = {4000, 32000};
        int[] steps = {1000, 200};
        String lammps = "lmp";
        long seed = 1;
        int repeat = 3;
        for (int a = 0; a < args.length; a++) {
            String v = a + 1 < args.length ? args[a + 1] : null;
            switch (args[a]) {
                case "--atoms" -> { atoms = ints(v, "--atoms"); a++; }
                case "--steps" -> { steps = ints(v, "--steps"); a++; }
                case "--lammps" -> { lammps = require(v, "--lammps"); a++; }
                case "--seed" -> { seed = ints(v, "--seed")[0]; a++; }
                case "--repeat" -> { repeat = Math.max(1, ints(v, "--repeat")[0]); a++; }
                case "-h", "--help" -> { System.out.println(usage()); return 0; }
                default -> throw new UserError("bench lj: unknown option '" + args[a] + "'\n" + usage());
            }
        }
        if (steps.length != atoms.length && steps.length != 1) throw new UserError("bench lj: give one --steps value or one per --atoms value");
        boolean withLammps = !lammps.equals("none") && onPath(lammps);
        System.out.printf(Locale.ROOT, "LJ argon: a=%.2f Å, cutoff %.1f Å, skin %.1f Å, dt %.1f fs, T0 %.0f K, 1 thread (Java %s), best of %d%n",
                LATTICE_A, CUTOFF_A, SKIN_A, TIMESTEP_FS, TEMPERATURE_K, System.getProperty("java.version"), repeat);
        if (!withLammps) System.out.println("LAMMPS: not run (" + (lammps.equals("none") ? "--lammps none" : "'" + lammps + "' not on PATH") + ")");
        System.out.printf(Locale.ROOT, "%7s %6s %9s | %-21s | %-21s | %-11s%n", "", "", "", "this engine, a-s/s", "LAMMPS, a-s/s", "ratio");
        System.out.printf(Locale.ROOT, "%7s %6s %9s | %10s %10s | %10s %10s | %5s %5s%n", "atoms", "steps", "rebuilds", "wall", "cpu", "wall", "cpu", "wall", "cpu");
        for (int k = 0; k < atoms.length; k++) {
            int n = atoms[k], s = steps.length == 1 ? steps[0] : steps[k];
            Result ours = null, theirs = null;
            for (int r = 0; r < repeat; r++) {   // alternate, so both see the same machine load; keep the best
                ours = best(ours, runJava(n, s, seed));
                if (withLammps) theirs = best(theirs, runLammps(lammps, n, s, seed));
            }
            System.out.printf(Locale.ROOT, "%7d %6d %9d | %10.4g %10.4g | %10s %10s | %5s %5s%n", n, s, ours.rebuilds(), ours.atomStepsPerSecond(), ours.atomStepsPerCpuSecond(),
                    theirs == null ? "-" : fmt(theirs.atomStepsPerSecond()), theirs == null ? "-" : fmt(theirs.atomStepsPerCpuSecond()),
                    theirs == null ? "-" : String.format(Locale.ROOT, "%.2f", ours.atomStepsPerSecond() / theirs.atomStepsPerSecond()),
                    theirs == null ? "-" : String.format(Locale.ROOT, "%.2f", ours.atomStepsPerCpuSecond() / theirs.atomStepsPerCpuSecond()));
            System.out.flush();
        }
        return 0;
    }

    private static String fmt(double v) { return String.format(Locale.ROOT, "%.4g", v); }

    private static Result best(Result a, Result b) {
        if (a == null) return b;
        return new Result(Math.max(a.atomStepsPerSecond(), b.atomStepsPerSecond()), Math.max(a.atomStepsPerCpuSecond(), b.atomStepsPerCpuSecond()),
                b.rebuilds(), b.energyChangePerAtom());
    }

    /** Throughput per wall-clock second and per CPU second (the latter is robust on a loaded machine). */
    record Result(double atomStepsPerSecond, double atomStepsPerCpuSecond, long rebuilds, double energyChangePerAtom) {}

    /** Positions of an n×n×n fcc crystal of argon. */
    static double[] fcc(int cells) {
        double[][] basis = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
        double[] x = new double[12 * cells * cells * cells];
        int p = 0;
        for (int i = 0; i < cells; i++) for (int j = 0; j < cells; j++) for (int k = 0; k < cells; k++)
            for (double[] b : basis) { x[p++] = (i + b[0]) * LATTICE_A; x[p++] = (j + b[1]) * LATTICE_A; x[p++] = (k + b[2]) * LATTICE_A; }
        return x;
    }

    static int cellsFor(int atoms) {
        int c = (int) Math.round(Math.cbrt(atoms / 4.0));
        if (4 * c * c * c != atoms) throw new UserError("bench lj: atom counts must be 4 n³ (fcc), e.g. 4000 or 32000; got " + atoms);
        return c;
    }

    static Result runJava(int atoms, int steps, long seed) {
        int cells = cellsFor(atoms);
        double[] x = fcc(cells);
        Cell cell = Cell.orthorhombic(cells * LATTICE_A, cells * LATTICE_A, cells * LATTICE_A);
        int[] z = new int[atoms];
        java.util.Arrays.fill(z, 18);
        double mass = Elements.massAmu(18);
        double[] v = maxwellBoltzmann(atoms, mass, TEMPERATURE_K, seed);
        LennardJones lj = LennardJones.builder().species(18, EPSILON_EV, SIGMA_A).cutoff(CUTOFF_A).shift(LennardJones.Shift.NONE).build();
        VerletNeighborList nl = new VerletNeighborList(CUTOFF_A, SKIN_A);
        Atoms a = new Atoms(z, x, cell);
        double[] f = new double[3 * atoms];
        nl.update(a);
        double epot = lj.compute(a, nl.list(), f, null);
        double e0 = epot + kinetic(v, mass);
        double halfDtOverM = 0.5 * TIMESTEP_FS * Units.ACCEL_EV_PER_ANGSTROM_AMU_TO_ANGSTROM_PER_FS2 / mass;
        int warmup = Math.max(10, steps / 10);
        long start = 0, cpuStart = 0;
        long rebuildsAtStart = 0;
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int step = -warmup; step < steps; step++) {
            if (step == 0) { start = System.nanoTime(); cpuStart = threads.getCurrentThreadCpuTime(); rebuildsAtStart = nl.rebuildCount(); }
            for (int k = 0; k < 3 * atoms; k++) { v[k] += halfDtOverM * f[k]; x[k] += TIMESTEP_FS * v[k]; }
            nl.update(a);
            epot = lj.compute(a, nl.list(), f, null);
            for (int k = 0; k < 3 * atoms; k++) v[k] += halfDtOverM * f[k];
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) * 1e-9;
        double e1 = epot + kinetic(v, mass);
        return new Result((double) atoms * steps / seconds, (double) atoms * steps / cpuSeconds, nl.rebuildCount() - rebuildsAtStart, Math.abs(e1 - e0) / atoms);
    }

    static double[] maxwellBoltzmann(int atoms, double mass, double temperature, long seed) {
        Random rng = new Random(seed);
        double sd = Math.sqrt(Units.KB_EV_PER_K * temperature * Units.ACCEL_EV_PER_ANGSTROM_AMU_TO_ANGSTROM_PER_FS2 / mass);
        double[] v = new double[3 * atoms];
        double[] mean = new double[3];
        for (int k = 0; k < v.length; k++) { v[k] = sd * rng.nextGaussian(); mean[k % 3] += v[k] / atoms; }
        for (int k = 0; k < v.length; k++) v[k] -= mean[k % 3];
        return v;
    }

    static double kinetic(double[] v, double mass) {
        double s = 0;
        for (double c : v) s += c * c;
        return 0.5 * mass * s * Units.AMU_ANGSTROM2_PER_FS2_TO_EV;
    }

    /** The LAMMPS input of the same benchmark (units metal: time in ps). */
    static String lammpsInput(int cells, int steps, long seed) {
        return String.format(Locale.ROOT, """
                units           metal
                atom_style      atomic
                lattice         fcc %s
                region          box block 0 %d 0 %d 0 %d
                create_box      1 box
                create_atoms    1 box
                mass            1 %s
                velocity        all create %s %d mom yes dist gaussian
                pair_style      lj/cut %s
                pair_coeff      1 1 %s %s
                neighbor        %s bin
                neigh_modify    every 1 delay 0 check yes
                timestep        %s
                fix             nve all nve
                thermo          %d
                run             %d
                run             %d
                """, LATTICE_A, cells, cells, cells, Elements.massAmu(18), TEMPERATURE_K, seed + 1000, CUTOFF_A, EPSILON_EV, SIGMA_A, SKIN_A,
                TIMESTEP_FS / Units.FS_PER_PS, steps, Math.max(10, steps / 10), steps);
    }

    private static final Pattern LOOP = Pattern.compile("Loop time of ([0-9.eE+-]+) on (\\d+) procs for (\\d+) steps with (\\d+) atoms");
    private static final Pattern CPU_USE = Pattern.compile("([0-9.]+)% CPU use");

    /** Runs LAMMPS (warm-up run, then the timed run); throughput of the timed run (CPU seconds from LAMMPS' "% CPU use"). */
    static Result runLammps(String lmp, int atoms, int steps, long seed) {
        try {
            Path dir = Files.createTempDirectory("md-bench-lammps");
            Path in = dir.resolve("in.lj_bench");
            Files.writeString(in, lammpsInput(cellsFor(atoms), steps, seed));
            Process p = new ProcessBuilder(lmp, "-nocite", "-log", "none", "-in", in.toString()).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("screen.txt").toFile()).start();
            if (p.waitFor() != 0) throw new UserError("bench lj: LAMMPS failed; see " + dir.resolve("screen.txt"));
            String out = Files.readString(dir.resolve("screen.txt"), StandardCharsets.UTF_8);
            List<double[]> loops = new ArrayList<>();
            Matcher m = LOOP.matcher(out);
            while (m.find()) loops.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), m.end()});
            if (loops.size() < 2) throw new UserError("bench lj: could not find LAMMPS loop times in " + dir.resolve("screen.txt"));
            double[] timed = loops.get(loops.size() - 1);
            Matcher cpu = CPU_USE.matcher(out);
            double cpuFraction = cpu.find((int) timed[3]) ? Double.parseDouble(cpu.group(1)) / 100 : 1.0;
            double rate = timed[1] * timed[2] / timed[0];
            Files.delete(in);
            Files.delete(dir.resolve("screen.txt"));
            Files.delete(dir);
            return new Result(rate, rate / cpuFraction, -1, Double.NaN);
        } catch (IOException e) {
            throw new UserError("bench lj: cannot run LAMMPS '" + lmp + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("bench lj: interrupted");
        }
    }

    private static boolean onPath(String exe) {
        if (exe.contains("/")) return Files.isExecutable(Path.of(exe));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, exe))) return true;
        return false;
    }

    private static int[] ints(String v, String option) {
        String s = require(v, option);
        try {
            return java.util.Arrays.stream(s.split(",")).mapToInt(t -> Integer.parseInt(t.strip())).toArray();
        } catch (NumberFormatException e) {
            throw new UserError("bench lj: " + option + " expects integers separated by commas, got '" + s + "'");
        }
    }

    private static String require(String v, String option) {
        if (v == null) throw new UserError("bench lj: " + option + " needs a value");
        return v;
    }

    static String usage() {
        return """
                usage: md bench lj [--atoms 4000,32000] [--steps 1000,200] [--lammps lmp|none] [--repeat 3] [--seed 1]
                  NVE steps of an LJ argon liquid (fcc start) with this engine's neighbour list, Lennard-Jones and
                  Velocity Verlet on one thread; with LAMMPS on the PATH, the same system in LAMMPS and the ratio.""";
    }
}
