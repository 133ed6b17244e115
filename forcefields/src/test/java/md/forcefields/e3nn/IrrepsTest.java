package md.forcefields.e3nn;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class IrrepsTest {

    @Test void parsesAndPrints() {
        Irreps x = Irreps.parse("16x0e + 16x1o+8x2e");
        assertEquals("16x0e+16x1o+8x2e", x.toString());
        assertEquals(16 + 48 + 40, x.dim());
        assertEquals(16, x.offset(1));
        assertEquals(64, x.offset(2));
        assertEquals(2, x.lmax());
        assertEquals("1x0e+1x1o+1x2e+1x3o", Irreps.sphericalHarmonics(3, true).toString());
        assertEquals("1x0e+1x1e+1x2e", Irreps.sphericalHarmonics(2, false).toString());
        assertEquals("1x1o", Irreps.parse("1y").toString());
        assertEquals("", Irreps.parse("").toString());
    }

    @Test void rejectsBadInputWithMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Irreps.parse("16x1q"));
        assertTrue(e.getMessage().contains("16x1q"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Irreps.parse("ax0e"));
    }

    @Test void sortIsStableWithOddBeforeEven() {
        Irreps x = Irreps.parse("16x0e+16x1e+16x2e+16x0o+16x1o+4x0e");
        Irreps.Sorted s = x.sort();
        assertEquals("16x0o+16x0e+4x0e+16x1o+16x1e+16x2e", s.irreps().toString());
        // block 5 (4x0e) ends at sorted position 2, after the other 0e
        assertArrayEquals(new int[] {1, 4, 5, 0, 3, 2}, s.perm());
        for (int k = 0; k < x.size(); k++) assertEquals(k, s.inv()[s.perm()[k]]);
        assertEquals("16x0o+20x0e+16x1o+16x1e+16x2e", s.irreps().simplify().toString());
        // simplify merges only adjacent equal irreps
        assertEquals("16x0e+16x1o+16x0e", Irreps.parse("16x0e+16x1o+16x0e").simplify().toString());
    }

    @Test void productOfIrreps() {
        assertEquals("[1e, 2e, 3e]", Irrep.parse("1o").times(Irrep.parse("2o")).toString());
        assertEquals("[1o]", Irrep.parse("0e").times(Irrep.parse("1o")).toString());
    }
}
