package md.engine.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import md.core.Elements;
import md.engine.cli.UserError;
import md.engine.io.StructureReader;

/**
 * Reads and validates an {@code md run} YAML input (schema in README.md). Everything that can be
 * checked without reading the structure is checked here; checks that need the atoms (element support,
 * close contacts, cutoff versus cell) happen when the simulation is set up, with the same message style.
 */
public final class RunConfigLoader {
    private RunConfigLoader() {}

    public static final Set<String> TOP_LEVEL =
            Set.of("description", "structure", "forcefield", "neighbors", "dynamics", "velocities", "output", "safety", "device");

    public static RunConfig load(Path file) {
        return load(ConfigNode.parse(file));
    }

    public static RunConfig load(ConfigNode root) {
        root.allowOnly(TOP_LEVEL);
        if (root.has("description")) root.get("description").asString("a line of text");
        StructureConfig structure = structure(root.require("structure", "a 'structure' section with 'file' or 'lattice'"));
        ForceFieldConfig forcefield = ForceFieldConfig.from(root.require("forcefield", "a 'forcefield' section with 'type' and its parameters"));
        double skin = neighbors(root.section("neighbors"));
        DynamicsConfig dynamics = dynamics(root.require("dynamics", "a 'dynamics' section with integrator, timestep_fs and steps"));
        VelocitiesConfig velocities = root.has("velocities") ? velocities(root.section("velocities")) : null;
        OutputConfig output = output(root.section("output"), root.file());
        SafetyConfig safety = root.has("safety") ? safety(root.section("safety")) : SafetyConfig.DEFAULT;
        String device = root.has("device") ? root.get("device").asChoice(RunConfig.DEVICES) : "auto";
        java.util.Set<String> devices = forcefield.devices();
        if (!device.equals("auto") && !devices.contains(device))
            throw root.get("device").error("force field '" + forcefield.spec().type() + "' runs on " + new java.util.TreeSet<>(devices)
                    + " only; expected one of those or auto (accelerators serve learned force fields such as nequip)");
        ForceFieldConfig ff = devices.size() > 1 ? forcefield.withDevice(device) : forcefield;
        return new RunConfig(root.file(), root, structure, ff, skin, dynamics, velocities, output, safety, device);
    }

    // ---------------------------------------------------------------- structure

    static StructureConfig structure(ConfigNode s) {
        if (!s.isMapping()) throw s.error("expected a mapping with 'file' (a structure file) or 'lattice' (a generated crystal), got " + s.describe());
        if (s.has("file") && s.has("lattice"))
            throw s.error("give either 'file' or 'lattice', not both");
        if (s.has("lattice")) {
            s.allowOnly("lattice", "element", "a_A", "repeat");
            String kind = s.get("lattice").asChoice(List.of("fcc", "bcc", "sc"));
            ConfigNode el = s.require("element", "the chemical symbol of the lattice's atoms, e.g. Ar");
            int z = element(el);
            double a = s.require("a_A", "the cubic lattice constant in Å").asPositive("the cubic lattice constant in Å");
            int[] repeat = {1, 1, 1};
            if (s.has("repeat")) {
                double[] r = s.get("repeat").asNumbers(3, "repeats of the cubic cell along a, b, c, e.g. [5, 5, 5]");
                for (int i = 0; i < 3; i++) {
                    if (r[i] < 1 || r[i] != Math.rint(r[i]) || r[i] > 1000)
                        throw s.get("repeat").error("expected whole numbers from 1 to 1000 (repeats along a, b, c), got " + s.get("repeat").describe());
                    repeat[i] = (int) r[i];
                }
            }
            return new StructureConfig.Lattice(kind, z, a, repeat, s);
        }
        if (!s.has("file")) throw s.error("missing key 'structure.file' (or 'structure.lattice'); expected the path of a structure file "
                + "(.extxyz/.xyz, .npz, .h5, POSCAR/.vasp, LAMMPS .data, .pdb, .cif) or a checkpoint");
        s.allowOnly("file", "frame", "format", "species", "atom_style", "units");
        ConfigNode f = s.get("file");
        Path path = s.baseDirectory().resolve(f.asString("the path of a structure file")).normalize();
        if (InputFiles.problem(path) != null)
            throw f.error((Files.isDirectory(path) ? path + " is a folder, expected a file" : "file not found: " + path) + " (relative paths are resolved against the input file's folder " + s.baseDirectory() + ")"
                    + InputFiles.referenceDataHint(path));
        String format;
        if (s.has("format")) {
            List<String> choices = new java.util.ArrayList<>(StructureReader.Format.keys());
            choices.add("checkpoint");
            format = s.get("format").asChoice(choices);
        } else {
            format = formatOf(path, f);
        }
        StructureReader.Format readerFormat = format.equals("checkpoint") ? null : StructureReader.Format.ofKey(format);
        boolean lammps = readerFormat == StructureReader.Format.LAMMPS_DATA;
        for (String key : List.of("atom_style", "units"))
            if (s.has(key) && !lammps) throw s.get(key).error("'" + key + "' applies to LAMMPS data files only; this file is read as " + format);
        if (s.has("species") && !lammps && readerFormat != StructureReader.Format.VASP)
            throw s.get("species").error("'species' applies to LAMMPS data files (atom type to element) and VASP 4 POSCARs (elements of the counts) only; this file is read as " + format);
        java.util.Map<Integer, Integer> species = s.has("species") ? species(s.get("species")) : null;
        String atomStyle = s.has("atom_style") ? s.get("atom_style").asChoice(List.of("atomic", "full")) : null;
        String units = s.has("units") ? s.get("units").asChoice(List.of("metal", "real")) : null;
        int frame = s.has("frame") ? s.get("frame").asInt("a frame index (0 = first, -1 = last)") : 0;
        return new StructureConfig.FromFile(path, format, frame, new StructureReader.Options(readerFormat, species, atomStyle, units), s);
    }

