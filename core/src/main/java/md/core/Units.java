package md.core;

/**
 * Internal units are Å, fs, eV, amu, K (like ASE's Å/eV/amu, but with time in fs so that timesteps
 * read as users write them). Every factor below is derived from exact SI definitions (2019 SI) or
 * CODATA 2018 recommended values, so conversions are reproducible to the last bit across modules.
 */
public final class Units {
    private Units() {}

    /** Elementary charge, C (exact). */
    public static final double ELEMENTARY_CHARGE_C = 1.602176634e-19;
    /** Avogadro constant, 1/mol (exact). */
    public static final double AVOGADRO = 6.02214076e23;
    /** Boltzmann constant, J/K (exact). */
    public static final double BOLTZMANN_J_PER_K = 1.380649e-23;
    /** Atomic mass constant, kg (CODATA 2018). */
    public static final double AMU_KG = 1.66053906660e-27;

    /** Boltzmann constant in eV/K. */
    public static final double KB_EV_PER_K = BOLTZMANN_J_PER_K / ELEMENTARY_CHARGE_C;

    /**
     * Converts force/mass in (eV/Å)/amu into acceleration in Å/fs²:
     * (eV/Å)/amu = (e J / 1e-10 m) / (u kg) m/s², and 1 Å/fs² = 1e20 m/s².
     */
    public static final double ACCEL_EV_PER_ANGSTROM_AMU_TO_ANGSTROM_PER_FS2 =
            ELEMENTARY_CHARGE_C / 1e-10 / AMU_KG / 1e20;

    /** Kinetic energy m v² with m in amu and v in Å/fs, converted to eV. */
    public static final double AMU_ANGSTROM2_PER_FS2_TO_EV = 1.0 / ACCEL_EV_PER_ANGSTROM_AMU_TO_ANGSTROM_PER_FS2;

    /** 1 kcal/mol (thermochemical calorie, 4.184 J exact) in eV. */
    public static final double KCAL_PER_MOL_TO_EV = 4184.0 / AVOGADRO / ELEMENTARY_CHARGE_C;
    /** 1 kJ/mol in eV. */
    public static final double KJ_PER_MOL_TO_EV = 1000.0 / AVOGADRO / ELEMENTARY_CHARGE_C;
    /** 1 Hartree in eV (CODATA 2018). */
    public static final double HARTREE_TO_EV = 27.211386245988;
    /** 1 Bohr in Å (CODATA 2018). */
    public static final double BOHR_TO_ANGSTROM = 0.529177210903;

    public static final double FS_PER_PS = 1000.0;
    /** Pressure: 1 eV/Å³ in bar (e·10³⁰ Pa / 10⁵). */
    public static final double BAR_PER_EV_PER_A3 = ELEMENTARY_CHARGE_C * 1e25;

    /** Energy units users may name in inputs, with their factor to eV. */
    public static double energyToEv(String unit) {
        return switch (unit.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "ev" -> 1.0;
            case "mev" -> 1e-3;
            case "kcal/mol" -> KCAL_PER_MOL_TO_EV;
            case "kj/mol" -> KJ_PER_MOL_TO_EV;
            case "hartree", "ha" -> HARTREE_TO_EV;
            default -> throw new IllegalArgumentException(
                    "unknown energy unit '" + unit + "'; expected one of eV, meV, kcal/mol, kJ/mol, Hartree");
        };
    }

    /** Length units users may name in inputs, with their factor to Å. */
    public static double lengthToAngstrom(String unit) {
        return switch (unit.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "angstrom", "a", "å", "ang" -> 1.0;
            case "bohr" -> BOHR_TO_ANGSTROM;
            case "nm" -> 10.0;
            default -> throw new IllegalArgumentException(
                    "unknown length unit '" + unit + "'; expected one of Angstrom, Bohr, nm");
        };
    }
}
