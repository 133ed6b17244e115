package md.engine.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;

import md.core.Elements;
import md.forcefields.training.ErrorMetrics;

/**
 * The final report on held-out frames: energy (meV, and meV/atom) and force (meV/Å) MAE and RMSE
 * overall, force errors per element, and the overall errors again in kcal/mol and kcal/mol/Å (the unit of
 * the ANI-1x and rMD17 literature), stress errors (meV/Å³ and GPa) when the frames have stress labels; written
 * as JSON and printed as a table (with an RMSE column in kcal/mol).
 */
final class TestReport {
    private TestReport() {}

    static void write(Path file, ErrorMetrics m, int frames, String model, double trainingSeconds, int epochs) throws IOException {
        StringBuilder j = new StringBuilder("{\n");
        j.append("  \"model\": \"").append(model.replace("\\", "\\\\").replace("\"", "\\\"")).append("\",\n");
        j.append("  \"test_frames\": ").append(frames).append(",\n");
        j.append("  \"epochs\": ").append(epochs).append(",\n");
        j.append(String.format(Locale.ROOT, "  \"training_seconds\": %.1f,%n", trainingSeconds));
        j.append("  \"energy_meV\": ").append(json(m.energy())).append(",\n");
        j.append("  \"energy_per_atom_meV\": ").append(json(m.energyPerAtom())).append(",\n");
        boolean conservative = m.forces().count() > 0 || m.directForces().count() == 0;
        if (conservative) forces(j, "forces", m.forces(), m.forcesByElement());
        if (m.directForces().count() > 0) {
            if (conservative) j.append(",\n");
            forces(j, "direct_forces", m.directForces(), m.directForcesByElement());
        }
        // the same errors in kcal/mol and kcal/mol/Å (the unit of ANI-1x and rMD17 tables)
        j.append(",\n  \"energy_kcal_per_mol\": ").append(json(m.energy(), KCAL));
        j.append(",\n  \"energy_per_atom_kcal_per_mol\": ").append(json(m.energyPerAtom(), KCAL));
        if (conservative) j.append(",\n  \"forces_kcal_per_mol_per_A\": ").append(json(m.forces(), KCAL));
        if (m.directForces().count() > 0) j.append(",\n  \"direct_forces_kcal_per_mol_per_A\": ").append(json(m.directForces(), KCAL));
        // stress components of frames with a stress label (eV/Å³ → meV/Å³, and GPa)
        if (m.stress().count() > 0) {
            j.append(",\n  \"stress_meV_per_A3\": ").append(json(m.stress()));
            j.append(",\n  \"stress_GPa\": ").append(json(m.stress(), 1 / EV_PER_A3_IN_GPA));
        }
        j.append("\n}\n");
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, j, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** "NAME_meV_per_A" and "NAME_meV_per_A_by_element" (no trailing comma). */
    private static void forces(StringBuilder j, String name, ErrorMetrics.Errors all, Map<Integer, ErrorMetrics.Errors> byElement) {
        j.append("  \"").append(name).append("_meV_per_A\": ").append(json(all)).append(",\n");
        j.append("  \"").append(name).append("_meV_per_A_by_element\": {");
        boolean first = true;
        for (Map.Entry<Integer, ErrorMetrics.Errors> e : byElement.entrySet()) {
            j.append(first ? "\n" : ",\n").append("    \"").append(Elements.symbol(e.getKey())).append("\": ").append(json(e.getValue()));
            first = false;
        }
        j.append("\n  }");
    }

    /** 1 eV/Å³ in GPa (1.602176634e-19 J / 1e-30 m³ = 160.2 GPa). */
    static final double EV_PER_A3_IN_GPA = 160.21766339999998;

    /** eV per kcal/mol: errors in eV are divided by it. */
    static final double KCAL = md.core.Units.KCAL_PER_MOL_TO_EV;

    private static String json(ErrorMetrics.Errors e) { return json(e, 1e-3); }

    /** {mae, rmse, count} with the errors (eV, eV/Å) expressed in units of {@code unitEv} eV. */
    private static String json(ErrorMetrics.Errors e, double unitEv) {
        if (e.count() == 0) return "null";
        return String.format(Locale.ROOT, "{\"mae\": %.6f, \"rmse\": %.6f, \"count\": %d}", e.mae() / unitEv, e.rmse() / unitEv, e.count());
    }

    static void print(PrintStream out, ErrorMetrics m, int frames) {
        out.printf(Locale.ROOT, "test set: %d frames%n", frames);
        out.printf(Locale.ROOT, "  %-22s %12s %12s %14s%n", "quantity", "MAE", "RMSE", "RMSE kcal/mol");
        row(out, "energy (meV)", m.energy());
        row(out, "energy/atom (meV)", m.energyPerAtom());
        if (m.forces().count() > 0 || m.directForces().count() == 0) {
            row(out, "forces (meV/Å)", m.forces());
            for (Map.Entry<Integer, ErrorMetrics.Errors> e : m.forcesByElement().entrySet())
                row(out, "  forces " + Elements.symbol(e.getKey()) + " (meV/Å)", e.getValue());
        }
        if (m.directForces().count() > 0) {
            row(out, "direct forces (meV/Å)", m.directForces());
            for (Map.Entry<Integer, ErrorMetrics.Errors> e : m.directForcesByElement().entrySet())
                row(out, "  direct " + Elements.symbol(e.getKey()) + " (meV/Å)", e.getValue());
        }
        if (m.stress().count() > 0) {
            ErrorMetrics.Errors s = m.stress();
            out.printf(Locale.ROOT, "  %-22s %12.4f %12.4f %14s%n", "stress (meV/Å³)", s.mae() * 1000, s.rmse() * 1000, "-");
        }
    }

    private static void row(PrintStream out, String name, ErrorMetrics.Errors e) {
        if (e.count() == 0) out.printf(Locale.ROOT, "  %-22s %12s %12s %14s%n", name, "-", "-", "-");
        else out.printf(Locale.ROOT, "  %-22s %12.3f %12.3f %14.4f%n", name, e.mae() * 1000, e.rmse() * 1000, e.rmse() / KCAL);
    }
}