    /** {@code species}: a list of elements (position 1, 2, ...) or a mapping from LAMMPS atom type to element. */
    static java.util.Map<Integer, Integer> species(ConfigNode sp) {
        java.util.Map<Integer, Integer> out = new java.util.TreeMap<>();
        if (sp.isSequence()) {
            List<ConfigNode> items = sp.asList("a list of elements, e.g. [Si, O]");
            if (items.isEmpty()) throw sp.error("expected at least one element, e.g. [Si, O]");
            for (int k = 0; k < items.size(); k++) out.put(k + 1, element(items.get(k)));
        } else if (sp.isMapping()) {
            for (String key : sp.keys()) {
                int type;
                try {
                    type = Integer.parseInt(key.strip());
                } catch (NumberFormatException e) {
                    throw sp.get(key).error("expected an atom type number (1, 2, ...) as key, got '" + key + "'; e.g. species: {1: Ar, 2: O}");
                }
                if (type < 1) throw sp.get(key).error("atom types start at 1, got " + type);
                out.put(type, element(sp.get(key)));
            }
            if (out.isEmpty()) throw sp.error("expected at least one type, e.g. species: {1: Ar, 2: O}");
        } else {
            throw sp.error("expected a list of elements ([Si, O]) or a mapping from atom type to element ({1: Ar, 2: O}), got " + sp.describe());
        }
        return out;
    }

