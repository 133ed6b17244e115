package md.engine.serve;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * Where an i-PI server listens: an Internet socket {@code HOST:PORT} or a UNIX-domain socket. i-PI
 * and ASE name UNIX sockets by a short name that both sides turn into {@code /tmp/ipi_NAME}
 * ({@code unix:NAME} here); {@code unix:/full/path} names the socket file itself.
 *
 * @param host      host name or address (null for a UNIX socket)
 * @param port      TCP port (0 for a UNIX socket)
 * @param unixPath  socket file (null for an Internet socket)
 */
public record IpiAddress(String host, int port, Path unixPath) {
    /** The folder and prefix i-PI and ASE give a UNIX socket's short name. */
    public static final String UNIX_PREFIX = "/tmp/ipi_";

    public static final String FORMS = "HOST:PORT (e.g. localhost:31415), unix:NAME (the socket /tmp/ipi_NAME, i-PI's and ASE's convention) "
            + "or unix:/path/to/socket";

    /**
     * Parses {@code HOST:PORT}, {@code [IPv6]:PORT}, {@code unix:NAME} or {@code unix:/path}.
     *
     * @throws IllegalArgumentException saying what is wrong and which forms are expected
     */
    public static IpiAddress parse(String text) {
        String s = text.strip();
        if (s.startsWith("unix:")) {
            String name = s.substring("unix:".length());
            if (name.isEmpty()) throw new IllegalArgumentException("'" + text + "' has no socket name after 'unix:'; expected " + FORMS);
            if (name.startsWith("/")) return new IpiAddress(null, 0, Path.of(name));
            if (name.contains("/")) throw new IllegalArgumentException("'" + text + "': a UNIX socket name may not contain '/' (it becomes "
                    + UNIX_PREFIX + "NAME); give a full path as unix:/path/to/socket");
            return new IpiAddress(null, 0, Path.of(UNIX_PREFIX + name));
        }
        int colon = s.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("'" + text + "' has no port; expected " + FORMS);
        String host = s.substring(0, colon), portText = s.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        else if (host.contains(":")) throw new IllegalArgumentException("'" + text + "': write an IPv6 address in brackets, e.g. [::1]:31415");
        if (host.isEmpty()) throw new IllegalArgumentException("'" + text + "' has no host before ':'; expected " + FORMS);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': port '" + portText + "' is not a number; expected " + FORMS);
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("'" + text + "': port " + port + " is outside 1..65535");
        return new IpiAddress(host, port, null);
    }

    public boolean isUnix() { return unixPath != null; }

    /** The address to connect to (resolves the host name now). */
    public SocketAddress socketAddress() {
        return isUnix() ? UnixDomainSocketAddress.of(unixPath) : new InetSocketAddress(host, port);
    }

    @Override public String toString() {
        return isUnix() ? "UNIX socket " + unixPath : (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
