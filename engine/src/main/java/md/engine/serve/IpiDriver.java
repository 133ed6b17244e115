package md.engine.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import md.core.Units;

/**
 * The driver ("client") side of the i-PI protocol: the server (i-PI, ASE's SocketIOCalculator) sends
 * geometries, this answers with energy, forces and virial, until the server sends EXIT or closes the
 * connection. The exchange, as in i-PI's drivers and {@code ase.calculators.socketio.SocketClient}:
 * <pre>
 *   STATUS   -> NEEDINIT (before INIT), READY, or HAVEDATA (a geometry is evaluated, forces not yet sent)
 *   INIT     int32 bead index, int32 length, that many bytes (ignored)
 *   POSDATA  9 float64 cell, 9 float64 inverse cell, int32 N, 3N float64 positions
 *   GETFORCE -> FORCEREADY, float64 energy, int32 N, 3N float64 forces, 9 float64 virial, int32 length, extra bytes
 *   EXIT
 * </pre>
 * Units on the wire are atomic: Bohr, Hartree, Hartree/Bohr, and the virial in Hartree. The cell goes
 * as the transpose of the matrix whose rows are the lattice vectors (i-PI keeps them as columns), so
 * its row-major numbers are a_x b_x c_x a_y ...; the virial likewise. The virial is
 * W = Σ r_ij ⊗ f_j = −∂E/∂ε (ASE turns it into the stress −W/V); zeros when the force field has none.
 * The extra string is one zero byte, as ASE's own driver sends (ASE 3.22's SocketIOCalculator fails on a longer
 * one); with {@code jsonExtras} it is a JSON object of the force field's observables (an ensemble's spread),
 * which i-PI reads into its {@code extras}.
 * Conversions use CODATA 2018 ({@link Units}); ASE 3.22 uses CODATA 2014, so numbers seen through ASE
 * differ from md's by about 1e-9 relative.
 */
public final class IpiDriver {
    private static final double BOHR = Units.BOHR_TO_ANGSTROM, HARTREE = Units.HARTREE_TO_EV;
    /** More atoms than this in POSDATA means a garbled stream (e.g. another byte order), not a real system. */
    private static final int MAX_ATOMS = 100_000_000;

    /** How the exchange ended. */
    public enum End { EXIT, CLOSED }

    /** The protocol was not followed (an unknown header, GETFORCE before POSDATA, a garbled count). */
    public static final class ProtocolException extends IOException {
        public ProtocolException(String message) { super(message); }
    }

    private final IpiProtocol protocol;
    private final ServedForceField forceField;
    private final boolean jsonExtras;
    private boolean initialized, haveData;
    private long evaluations;
    private double energyEv;

    /** @param jsonExtras whether the extra string carries the observables as JSON (else one zero byte) */
    public IpiDriver(IpiProtocol protocol, ServedForceField forceField, boolean jsonExtras) {
        this.protocol = protocol;
        this.forceField = forceField;
        this.jsonExtras = jsonExtras;
    }

    /** Geometries evaluated so far. */
    public long evaluations() { return evaluations; }

    /** Answers the server until it sends EXIT or closes the connection between two messages. */
    public End serve() throws IOException {
        while (true) {
            String header;
            try {
                header = protocol.readHeader();
            } catch (IpiProtocol.ClosedBetweenMessages e) {
                return End.CLOSED;
            }
            switch (header) {
                case IpiProtocol.STATUS -> {
                    protocol.writeHeader(haveData ? IpiProtocol.HAVEDATA : initialized ? IpiProtocol.READY : IpiProtocol.NEEDINIT);
                    protocol.flush();
                }
                case IpiProtocol.INIT -> receiveInit();
                case IpiProtocol.POSDATA -> receivePositions();
                case IpiProtocol.GETFORCE -> sendForces();
                case IpiProtocol.EXIT -> { return End.EXIT; }
                default -> throw new ProtocolException("unexpected message '" + printable(header) + "' from the server; expected one of "
                        + String.join(", ", IpiProtocol.STATUS, IpiProtocol.INIT, IpiProtocol.POSDATA, IpiProtocol.GETFORCE, IpiProtocol.EXIT));
            }
        }
    }

    private void receiveInit() throws IOException {
        protocol.readInt(); // bead index: one driver serves one bead, whichever
        int length = protocol.readInt();
        if (length < 0 || length > (1 << 24)) throw new ProtocolException("INIT announced " + length + " bytes of initialisation string");
        protocol.readBytes(length); // i-PI's per-bead string; nothing here depends on it
        initialized = true;
    }

    private void receivePositions() throws IOException {
        double[] wireCell = new double[9], wireInverse = new double[9];
        protocol.readDoubles(wireCell);
        protocol.readDoubles(wireInverse); // recomputed from the cell where needed
        int n = protocol.readInt();
        if (n < 0 || n > MAX_ATOMS) throw new ProtocolException("POSDATA announced " + n + " atoms");
        forceField.requireAtomCount(n);
        double[] positions = new double[3 * n];
        protocol.readDoubles(positions);
        for (int i = 0; i < positions.length; i++) {
            if (!Double.isFinite(positions[i])) throw new ProtocolException("POSDATA has a non-finite coordinate for atom " + i / 3);
            positions[i] *= BOHR;
        }
        // wire = transpose of the rows-are-vectors matrix: lattice vector r is (w[r], w[3 + r], w[6 + r])
        double[] rows = new double[9];
        for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) rows[3 * r + c] = wireCell[3 * c + r] * BOHR;
        energyEv = forceField.evaluate(rows, positions);
        evaluations++;
        initialized = true; // a server that skips INIT (ASE does when told READY) is fine too
        haveData = true;
    }

    private void sendForces() throws IOException {
        if (!haveData) throw new ProtocolException("GETFORCE before any POSDATA; the server asked for forces of no geometry");
        double[] f = forceField.forces(), w = forceField.virial();
        double[] wireForces = new double[f.length];
        for (int i = 0; i < f.length; i++) wireForces[i] = f[i] * (BOHR / HARTREE);
        double[] wireVirial = new double[9];
        for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) wireVirial[3 * r + c] = w[3 * c + r] / HARTREE;
        // never zero bytes: some servers cannot tell an empty string from a closed socket (ASE's comment)
        byte[] extra = jsonExtras ? extraJson().getBytes(StandardCharsets.UTF_8) : new byte[1];
        protocol.writeHeader(IpiProtocol.FORCEREADY)
                .writeDoubles(energyEv / HARTREE)
                .writeInt(f.length / 3)
                .writeDoubles(wireForces)
                .writeDoubles(wireVirial)
                .writeInt(extra.length)
                .writeBytes(extra)
                .flush();
        haveData = false;
    }

    /** The force field's observables as a JSON object (i-PI parses the extra string as JSON); "{}" without any. */
    private String extraJson() {
        List<String> names = forceField.observableNames();
        double[] values = forceField.observables();
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) sb.append(", ");
            double v = values[i];
            sb.append('"').append(names.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append("\": ")
                    .append(Double.isFinite(v) ? String.format(Locale.ROOT, "%.17g", v) : "null");
        }
        return sb.append('}').toString();
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) sb.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        return sb.toString();
    }
}
