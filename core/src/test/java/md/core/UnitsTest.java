package md.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void conversionsMatchPublishedValues() {
        // NIST/CODATA 2018 tables: 1 kcal/mol = 0.043 364 104 eV, 1 kJ/mol = 0.010 364 270 eV, k_B = 8.617 333 262e-5 eV/K
        assertEquals(0.0433641043, Units.KCAL_PER_MOL_TO_EV, 1e-10);
        assertEquals(0.010364270, Units.KJ_PER_MOL_TO_EV, 1e-9);
        assertEquals(8.617333262e-5, Units.KB_EV_PER_K, 1e-14);
        // e/u by an independent route: Faraday constant over molar mass constant (CODATA 2018),
        // F = 96485.33212 C/mol, M_u = 0.99999999965e-3 kg/mol; then /1e-10 m per Å, /1e20 for Å/fs².
        assertEquals(96485.33212 / 0.99999999965e-3 / 1e-10 / 1e20, Units.ACCEL_EV_PER_ANGSTROM_AMU_TO_ANGSTROM_PER_FS2,
                1e-12); // F has 10 significant digits
        assertEquals(1.0, Units.ACCEL_EV_PER_ANGSTROM_AMU_TO_ANGSTROM_PER_FS2 * Units.AMU_ANGSTROM2_PER_FS2_TO_EV, 1e-15);
    }

    @Test
    void cellFractionalRoundTripTriclinic() {
        Cell c = new Cell(new double[] {5, 0, 0, 1.2, 4.5, 0, -0.7, 0.9, 6.1}, new boolean[] {true, true, true});
        double[] r = {1.3, -2.2, 4.4}, s = new double[3], back = new double[3];
        c.toFractional(r, 0, s);
        c.toCartesian(s, back, 0);
        for (int k = 0; k < 3; k++) assertEquals(r[k], back[k], 1e-12);
        assertEquals(5 * 4.5 * 6.1, c.volume(), 1e-12);
        double[] w = c.perpendicularWidths();
        assertEquals(6.1, w[2], 1e-12);
    }
}
