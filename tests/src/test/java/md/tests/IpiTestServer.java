package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import md.core.Units;

/**
 * A minimal i-PI server for tests, written from the protocol as ASE's {@code ase/calculators/socketio.py}
 * (IPIProtocol, SocketServer) speaks it, independently of md's driver code: it listens, accepts one
 * driver, and asks it for energy, forces and virial of geometries given in Å (converted to Bohr here).
 */
final class IpiTestServer implements AutoCloseable {
    private static final double BOHR = Units.BOHR_TO_ANGSTROM, HA = Units.HARTREE_TO_EV;

    /** Energy (eV), forces (eV/Å, 3N) and virial (eV, rows as ASE's recv(...).T gives them) of one geometry. */
    record Result(double energyEv, double[] forces, double[] virial, byte[] extra) {}

    private final ServerSocketChannel server;
    private final Path unixSocket;
    private SocketChannel client;
    /** What the driver answered to each STATUS, in order. */
    final java.util.List<String> statusAnswers = new java.util.ArrayList<>();

    private IpiTestServer(ServerSocketChannel server, Path unixSocket) {
        this.server = server;
        this.unixSocket = unixSocket;
    }

    /** Listens on a free TCP port of 127.0.0.1. */
    static IpiTestServer tcp() throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        return new IpiTestServer(s, null);
    }

    /** Listens on the UNIX socket /tmp/ipi_NAME (i-PI's and ASE's naming). */
    static IpiTestServer unix(String name) throws IOException {
        Path p = Path.of("/tmp/ipi_" + name);
        Files.deleteIfExists(p);
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(p));
        return new IpiTestServer(s, p);
    }

    int port() throws IOException { return ((InetSocketAddress) server.getLocalAddress()).getPort(); }

    void accept() throws IOException {
        client = server.accept();
        // header and payload go as separate writes, as in ASE; without this, Nagle + delayed ACK cost 40 ms a step
        if (unixSocket == null) client.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
    }

    /** ASE's IPIProtocol.calculate: STATUS (INIT when NEEDINIT), POSDATA, STATUS, GETFORCE. */
    Result calculate(double[] cellRowsAngstrom, double[] positionsAngstrom) throws IOException {
        String status = status();
        if (status.equals("NEEDINIT")) {
            send("INIT");
            ByteBuffer b = buffer(4 + 4 + 1);
            b.putInt(0).putInt(1).put((byte) 0);
            write(b.flip());
            status = status();
        }
        assertEquals("READY", status);
        send("POSDATA");
        int n = positionsAngstrom.length / 3;
        ByteBuffer b = buffer(8 * 18 + 4 + 8 * 3 * n);
        // cell.T / Bohr, row-major; then the inverse cell's transpose × Bohr (content unused by drivers)
        for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) b.putDouble(cellRowsAngstrom[3 * c + r] / BOHR);
        double[] inv = inverseTransposed(cellRowsAngstrom);
        for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) b.putDouble(inv[3 * c + r] * BOHR);
        b.putInt(n);
        for (double x : positionsAngstrom) b.putDouble(x / BOHR);
        write(b.flip());
        assertEquals("HAVEDATA", status());
        send("GETFORCE");
        assertEquals("FORCEREADY", header());
        double e = read(8).getDouble() * HA;
        assertEquals(n, read(4).getInt(), "atom count in FORCEREADY");
        ByteBuffer fb = read(8 * 3 * n);
        double[] f = new double[3 * n];
        for (int i = 0; i < f.length; i++) f[i] = fb.getDouble() * HA / BOHR;
        ByteBuffer vb = read(8 * 9);
        double[] wire = new double[9];
        for (int i = 0; i < 9; i++) wire[i] = vb.getDouble() * HA;
        double[] virial = new double[9];   // recv((3,3)).T
        for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) virial[3 * r + c] = wire[3 * c + r];
        int more = read(4).getInt();
        byte[] extra = new byte[more];
        if (more > 0) read(more).get(extra);
        return new Result(e, f, virial, extra);
    }

    /** Sends EXIT (i-PI does at the end; ASE's calculator just closes). */
    void exit() throws IOException { send("EXIT"); }

    /** Sends any 12-byte header (for protocol-error tests). */
    void send(String header) throws IOException {
        write(ByteBuffer.wrap(String.format("%-12s", header).getBytes(StandardCharsets.US_ASCII)));
    }

    private String status() throws IOException {
        send("STATUS");
        String s = header();
        statusAnswers.add(s);
        return s;
    }

    private String header() throws IOException {
        byte[] h = new byte[12];
        read(12).get(h);
        return new String(h, StandardCharsets.US_ASCII).strip();
    }

    private static ByteBuffer buffer(int n) { return ByteBuffer.allocate(n).order(ByteOrder.nativeOrder()); }

    private void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) client.write(b);
    }

    private ByteBuffer read(int n) throws IOException {
        ByteBuffer b = buffer(n);
        while (b.hasRemaining()) if (client.read(b) < 0) throw new EOFException("driver closed the connection");
        return b.flip();
    }

    /** (M⁻¹)ᵀ of the rows-are-vectors matrix (ASE: pinv(cell).T); zeros for a zero cell, like pinv. */
    private static double[] inverseTransposed(double[] m) {
        double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
        if (det == 0) return new double[9];
        double[] inv = {
            (m[4] * m[8] - m[5] * m[7]) / det, (m[2] * m[7] - m[1] * m[8]) / det, (m[1] * m[5] - m[2] * m[4]) / det,
            (m[5] * m[6] - m[3] * m[8]) / det, (m[0] * m[8] - m[2] * m[6]) / det, (m[2] * m[3] - m[0] * m[5]) / det,
            (m[3] * m[7] - m[4] * m[6]) / det, (m[1] * m[6] - m[0] * m[7]) / det, (m[0] * m[4] - m[1] * m[3]) / det};
        double[] t = new double[9];
        for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) t[3 * r + c] = inv[3 * c + r];
        return t;
    }

    /** Closes the connection without EXIT, as ASE's SocketIOCalculator.close() does, and the listening socket. */
    @Override public void close() throws IOException {
        if (client != null) client.close();
        server.close();
        if (unixSocket != null) Files.deleteIfExists(unixSocket);
    }
}
