package md.engine.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The --ipi address forms: i-PI's and ASE's UNIX socket names, full paths, host:port, IPv6. */
class IpiAddressTest {
    @Test
    void unixNamesFollowIpiAndAse() {
        // ASE: actualunixsocketname(name) = '/tmp/ipi_' + name; i-PI: the same prefix for mode="unix"
        IpiAddress a = IpiAddress.parse("unix:water");
        assertTrue(a.isUnix());
        assertEquals(Path.of("/tmp/ipi_water"), a.unixPath());
        assertEquals(Path.of("/run/md/sock"), IpiAddress.parse("unix:/run/md/sock").unixPath());
        assertEquals("UNIX socket /tmp/ipi_water", a.toString());
    }

    @Test
    void hostAndPort() {
        IpiAddress a = IpiAddress.parse("localhost:31415");
        assertEquals("localhost", a.host());
        assertEquals(31415, a.port());
        assertNull(a.unixPath());
        IpiAddress v6 = IpiAddress.parse("[::1]:3141");
        assertEquals("::1", v6.host());
        assertEquals("[::1]:3141", v6.toString());
    }

    @Test
    void badFormsSayWhatIsExpected() {
        String[][] cases = {
                {"localhost", "has no port"}, {":31415", "has no host"}, {"h:x", "port 'x' is not a number"},
                {"h:0", "outside 1..65535"}, {"::1:31415", "IPv6 address in brackets"}, {"unix:", "no socket name"},
                {"unix:a/b", "may not contain '/'"}};
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpiAddress.parse(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
        }
    }
}
