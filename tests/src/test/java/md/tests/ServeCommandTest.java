package md.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import md.core.Cell;
import md.engine.neighbors.VerletNeighborList;
import md.forcefields.Atoms;
import md.forcefields.classical.LennardJones;

/**
 * {@code md serve --ipi}: md as the driver of an i-PI server. A server written here from ASE's
 * socketio.py ({@link IpiTestServer}) runs velocity Verlet with md's forces, and every energy, force
 * and virial that comes back over the socket (in Hartree and Bohr) is compared with the force field
 * evaluated directly, or with {@code md eval}'s output.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)  // a protocol bug would otherwise block on a socket forever
class ServeCommandTest {
    @TempDir Path dir;

    private static final double EPS = 0.0103, SIGMA = 3.4, CUTOFF = 7.0;
    private static final String LJ = "{type: lennard-jones, cutoff: 7.0, species: {Ar: {epsilon: 0.0103, sigma: 3.4}}}";
    private static final String MORSE = "{type: morse, bonds: auto, parameters: {C-H: {D: 4.28, alpha: 1.77, r0: 1.09}, "
            + "C-C: {D: 3.61, alpha: 1.99, r0: 1.52}, C-O: {D: 3.71, alpha: 2.00, r0: 1.43}, O-H: {D: 4.61, alpha: 2.27, r0: 0.96}}}";

    /** Runs the CLI on another thread: it blocks until the server lets it go. */
    private static CompletableFuture<Cli.Result> serve(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        return CompletableFuture.supplyAsync(() -> Cli.run(all));
    }

    private static Cli.Result await(CompletableFuture<Cli.Result> f) throws Exception {
        return f.get(60, TimeUnit.SECONDS);
    }

    /** 32 Ar atoms: a 2×2×2 fcc supercell (a = 5.3 Å) sheared into a triclinic cell, slightly rattled. */
    private static double[][] argonCellAndPositions() {
        double a = 5.3;
        double[] cell = {2 * a, 0, 0, 1.7, 2 * a, 0, 1.1, -0.9, 2 * a};   // rows a, b, c; not symmetric
        double[][] basis = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
        double[] x = new double[3 * 32];
        Random rnd = new Random(7);
        int k = 0;
        for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) for (int l = 0; l < 2; l++) for (double[] b : basis) {
            double s0 = (i + b[0]) / 2, s1 = (j + b[1]) / 2, s2 = (l + b[2]) / 2;
            for (int c = 0; c < 3; c++) x[3 * k + c] = s0 * cell[c] + s1 * cell[3 + c] + s2 * cell[6 + c] + 0.05 * rnd.nextGaussian();
            k++;
        }
        return new double[][] {cell, x};
    }

    @Test
    void velocityVerletThroughTheDriverMatchesTheForceFieldDirectly() throws Exception {
        double[][] cx = argonCellAndPositions();
        double[] cellRows = cx[0], x = cx[1];
        int n = x.length / 3;
        int[] z = new int[n];
        java.util.Arrays.fill(z, 18);
        LennardJones direct = LennardJones.builder().species(18, EPS, SIGMA).cutoff(CUTOFF).build();
        Cell cell = new Cell(cellRows, new boolean[] {true, true, true});
        double massAmu = 39.948, dt = 4.0;
        double accel = md.core.Units.ACCEL_EV_PER_ANGSTROM_AMU_TO_ANGSTROM_PER_FS2;
        double[] v = new double[3 * n];
        Random rnd = new Random(3);
        for (int i = 0; i < v.length; i++) v[i] = 0.002 * rnd.nextGaussian();   // Å/fs, ~40 K

        try (IpiTestServer server = IpiTestServer.tcp()) {
            CompletableFuture<Cli.Result> driver = serve("--ipi", "127.0.0.1:" + server.port(), "--forcefield", LJ, "--species", "Ar*32", "--quiet");
            server.accept();
            double maxEnergyErr = 0, maxForceErr = 0, maxVirialErr = 0, firstTotal = 0, maxDrift = 0;
            IpiTestServer.Result r = server.calculate(cellRows, x);
            for (int step = 0; step <= 100; step++) {
                // the same geometry, directly
                double[] f = new double[3 * n], w = new double[9];
                double e = direct.compute(new Atoms(z, x, cell), VerletNeighborList.pairsWithin(new Atoms(z, x, cell), CUTOFF), f, w);
                maxEnergyErr = Math.max(maxEnergyErr, Math.abs(r.energyEv() - e));
                for (int i = 0; i < f.length; i++) maxForceErr = Math.max(maxForceErr, Math.abs(r.forces()[i] - f[i]));
                for (int i = 0; i < 9; i++) maxVirialErr = Math.max(maxVirialErr, Math.abs(r.virial()[i] - w[i]));
                assertArrayEquals(new byte[] {0}, r.extra(), "extra string: one zero byte, as ASE's driver sends");
                double kinetic = 0;
                for (double vi : v) kinetic += 0.5 * massAmu * vi * vi / accel;
                if (step == 0) firstTotal = r.energyEv() + kinetic;
                maxDrift = Math.max(maxDrift, Math.abs(r.energyEv() + kinetic - firstTotal));
                if (step == 100) break;
                // velocity Verlet with the forces the driver sent
                for (int i = 0; i < x.length; i++) {
                    v[i] += 0.5 * dt * r.forces()[i] / massAmu * accel;
                    x[i] += dt * v[i];
                }
                r = server.calculate(cellRows, x);
                for (int i = 0; i < v.length; i++) v[i] += 0.5 * dt * r.forces()[i] / massAmu * accel;
            }
            server.exit();
            Cli.Result result = await(driver);
            assertEquals(0, result.exitCode(), result.err());
            // i-PI's driver state machine: NEEDINIT until INIT, then READY / HAVEDATA
            assertEquals(List.of("NEEDINIT", "READY", "HAVEDATA", "READY", "HAVEDATA"), server.statusAnswers.subList(0, 5));
            // Å → Bohr → Å and eV → Hartree → eV round trips cost a few ulps; a wrong unit or transposed
            // cell would show up as errors of order one
            assertTrue(maxEnergyErr < 1e-12, "energy differs by " + maxEnergyErr + " eV");
            assertTrue(maxForceErr < 1e-11, "forces differ by " + maxForceErr + " eV/Å");
            assertTrue(maxVirialErr < 1e-11, "virial differs by " + maxVirialErr + " eV");
            assertTrue(maxDrift < 2e-3, "total energy drift " + maxDrift + " eV over 100 steps of 4 fs");
        }
    }

    @Test
    void unixSocketMoleculeWithZeroCellMatchesMdEval() throws Exception {
        Path structure = Cli.inputs().resolve("structures/ethanol-rmd17.extxyz");
        List<String> lines = Files.readAllLines(structure);
        int n = Integer.parseInt(lines.get(0).strip());
        String[] symbols = new String[n];
        double[] x0 = new double[3 * n];
        for (int i = 0; i < n; i++) {
            String[] f = lines.get(2 + i).strip().split("\\s+");
            symbols[i] = f[0];
            for (int c = 0; c < 3; c++) x0[3 * i + c] = Double.parseDouble(f[1 + c]);
        }
        // five geometries around the reference one, served over the socket and written for md eval
        Random rnd = new Random(11);
        List<double[]> geometries = new ArrayList<>();
        StringBuilder xyz = new StringBuilder();
        for (int g = 0; g < 5; g++) {
            double[] x = x0.clone();
            for (int i = 0; i < x.length; i++) x[i] += 0.04 * rnd.nextGaussian();
            geometries.add(x);
            xyz.append(n).append("\nProperties=species:S:1:pos:R:3 pbc=\"F F F\"\n");
            for (int i = 0; i < n; i++) xyz.append(String.format(Locale.ROOT, "%s %.17g %.17g %.17g%n", symbols[i], x[3 * i], x[3 * i + 1], x[3 * i + 2]));
        }
        Path frames = Cli.write(dir.resolve("geometries.extxyz"), xyz.toString());
        Path evalOut = dir.resolve("eval.extxyz");
        Cli.Result eval = Cli.run("eval", "--quiet", "--forcefield", MORSE, "-o", evalOut.toString(), frames.toString());
        assertEquals(0, eval.exitCode(), eval.err());
        List<String> out = Files.readAllLines(evalOut);

        String name = "mdtest_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
        try (IpiTestServer server = IpiTestServer.unix(name)) {
            CompletableFuture<Cli.Result> driver = serve("--ipi", "unix:" + name, "--forcefield", MORSE, "--structure", structure.toString(), "--quiet");
            server.accept();
            for (int g = 0; g < geometries.size(); g++) {
                IpiTestServer.Result r = server.calculate(new double[9], geometries.get(g));   // ASE sends zeros for a molecule
                String comment = out.get(g * (n + 2) + 1);
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:^|\\s)energy=(\\S+)").matcher(comment);
                assertTrue(m.find(), comment);
                double e = Double.parseDouble(m.group(1));
                assertEquals(e, r.energyEv(), 1e-12 * Math.max(1, Math.abs(e)), "energy of geometry " + g);
                assertTrue(Math.abs(e) > 1e-3, "a non-trivial energy: " + e);
                for (int i = 0; i < n; i++) {
                    String[] f = out.get(g * (n + 2) + 2 + i).strip().split("\\s+");
                    for (int c = 0; c < 3; c++)
                        assertEquals(Double.parseDouble(f[4 + c]), r.forces()[3 * i + c], 1e-10, "force on atom " + i + " of geometry " + g);
                }
            }
            server.close();   // no EXIT: ASE's SocketIOCalculator just closes
            Cli.Result result = await(driver);
            assertEquals(0, result.exitCode(), result.err());
        }
    }

    @Test
    void waitsForAServerThatStartsLaterWithRetrySeconds() throws Exception {
        String name = "mdtest_retry_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
        CompletableFuture<Cli.Result> driver = serve("--ipi", "unix:" + name, "--forcefield", LJ, "--species", "Ar,Ar", "--retry-seconds", "30", "--quiet");
        Thread.sleep(500);
        try (IpiTestServer server = IpiTestServer.unix(name)) {
            server.accept();
            IpiTestServer.Result r = server.calculate(new double[9], new double[] {0, 0, 0, 3.8, 0, 0});
            double s6 = Math.pow(SIGMA / 3.8, 6), sc6 = Math.pow(SIGMA / CUTOFF, 6);
            assertEquals(4 * EPS * (s6 * s6 - s6) - 4 * EPS * (sc6 * sc6 - sc6), r.energyEv(), 1e-15);  // shift: energy (default)
            server.exit();
            assertEquals(0, await(driver).exitCode());
        }
    }

    @Test
    void atomCountMismatchIsAClearError() throws Exception {
        try (IpiTestServer server = IpiTestServer.tcp()) {
            CompletableFuture<Cli.Result> driver = serve("--ipi", "localhost:" + server.port(), "--forcefield",
                    "{type: lennard-jones, species: {O: {epsilon: 0.006, sigma: 3.1}, H: {epsilon: 0.001, sigma: 1.0}}}", "--species", "O,H,H", "--quiet");
            server.accept();
            try {
                server.calculate(new double[9], new double[12]);
            } catch (IOException | AssertionError expected) {
                // the driver hangs up instead of answering
            }
            Cli.Result r = await(driver);
            assertEquals(2, r.exitCode(), r.err());
            assertTrue(r.message().contains("the server sent a geometry of 4 atoms, but --species gives 3 (O, H×2)"), r.message());
        }
    }

    @Test
    void unknownMessageFromTheServerIsAProtocolError() throws Exception {
        try (IpiTestServer server = IpiTestServer.tcp()) {
            CompletableFuture<Cli.Result> driver = serve("--ipi", "127.0.0.1:" + server.port(), "--forcefield", LJ, "--species", "Ar", "--quiet");
            server.accept();
            server.send("HELLO");
            Cli.Result r = await(driver);
            assertEquals(5, r.exitCode(), r.err());
            assertTrue(r.message().contains("unexpected message 'HELLO' from the server; expected one of STATUS, INIT, POSDATA, GETFORCE, EXIT"), r.message());
            assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }

    @Test
    void unreachableServerIsAnEnvironmentError() throws Exception {
        int port;
        try (IpiTestServer s = IpiTestServer.tcp()) {
            port = s.port();
        }
        Cli.Result r = Cli.run("serve", "--ipi", "127.0.0.1:" + port, "--forcefield", LJ, "--species", "Ar");
        assertEquals(5, r.exitCode(), r.err());
        assertTrue(r.message().contains("cannot connect to the i-PI server at 127.0.0.1:" + port + ": connection refused"), r.message());
        assertTrue(r.message().contains("--retry-seconds"), r.message());

        r = Cli.run("serve", "--ipi", "unix:md-no-such-server-" + System.nanoTime(), "--forcefield", LJ, "--species", "Ar");
        assertEquals(5, r.exitCode(), r.err());
        assertTrue(r.message().contains("cannot connect to the i-PI server at UNIX socket /tmp/ipi_md-no-such-server-"), r.message());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void ensembleSpreadGoesAsJsonExtrasAndPbcNoIgnoresTheBox() throws Exception {
        String ensemble = "{type: ensemble, members: [{type: lennard-jones, cutoff: 8.0, shift: none, species: {Ar: {epsilon: 0.0104, sigma: 3.40}}}, "
                + "{type: lennard-jones, cutoff: 8.0, shift: none, species: {Ar: {epsilon: 0.0110, sigma: 3.35}}}]}";
        try (IpiTestServer server = IpiTestServer.tcp()) {
            CompletableFuture<Cli.Result> driver = serve("--ipi", "127.0.0.1:" + server.port(), "--forcefield", ensemble, "--species", "Ar,Ar",
                    "--pbc", "no", "--json-extras", "--quiet");
            server.accept();
            // a 9 Å box as i-PI always sends one: with --pbc no the dimer is isolated (periodic, the 4.4 Å pair
            // would also see images at 4.6 Å and 9 Å)
            IpiTestServer.Result r = server.calculate(new double[] {9, 0, 0, 0, 9, 0, 0, 0, 9}, new double[] {0, 0, 0, 0, 4.4, 0});
            double e1 = lj(0.0104, 3.40, 4.4), e2 = lj(0.0110, 3.35, 4.4);
            assertEquals((e1 + e2) / 2, r.energyEv(), 1e-15);
            String extra = new String(r.extra(), java.nio.charset.StandardCharsets.UTF_8);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{\"ensemble_energy_std_eV\": (\\S+), \"ensemble_force_std_max_eV_per_A\": \\S+, "
                    + "\"ensemble_force_std_mean_eV_per_A\": \\S+\\}").matcher(extra);
            assertTrue(m.matches(), extra);
            assertEquals(Math.abs(e1 - e2) / 2, Double.parseDouble(m.group(1)), 1e-15);
            server.exit();
            assertEquals(0, await(driver).exitCode());
        }
    }

    @Test
    void pbcYesNeedsACell() throws Exception {
        try (IpiTestServer server = IpiTestServer.tcp()) {
            CompletableFuture<Cli.Result> driver = serve("--ipi", "127.0.0.1:" + server.port(), "--forcefield", LJ, "--species", "Ar", "--pbc", "yes", "--quiet");
            server.accept();
            try {
                server.calculate(new double[9], new double[3]);
            } catch (IOException | AssertionError expected) {
                // the driver hangs up instead of answering
            }
            Cli.Result r = await(driver);
            assertEquals(2, r.exitCode(), r.err());
            assertTrue(r.message().contains("--pbc yes, but the server sent a cell of zero volume"), r.message());
        }
    }

    private static double lj(double eps, double sigma, double r) {
        double s6 = Math.pow(sigma / r, 6);
        return 4 * eps * (s6 * s6 - s6);
    }

    @Test
    void badOptionsAreUsageErrors() {
        String[][] cases = {
                {"--ipi localhost", "--ipi 'localhost' has no port; expected HOST:PORT"},
                {"--ipi localhost:http", "port 'http' is not a number"},
                {"--ipi localhost:70000", "port 70000 is outside 1..65535"},
                {"--ipi unix:", "has no socket name after 'unix:'"},
                {"--ipi unix:a/b", "may not contain '/'"},
                {"--species Ar,Qq", "--species: 'Qq' is not an element symbol"},
                {"--species Ar*0", "has count '0'; expected a whole number >= 1"},
                {"--species Xe", "has no parameters for Xe, found in --species"},
                {"--pbc maybe", "--pbc 'maybe' is not one of auto, yes, no"},
                {"--retry-seconds soon", "--retry-seconds 'soon' is not a number of seconds"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("serve", "--ipi", "localhost:31415", "--forcefield", LJ, "--species", "Ar"));
            String[] kv = c[0].split(" ", 2);
            int at = args.indexOf(kv[0]);
            if (at >= 0) args.set(at + 1, kv[1]);
            else { args.add(kv[0]); args.add(kv[1]); }
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertEquals(2, r.exitCode(), c[0] + ": " + r.err());
            assertTrue(r.message().contains(c[1]), c[0] + ": " + r.message());
        }
        Cli.Result r = Cli.run("serve", "--ipi", "localhost:31415", "--forcefield", LJ);
        assertEquals(2, r.exitCode());
        assertTrue(r.message().contains("the i-PI protocol sends no elements; give them with --structure FILE"), r.message());
    }
}
