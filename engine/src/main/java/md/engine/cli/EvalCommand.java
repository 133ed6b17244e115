package md.engine.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import md.core.Elements;
import md.engine.config.ConfigNode;
import md.engine.config.ForceFieldConfig;
import md.engine.io.ExtxyzWriter;
import md.engine.io.StructureReader;
import md.engine.neighbors.VerletNeighborList;
import md.engine.system.Frame;
import md.engine.system.MolecularSystem;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.NeighborList;
import md.forcefields.ensemble.EnsembleForceField;

/**
 * {@code md eval --forcefield FF input.{extxyz,npz}}: energy and forces of every frame with a force
 * field, written as extended XYZ (ASE reads {@code energy} and {@code forces}). The input's labels are
 * kept beside ours: its energy as the info key {@code ref_energy} (eV) and its forces as the per-atom
 * column {@code ref_forces:R:3} (eV/Å), and errors against them are summarised. Frames periodic along all three axes
 * also get the stress σ = −W/V (eV/Å³, ASE's sign) as the info key {@code stress} when the force field has a virial
 * (the input's stress is kept as {@code ref_stress}, its virial then as {@code ref_virial}).
 */
public final class EvalCommand implements Command {
    /** Per-atom extxyz column of an ensemble's force spread σ_i (eV/Å). */
    static final String FORCE_STD_COLUMN = "ensemble_force_std";
    /** Per-atom extxyz column (3 values) of the input's reference forces (eV/Å), beside ours in {@code forces}. */
    static final String REF_FORCES_COLUMN = "ref_forces";
    /** Info key of the input's reference energy (eV), beside ours in {@code energy}. */
    static final String REF_ENERGY_KEY = "ref_energy";
    /** Info key of the stress (eV/Å³, ASE's sign and 9-number layout) of fully periodic frames; the input's is kept as ref_stress. */
    static final String STRESS_KEY = "stress", REF_STRESS_KEY = "ref_stress";

    @Override public String name() { return "eval"; }

    @Override public String summary() { return "energies and forces of every frame of a structure file with a force field"; }

    @Override public String usage() {
        return """
                usage: md eval --forcefield FF [-o OUTPUT.extxyz] [--frame K] INPUT
                       md eval --forcefield MODEL --attention [--frame K] [-o DIR] INPUT

                Single-point energy and forces of every frame of INPUT (.extxyz/.xyz, .npz MD17/rMD17,
                .h5 ANI data) with a force field; writes extended XYZ with energy (eV) and forces (eV/Å)
                per frame, readable by ase.io.read(OUTPUT, index=':'). The input's own labels are kept
                beside them: its energy as ref_energy (eV) and its forces as the column ref_forces (eV/Å).
                Frames periodic along all three axes also get the stress (eV/Å³, ASE's sign: -virial/volume)
                as the info key stress when the force field has a virial (the input's stress: ref_stress).

                FF is one of
                  a YAML file with the force field's keys (type: lennard-jones, ...),
                  a run input (its 'forcefield' section is used),
                  inline YAML: --forcefield '{type: lennard-jones, cutoff: 8.5, species: {Ar: {epsilon: 0.0104, sigma: 3.4}}}'
                  a learned model file from md train or md import (e.g. inputs/models/ethanol-et.etm),
                    the same as '{type: learned, model: FILE}'

                options:
                  -o, --output FILE   output file (default: INPUT's name with .eval.extxyz, in the current folder)
                  --frame K           only frame K of INPUT (0-based; negative counts from the end, -1 = last)
                  --attention         GeomAtt attention maps of one frame (frame 0 unless --frame K) instead of
                                      energies and forces: writes DIR/attention.npz (one N x N array per stream
                                      and layer, named stream<s>_order<k>_layer<l>, 0-based, plus atomic_numbers
                                      and positions_angstrom), DIR/attention.json and DIR/attention.html (heat
                                      maps); -o names DIR (default: attention-NAME, NAME INPUT's name). MODEL is a
                                      GeomAtt model file; the structure must be isolated (no periodic cell).
                  --quiet             no summary line

                Periodic frames include every periodic image within the cutoff (no minimum-image limit).
                When INPUT has reference energies/forces, the summary reports the mean absolute errors.
                With an ensemble ({type: ensemble, members: [a.zip, b.zip, ...]}) each frame also gets the
                members' spread: ensemble_energy_std_eV, ensemble_force_std_max_eV_per_A and
                ensemble_force_std_mean_eV_per_A, and a per-atom column ensemble_force_std (eV/Å).""";
    }

