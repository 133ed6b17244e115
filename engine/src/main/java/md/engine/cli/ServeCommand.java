package md.engine.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import md.core.Elements;
import md.engine.config.ForceFieldConfig;
import md.engine.io.StructureReader;
import md.engine.serve.IpiAddress;
import md.engine.serve.IpiDriver;
import md.engine.serve.IpiProtocol;
import md.engine.serve.ServedForceField;
import md.engine.system.Frame;
import md.forcefields.Atoms;
import md.forcefields.ForceField;

/**
 * {@code md serve --ipi ADDRESS --forcefield FF --structure FILE}: md as the force-field driver of an
 * i-PI server. In the i-PI protocol the program that runs the dynamics (i-PI, ASE's
 * SocketIOCalculator) listens and the force provider connects to it; so md connects, then answers
 * every geometry with energy, forces and virial until the server says EXIT or hangs up.
 */
public final class ServeCommand implements Command {
    @Override public String name() { return "serve"; }

    @Override public String summary() { return "be the force-field driver of an i-PI server (i-PI, ASE SocketIOCalculator)"; }

    @Override public String usage() {
        return """
                usage: md serve --ipi ADDRESS --forcefield FF (--structure FILE | --species LIST)
                                [--pbc auto|yes|no] [--retry-seconds S] [--json-extras] [--quiet]

                Serves a force field over the i-PI socket protocol. In i-PI's protocol the program that runs
                the dynamics is the server and listens; the force provider (the "driver" or client) connects
                to it. md serve is such a driver: it connects to ADDRESS, receives geometries, and answers
                each with energy, forces and virial until the server sends EXIT or closes the connection.
                Servers: i-PI (<ffsocket mode="unix|inet">), ASE's SocketIOCalculator / SocketServer.
                (LAMMPS' fix ipi makes LAMMPS a driver like this one, so it cannot call md.)

                  --ipi ADDRESS        HOST:PORT (e.g. localhost:31415), unix:NAME (the socket /tmp/ipi_NAME,
                                       as i-PI's address NAME and ASE's unixsocket=NAME), or unix:/path/to/socket
                  --forcefield FF      as for md eval: a force-field YAML file, a run input (its forcefield
                                       section), inline YAML '{type: lennard-jones, ...}', or a model file
                  --structure FILE     the atoms' elements, in the server's order (the first frame of any
                                       structure file md reads: .extxyz/.xyz, POSCAR, LAMMPS data, PDB, CIF, ...).
                                       With bonds: auto, Morse/harmonic bonds are detected in this geometry.
                  --species LIST       the elements instead of a file: O,H,H or Ar*500 or C*2,O,H*6
                  --pbc MODE           auto (default): periodic when the server's cell has a volume,
                                       isolated when it is all zeros (ASE sends zeros for a molecule);
                                       yes: always periodic; no: isolated, the cell is ignored (a molecule
                                       in i-PI's box)
                  --retry-seconds S    keep trying to connect for S seconds while the server is not up yet
                                       (default 0: one attempt)
                  --json-extras        send the force field's observables (an ensemble's spread) as the
                                       protocol's extra string, a JSON object that i-PI reads into its extras
                                       (default: one zero byte, as ASE sends; ASE 3.22's SocketIOCalculator
                                       fails on anything longer)
                  --quiet              no connection and summary lines

                The protocol carries no elements, only positions (Bohr) and the cell; md sends the energy
                (Hartree), forces (Hartree/Bohr) and the virial W = sum r_ij (x) f_j (Hartree; ASE's stress is
                -W/V). Force fields without a virial send zeros (a warning is printed for periodic cells).

                Exit codes: 0 after EXIT or a closed connection, 2 for bad options or a geometry that does
                not match the species, 4 for a non-finite energy or force, 5 when the server cannot be
                reached or breaks the protocol.

                example (ASE):  python3 script.py  with SocketIOCalculator(unixsocket='md'), and
                                md serve --ipi unix:md --forcefield ff.yaml --structure water.xyz""";
    }