    /** "checkpoint" for an md checkpoint, else the structure reader's format key (which it picks by file name). */
    static String formatOf(Path path, ConfigNode where) {
        if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".mdchk")) return "checkpoint";
        try {
            return StructureReader.formatOf(path).key;
        } catch (UserError e) {
            throw where.error("cannot tell the format of '" + path.getFileName() + "' from its name; expected " + StructureReader.FORMAT_NAMES
                    + " or .mdchk (md checkpoint); or give structure.format (" + String.join(", ", StructureReader.Format.keys()) + ", checkpoint)");
        }
    }

    static int element(ConfigNode el) {
        String symbol = el.asString("a chemical symbol such as Ar");
        return Elements.atomicNumber(symbol).filter(z -> z <= Elements.maxAtomicNumber())
                .orElseThrow(() -> el.error("unknown element '" + symbol + "'; expected a chemical symbol from H to "
                        + Elements.symbol(Elements.maxAtomicNumber())));
    }

    // ---------------------------------------------------------------- neighbours

    static double neighbors(ConfigNode n) {
        if (n == null) return 1.0;
        n.allowOnly("skin_A");
        return n.has("skin_A") ? n.get("skin_A").asNonNegative("the Verlet skin in Å") : 1.0;
    }

    // ---------------------------------------------------------------- dynamics

    static final List<String> DYNAMICS_KEYS = List.of("integrator", "timestep_fs", "steps", "temperature_K", "tau_fs",
            "chain_length", "friction_per_ps", "seed", "ttime", "allow_large_timestep", "barostat");

    static DynamicsConfig dynamics(ConfigNode d) {
        if (!d.isMapping()) throw d.error("expected a mapping with integrator, timestep_fs and steps, got " + d.describe());
        ConfigNode integratorNode = d.require("integrator", "one of " + String.join(", ", DynamicsConfig.INTEGRATORS));
        String integrator = integratorNode.asChoice(DynamicsConfig.INTEGRATORS);
        Set<String> allowed = new LinkedHashSet<>(List.of("integrator", "timestep_fs", "steps", "allow_large_timestep", "barostat"));
        switch (integrator) {
            case "nose-hoover-chain" -> allowed.addAll(List.of("temperature_K", "tau_fs", "chain_length"));
            case "langevin" -> allowed.addAll(List.of("temperature_K", "friction_per_ps", "seed"));
            case "berendsen" -> allowed.addAll(List.of("temperature_K", "tau_fs"));
            case "nose-hoover-fu" -> allowed.addAll(List.of("temperature_K", "ttime"));
            default -> { }
        }
        d.allowOnly(DYNAMICS_KEYS);  // first, so that typos get a suggestion from every key the section knows
        for (String k : d.keys())
            if (!allowed.contains(k))
                throw d.get(k).error("does not apply to integrator " + integrator + "; its keys are " + String.join(", ", allowed));
        ConfigNode ts = d.require("timestep_fs", "the timestep in femtoseconds, e.g. 1.0");
        double dt = ts.asDouble("the timestep in femtoseconds");
        if (!(dt > 0) || Double.isInfinite(dt))
            throw ts.error("expected a positive timestep in femtoseconds (typically 0.5 to 5), got " + ts.describe());
        boolean allowLarge = d.has("allow_large_timestep") && d.get("allow_large_timestep").asBoolean();
        if (dt > DynamicsConfig.MAX_TIMESTEP_FS && !allowLarge)
            throw ts.error("a timestep of " + DynamicsConfig.format(dt) + " fs is far above what any atom allows (at most "
                    + (int) DynamicsConfig.MAX_TIMESTEP_FS + " fs; " + (int) DynamicsConfig.MAX_TIMESTEP_WITH_HYDROGEN_FS
                    + " fs with hydrogen; typically 0.5 to 2 fs with hydrogen, up to 10 fs for heavy atoms such as argon): "
                    + "the dynamics would blow up within a few steps. Expected a smaller timestep_fs, or allow_large_timestep: true "
                    + "in the dynamics section if this is intended");
        ConfigNode stepsNode = d.require("steps", "the number of steps to run");
        long steps = stepsNode.asLong("a whole number of steps (0 or more)");
        if (steps < 0) throw stepsNode.error("expected a whole number of steps (0 or more), got " + stepsNode.describe());
        double t = Double.NaN, tau = Double.NaN, gamma = Double.NaN, ttime = Double.NaN;
        int chain = 0;
        long seed = 1;
        BarostatConfig barostat = d.has("barostat") ? BarostatConfig.parse(d.get("barostat"), dt, !integrator.equals("velocity-verlet")) : null;
        if (integrator.equals("velocity-verlet")) return new DynamicsConfig(integrator, dt, steps, t, tau, chain, gamma, ttime, seed, barostat, d);
        t = d.require("temperature_K", "the thermostat's target temperature in kelvin").asPositive("a temperature in kelvin");
        switch (integrator) {
            case "nose-hoover-chain", "berendsen" -> {
                tau = d.has("tau_fs") ? d.get("tau_fs").asPositive("the thermostat time constant in fs") : 100 * dt;
                if (integrator.equals("nose-hoover-chain")) {
                    ConfigNode c = d.get("chain_length");
                    chain = c == null ? 3 : c.asInt("a chain length (whole number, 1 or more)");
                    if (chain < 1) throw c.error("expected a chain length of 1 or more, got " + c.describe());
                }
            }
            case "langevin" -> {
                gamma = d.has("friction_per_ps") ? d.get("friction_per_ps").asPositive("the friction coefficient in 1/ps") : 1.0;
                if (d.has("seed")) seed = d.get("seed").asLong("a whole number seeding the thermostat's random numbers");
            }
            case "nose-hoover-fu" -> ttime = d.has("ttime") ? d.get("ttime").asPositive("ttime, the thermostat period in timesteps") : 20.0;
            default -> throw new IllegalStateException(integrator);
        }
        return new DynamicsConfig(integrator, dt, steps, t, tau, chain, gamma, ttime, seed, barostat, d);
    }

    // ---------------------------------------------------------------- velocities, output, safety

    static VelocitiesConfig velocities(ConfigNode v) {
        v.allowOnly("temperature_K", "seed", "remove_com", "remove_rotation");
        double t = v.require("temperature_K", "the temperature of the Maxwell–Boltzmann distribution in kelvin")
                .asNonNegative("a temperature in kelvin");
        long seed = v.has("seed") ? v.get("seed").asLong("a whole number seeding the random velocities") : 1;
        boolean com = !v.has("remove_com") || v.get("remove_com").asBoolean();
        boolean rot = v.has("remove_rotation") && v.get("remove_rotation").asBoolean();
        return new VelocitiesConfig(t, seed, com, rot, v);
    }

    static OutputConfig output(ConfigNode o, Path inputFile) {
        String base = inputFile.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        Path dir = inputFile.toAbsolutePath().getParent().resolve(base + "-out");
        long trajEvery = 100, thermoEvery = 10, chkEvery = 1000, progressS = 10;
        int segmentFrames = 100;
        String extxyzVelocities = OutputConfig.EXTXYZ_VELOCITIES.get(0);
        boolean wrap = true;
        List<String> formats = List.of("extxyz");
        boolean pressureTensor = false;
        if (o != null) {
            o.allowOnly("directory", "trajectory", "thermo", "checkpoint", "progress", "pressure_tensor");
            if (o.has("pressure_tensor")) pressureTensor = o.get("pressure_tensor").asBoolean();
            if (o.has("directory")) dir = o.baseDirectory().resolve(o.get("directory").asString("an output folder")).normalize();
            ConfigNode t = o.section("trajectory");
            if (t != null) {
                t.allowOnly("every", "formats", "h5_segment_frames", "extxyz_velocities", "wrap");
                if (t.has("wrap")) wrap = t.get("wrap").asBoolean();
                if (t.has("extxyz_velocities")) extxyzVelocities = t.get("extxyz_velocities").asChoice(OutputConfig.EXTXYZ_VELOCITIES);
                // h5_segment_frames: from md's former segmented HDF5 writer; still accepted so older inputs load; trajectory.h5 is one file now.
                if (t.has("h5_segment_frames")) {
                    ConfigNode sf = t.get("h5_segment_frames");
                    segmentFrames = sf.asInt("frames per HDF5 segment file (1 or more)");
                    if (segmentFrames < 1) throw sf.error("expected frames per HDF5 segment file, 1 or more, got " + sf.describe());
                }
                if (t.has("every")) trajEvery = interval(t.get("every"));
                if (t.has("formats")) {
                    List<String> fs = new ArrayList<>();
                    for (ConfigNode f : t.get("formats").asList("a list of trajectory formats, e.g. [extxyz, h5]")) {
                        String name = f.asChoice(OutputConfig.FORMATS);
                        if (fs.contains(name)) throw f.error("format '" + name + "' listed twice");
                        fs.add(name);
                    }
                    formats = List.copyOf(fs);
                }
            }
            thermoEvery = every(o.section("thermo"), thermoEvery);
            chkEvery = every(o.section("checkpoint"), chkEvery);
            ConfigNode p = o.section("progress");
            if (p != null) {
                p.allowOnly("every_s");
                if (p.has("every_s")) progressS = p.get("every_s").asLong("seconds between progress lines (whole number)");
            }
        }
        return new OutputConfig(dir, trajEvery, formats, segmentFrames, extxyzVelocities, wrap, thermoEvery, chkEvery, progressS, pressureTensor);
    }

    private static long every(ConfigNode section, long defaultEvery) {
        if (section == null) return defaultEvery;
        section.allowOnly("every");
        return section.has("every") ? interval(section.get("every")) : defaultEvery;
    }

    private static long interval(ConfigNode n) {
        long v = n.asLong("a whole number of steps (0 switches this output off)");
        if (v < 0) throw n.error("expected a whole number of steps, 0 or more (0 switches this output off), got " + n.describe());
        return v;
    }

    static SafetyConfig safety(ConfigNode s) {
        s.allowOnly("temperature_window_K", "bond_deviation_A");
        SafetyConfig d = SafetyConfig.DEFAULT;
        double lo = d.minTemperatureK(), hi = d.maxTemperatureK();
        ConfigNode w = null;
        if (s.has("temperature_window_K")) {
            w = s.get("temperature_window_K");
            double[] lh = w.asNumbers(2, "[lowest, highest] temperature in kelvin");
            if (!(lh[0] >= 0) || !(lh[1] > lh[0]))
                throw w.error("expected [lowest, highest] temperature in kelvin with 0 <= lowest < highest, got [" + lh[0] + ", " + lh[1] + "]");
            lo = lh[0];
            hi = lh[1];
        }
        ConfigNode b = s.has("bond_deviation_A") ? s.get("bond_deviation_A") : null;
        double bond = b == null ? Double.NaN : b.asPositive("a bond-length deviation in Å (e.g. 0.5, the stability benchmark's threshold)");
        return new SafetyConfig(lo, hi, w, bond, b);
    }
}