    @Override public int run(String[] args) throws Exception {
        String ffArg = null;
        Path input = null, output = null;
        boolean quiet = false, attention = false;
        Integer frameIndex = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--forcefield", "-f" -> ffArg = value(args, ++i, "--forcefield needs a YAML file or inline YAML");
                case "--output", "-o" -> output = Path.of(value(args, ++i, "--output needs a file name"));
                case "--quiet", "-q" -> quiet = true;
                case "--attention" -> attention = true;
                case "--frame" -> frameIndex = frameIndex(value(args, ++i, "--frame needs a frame number (0-based; -1 = the last frame)"));
                default -> {
                    if (a.startsWith("-")) throw CliOptions.unknown(a, List.of("--forcefield", "--output", "--frame", "--attention", "--quiet"), "eval");
                    if (input != null) throw new UserError("more than one input file given ('" + input + "' and '" + a + "'); expected exactly one");
                    input = Path.of(a);
                }
            }
        }
        if (ffArg == null) throw new UserError("no force field given; expected --forcefield FILE.yaml or --forcefield '{type: ..., ...}'");
        if (input == null) throw new UserError("no input file given; expected md eval --forcefield FF INPUT.extxyz");
        if (attention) return EvalAttention.run(ffArg, input, frameIndex, output, quiet);
        if (output == null) output = Path.of(input.getFileName().toString().replaceFirst("\\.[^.]*$", "") + ".eval.extxyz");
        if (output.toAbsolutePath().normalize().equals(input.toAbsolutePath().normalize()))
            throw new UserError("the output " + output + " would overwrite the input; expected another --output file");
        md.engine.io.OutputPaths.file(output, "--output", "out.eval.extxyz");

        ForceFieldConfig ffConfig = forceFieldConfig(ffArg);
        List<Frame> frames = frameIndex == null ? StructureReader.readAll(input) : List.of(StructureReader.read(input, frameIndex));
        if (frames.isEmpty()) throw new UserError(input + ": no frames; expected at least one structure");
        double energyAbsErr = 0, forceAbsErr = 0;
        long energyCount = 0, forceCount = 0;
        String spread = null;
        try (ForceField ff = ffConfig.create(); ExtxyzWriter writer = ExtxyzWriter.create(output)) {
            List<String> observableNames = ff.observableNames();
            double[] observables = new double[observableNames.size()];
            double energyStdSum = 0, forceStdMax = 0;
            for (int k = 0; k < frames.size(); k++) {
                Frame frame = frames.get(k);
                int fileFrame = frameIndex == null ? k : frameIndex; // the frame's number in INPUT, for messages
                MolecularSystem system = MolecularSystem.fromFrame(frame, input + ", frame " + fileFrame);
                requireSupported(ff, system, ffConfig, input, fileFrame);
                Atoms atoms = system.atoms();
                NeighborList list = VerletNeighborList.pairsWithin(atoms, ff.cutoffAngstrom());
                double[] forces = new double[3 * system.size()];
                // the stress σ = −W/V (ASE's convention) where the cell has a volume along all three axes
                boolean stress = ff.providesVirial() && atoms.cell().periodic(0) && atoms.cell().periodic(1) && atoms.cell().periodic(2);
                double[] virial = stress ? new double[9] : null;
                double energy = ff.compute(atoms, list, forces, virial);
                Map<String, Object> info = new LinkedHashMap<>(frame.info());
                Object inputStress = info.remove(STRESS_KEY);
                if (inputStress != null) info.put(REF_STRESS_KEY, inputStress);
                if (stress) {
                    double[] sigma = new double[9];
                    double volume = atoms.cell().volume();
                    // ASE writes 3x3 info values in Fortran order: the q-th number is σ[q % 3][q / 3]
                    for (int q = 0; q < 9; q++) sigma[q] = -virial[3 * (q % 3) + q / 3] / volume;
                    info.put(STRESS_KEY, sigma);
                    Object inputVirial = info.remove("virial"); // not ours: a reader would take it for the model's
                    if (inputVirial != null) info.put("ref_virial", inputVirial);
                }
                if (frame.energyEv() != null) {
                    info.put(REF_ENERGY_KEY, frame.energyEv());
                    energyAbsErr += Math.abs(energy - frame.energyEv());
                    energyCount++;
                }
                if (frame.forces() != null) {
                    for (int i = 0; i < forces.length; i++) forceAbsErr += Math.abs(forces[i] - frame.forces()[i]);
                    forceCount += forces.length;
                }
                // the force field's per-evaluation observables (an ensemble's spread) as info keys
                ff.observables(observables);
                for (int o = 0; o < observables.length; o++) info.put(observableNames.get(o), observables[o]);
                Map<String, double[]> atomColumns = new LinkedHashMap<>();
                if (frame.forces() != null) atomColumns.put(REF_FORCES_COLUMN, frame.forces());
                if (ff instanceof EnsembleForceField ensemble) {
                    atomColumns.put(FORCE_STD_COLUMN, ensemble.atomForceStd());
                    energyStdSum += ensemble.energyStd();
                    for (double s : atomColumns.get(FORCE_STD_COLUMN)) forceStdMax = Math.max(forceStdMax, s);
                }
                writer.write(new Frame(frame.atomicNumbers(), frame.positions(), frame.cell(), energy, forces, frame.velocities(), info), atomColumns);
            }
            if (ff instanceof EnsembleForceField ensemble)
                spread = String.format(Locale.ROOT, "; spread of the %d members: mean energy std %.6g eV, largest atom force std %.6g eV/Å",
                        ensemble.size(), energyStdSum / frames.size(), forceStdMax);
        }
        if (!quiet) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "md eval: %d frame%s of %s with %s -> %s", frames.size(), frames.size() == 1 ? "" : "s", input, ffConfig.spec().type(), output));
            if (energyCount > 0) sb.append(String.format(Locale.ROOT, "; vs the input's labels: energy MAE %.6g eV", energyAbsErr / energyCount));
            if (forceCount > 0) sb.append(String.format(Locale.ROOT, ", force MAE %.6g eV/Å", forceAbsErr / forceCount));
            if (spread != null) sb.append(spread);
            System.out.println(sb);
        }
        return 0;
    }

    static Integer frameIndex(String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UserError("--frame expects a whole number (0-based; negative counts from the end), got '" + v + "'");
        }
    }

    private static String value(String[] args, int i, String message) {
        if (i >= args.length) throw new UserError(message);
        return args[i];
    }

    /** A force-field YAML file, a run input's forcefield section, or inline YAML. */
    static ForceFieldConfig forceFieldConfig(String arg) {
        ConfigNode root;
        if (arg.strip().startsWith("{")) {
            root = ConfigNode.parse(Path.of("--forcefield"), arg);
        } else {
            Path p = Path.of(arg);
            if (md.engine.config.InputFiles.problem(p) != null)
                throw new UserError("force field file " + p + " " + md.engine.config.InputFiles.problem(p).replace("no such file", "does not exist") + "; expected a YAML file with 'type' and the force field's keys, "
                        + "a run input with a 'forcefield' section, or inline YAML such as '{type: lennard-jones, ...}'");
            if (isModelFile(p)) {
                // a model file (zip) is the learned force field it defines (path as a single-quoted YAML scalar)
                String quoted = "'" + p.toAbsolutePath().toString().replace("'", "''") + "'";
                return ForceFieldConfig.from(ConfigNode.parse(Path.of("--forcefield"), "{type: learned, model: " + quoted + "}"));
            }
            root = ConfigNode.parse(p);
        }
        ConfigNode section = root.has("forcefield") ? root.section("forcefield") : root;
        return ForceFieldConfig.from(section);
    }

    /** A model file from md train / md import: a zip archive (starts with "PK\\3\\4"), not YAML text. */
    private static boolean isModelFile(Path p) {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(p)) {
            byte[] b = in.readNBytes(4);
            return b.length == 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
        } catch (java.io.IOException e) {
            return false; // reported as the YAML reader sees it
        }
    }

    private static void requireSupported(ForceField ff, MolecularSystem system, ForceFieldConfig config, Path input, int frame) {
        TreeSet<String> missing = new TreeSet<>();
        for (int z : system.atomicNumbers()) if (!ff.supportsElement(z)) missing.add(Elements.symbol(z));
        if (!missing.isEmpty())
            throw config.node().error("force field '" + ff.name() + "' has no parameters for " + String.join(", ", missing)
                    + ", found in " + input + " frame " + frame + "; expected parameters for every element of the input");
        // as md run refuses it: a periodic cell has infinitely many images within an infinite cutoff
        if (Double.isInfinite(ff.cutoffAngstrom()) && system.cell().isPeriodic())
            throw new UserError(input + ", frame " + frame + ": a periodic structure, but force field '" + ff.name() + "' has no cutoff "
                    + "(every pair of atoms interacts at any distance), which is defined for isolated molecules only; "
                    + "expected a frame without a periodic cell (pbc=\"F F F\")");
    }
}