    @Override public int run(String[] args) throws Exception {
        String addressArg = null, ffArg = null, speciesArg = null, pbcArg = "auto";
        Path structure = null;
        double retrySeconds = 0;
        boolean quiet = false, jsonExtras = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--ipi" -> addressArg = value(args, ++i, "--ipi needs an address: " + IpiAddress.FORMS);
                case "--forcefield", "-f" -> ffArg = value(args, ++i, "--forcefield needs a YAML file, inline YAML or a model file");
                case "--structure", "-s" -> structure = Path.of(value(args, ++i, "--structure needs a structure file"));
                case "--species" -> speciesArg = value(args, ++i, "--species needs a list of elements such as O,H,H or Ar*500");
                case "--pbc" -> pbcArg = value(args, ++i, "--pbc needs auto, yes or no");
                case "--retry-seconds" -> {
                    String v = value(args, ++i, "--retry-seconds needs a number of seconds");
                    try {
                        retrySeconds = Double.parseDouble(v);
                    } catch (NumberFormatException e) {
                        retrySeconds = Double.NaN;
                    }
                    if (!(retrySeconds >= 0) || Double.isInfinite(retrySeconds))
                        throw new UserError("--retry-seconds '" + v + "' is not a number of seconds >= 0");
                }
                case "--json-extras" -> jsonExtras = true;
                case "--quiet", "-q" -> quiet = true;
                default -> throw new UserError((a.startsWith("-") ? "unknown option '" + a + "'" : "unexpected argument '" + a + "'")
                        + "; expected --ipi ADDRESS, --forcefield FF, --structure FILE or --species LIST, --pbc, --retry-seconds, --json-extras, --quiet (md serve --help)");
            }
        }
        if (addressArg == null) throw new UserError("no server given; expected --ipi " + IpiAddress.FORMS);
        if (ffArg == null) throw new UserError("no force field given; expected --forcefield FILE.yaml, --forcefield '{type: ..., ...}' or a model file");
        if ((structure == null) == (speciesArg == null))
            throw new UserError(structure == null ? "the i-PI protocol sends no elements; give them with --structure FILE (in the server's atom order) or --species O,H,H"
                    : "both --structure and --species given; expected one of them");
        IpiAddress address;
        try {
            address = IpiAddress.parse(addressArg);
        } catch (IllegalArgumentException e) {
            throw new UserError("--ipi " + e.getMessage());
        }
        ServedForceField.Pbc pbc = switch (pbcArg.toLowerCase(Locale.ROOT)) {
            case "auto" -> ServedForceField.Pbc.AUTO;
            case "yes", "true", "t" -> ServedForceField.Pbc.YES;
            case "no", "false", "f" -> ServedForceField.Pbc.NO;
            default -> throw new UserError("--pbc '" + pbcArg + "' is not one of auto, yes, no");
        };

        Frame frame = structure != null ? firstFrame(structure) : null;
        int[] species = frame != null ? frame.atomicNumbers() : parseSpecies(speciesArg);
        String speciesSource = structure != null ? "--structure " + structure : "--species";
        ForceFieldConfig ffConfig = EvalCommand.forceFieldConfig(ffArg);

        try (ForceField ff = ffConfig.create()) {
            TreeSet<String> missing = new TreeSet<>();
            for (int z : species) if (!ff.supportsElement(z)) missing.add(Elements.symbol(z));
            if (!missing.isEmpty())
                throw ffConfig.node().error("force field '" + ff.name() + "' has no parameters for " + String.join(", ", missing)
                        + ", found in " + speciesSource + "; expected parameters for every element");
            // bonds: auto are detected in the user's structure, not in whatever geometry the server sends first
            if (frame != null && ff instanceof md.forcefields.TopologyFromStructure bonds && bonds.detectsBonds())
                bonds.assignBondsFrom(new Atoms(frame.atomicNumbers(), frame.positions(), frame.cell()));
            ServedForceField served = new ServedForceField(ff, species, speciesSource, pbc, quiet ? null : System.out);
            long start = System.nanoTime();
            try (SocketChannel channel = connect(address, retrySeconds)) {
                if (!quiet) System.out.println("md serve: connected to " + address + " as i-PI driver: " + ff.name() + ", " + species.length + " atoms");
                IpiDriver driver = new IpiDriver(new IpiProtocol(channel), served, jsonExtras);
                IpiDriver.End end;
                try {
                    end = driver.serve();
                } catch (IOException e) {
                    throw new UserError("lost the i-PI server at " + address + " after " + driver.evaluations() + " evaluations: " + reason(e), IoFailure.EXIT_CODE, e);
                }
                if (!quiet) System.out.printf(Locale.ROOT, "md serve: %d evaluation%s in %.3f s; %s%n", driver.evaluations(), driver.evaluations() == 1 ? "" : "s", (System.nanoTime() - start) * 1e-9,
                        end == IpiDriver.End.EXIT ? "the server sent EXIT" : "the server closed the connection");
            }
        }
        return 0;
    }

    /** Connects, retrying while nobody listens yet (connection refused, no socket file) until the deadline. */
    static SocketChannel connect(IpiAddress address, double retrySeconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (retrySeconds * 1e9);
        while (true) {
            try {
                SocketChannel channel = SocketChannel.open(address.socketAddress());
                // small messages both ways, one per step: Nagle's algorithm would delay each of them
                if (!address.isUnix()) channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                return channel;
            } catch (UnresolvedAddressException e) {
                throw new UserError("--ipi " + address + ": unknown host '" + address.host() + "'; expected a host name or IP address of the machine running the server");
            } catch (IOException e) {
                boolean notUpYet = e instanceof ConnectException || e instanceof SocketException || e instanceof java.nio.file.NoSuchFileException;
                if (!notUpYet || System.nanoTime() >= deadline)
                    throw new UserError("cannot connect to the i-PI server at " + address + ": " + reason(e)
                            + (retrySeconds > 0 ? String.format(Locale.ROOT, " (tried for %.3g s)", retrySeconds) : "")
                            + "; start the server first (i-PI, or ASE's SocketIOCalculator listening on it), or wait for it with --retry-seconds S",
                            IoFailure.EXIT_CODE, e);
                Thread.sleep(200);
            }
        }
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) return e.getClass().getSimpleName();
        return m.length() > 1 && Character.isUpperCase(m.charAt(0)) && Character.isLowerCase(m.charAt(1)) ? Character.toLowerCase(m.charAt(0)) + m.substring(1) : m;
    }

    private static Frame firstFrame(Path structure) {
        Frame f = StructureReader.read(structure, 0);
        if (f.size() == 0) throw new UserError(structure + ": the structure has no atoms; expected the atoms the server will send");
        for (int i = 0; i < f.size(); i++)
            if (!Elements.isKnown(f.atomicNumbers()[i]))
                throw new UserError(structure + ": atom " + i + " has unknown atomic number " + f.atomicNumbers()[i]);
        return f;
    }

    /** "O,H,H", "Ar*500", "C*2, O, H*6" → atomic numbers in order. */
    static int[] parseSpecies(String list) {
        List<Integer> z = new ArrayList<>();
        for (String item : list.split(",")) {
            String t = item.strip();
            if (t.isEmpty()) throw new UserError("--species '" + list + "' has an empty entry; expected elements separated by commas, such as O,H,H or Ar*500");
            String symbol = t;
            int count = 1;
            int star = t.indexOf('*');
            if (star >= 0) {
                symbol = t.substring(0, star).strip();
                String c = t.substring(star + 1).strip();
                try {
                    count = Integer.parseInt(c);
                } catch (NumberFormatException e) {
                    count = -1;
                }
                if (count < 1) throw new UserError("--species: '" + t + "' has count '" + c + "'; expected a whole number >= 1, as in Ar*500");
            }
            int atomicNumber = Elements.atomicNumber(symbol).orElseThrow(() ->
                    new UserError("--species: '" + item.strip() + "' is not an element symbol; expected symbols such as O,H,H or Ar*500"));
            if ((long) z.size() + count > 100_000_000) throw new UserError("--species '" + list + "' gives more than 10^8 atoms");
            for (int k = 0; k < count; k++) z.add(atomicNumber);
        }
        return z.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String value(String[] args, int i, String message) {
        if (i >= args.length) throw new UserError(message);
        return args[i];
    }
}
