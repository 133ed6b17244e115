package md.engine.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import md.core.Elements;
import md.engine.cli.IoFailure;
import md.engine.cli.UserError;
import md.engine.config.ConfigNode;
import md.engine.config.DynamicsConfig;
import md.engine.config.OutputConfig;
import md.engine.config.RunConfig;
import md.engine.config.SafetyConfig;
import md.engine.config.StructureConfig;
import md.engine.config.VelocitiesConfig;
import md.engine.system.Frame;
import md.engine.system.MolecularSystem;
import md.analysis.BondLengthWatch;
import md.analysis.Bonds;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.integrators.Integrator;
import md.integrators.MdState;
import md.thermostats.MaxwellBoltzmann;

/**
 * One {@code md run}: sets up the simulation from a validated input (or its checkpoint), then steps it,
 * checking every step that energy and forces are finite and the temperature is inside the safety
 * window, and lets the outputs read the state at their intervals. Outputs only read the state, so a
 * run with more or fewer outputs follows the same trajectory.
 *
 * <p>Files in the output folder: {@code thermo.csv}, {@code trajectory.extxyz}, {@code trajectory-h5/}
 * segments, {@code checkpoint.mdchk}. A checkpoint records how much of each file existed when it was
 * taken; {@code --resume} cuts the files back to that point and continues, so the files end up
 * identical to those of an uninterrupted run (thermo.csv's wall-clock steps_per_s column aside).
 */
public final class MdRun implements AutoCloseable {
    public static final String CHECKPOINT = "checkpoint.mdchk";

    /**
     * @param outputDirectory overrides output.directory when not null
     * @param progress        where progress goes (null: nowhere)
     * @param terminal        whether {@code progress} is an interactive terminal (bar instead of lines)
     */
    public record Options(Path outputDirectory, boolean resume, boolean overwrite, PrintStream progress, boolean terminal) {}

    /**
     * Asked after every step, once that step's outputs are written: why the run should end here, or
     * null to go on. Lets a caller such as a stability benchmark end a run that has collapsed.
     */
    @FunctionalInterface
    public interface StopCondition {
        String stopReason(Simulation sim);
    }

    private final RunConfig config;
    private final Path directory;
    private final Simulation sim;
    private final long totalSteps;
    private final Map<String, String> settings;
    private final TrajectoryOutput trajectory;
    private final ThermoLog thermo;
    private long lastCheckpointStep = -1;
    private final long firstStep;
    private StopCondition stopCondition;
    private String stopReason;
    /** The bonds of the starting structure when safety.bond_deviation_A is set, else null. */
    private BondLengthWatch bondWatch;

    private MdRun(RunConfig config, Path directory, Simulation sim, Map<String, String> settings, TrajectoryOutput trajectory,
                  ThermoLog thermo, long firstStep) {
        this.config = config;
        this.directory = directory;
        this.sim = sim;
        this.totalSteps = config.dynamics().steps();
        this.settings = settings;
        this.trajectory = trajectory;
        this.thermo = thermo;
        this.firstStep = firstStep;
    }

    public Simulation simulation() { return sim; }
    public Path directory() { return directory; }

    /** Ends {@link #run} early (with a checkpoint at that step) when {@code condition} gives a reason. */
    public void stopWhen(StopCondition condition) { this.stopCondition = condition; }

    /** Why the last {@link #run} ended before dynamics.steps, or null when it ran to the end. */
    public String stopReason() { return stopReason; }

    // ------------------------------------------------------------------ setup

    /** Builds the run: fresh (step 0 written) or resumed from the output folder's checkpoint. */
    public static MdRun open(RunConfig config, Options options) throws IOException {
        return open(config, options, null);
    }

    /**
     * As {@link #open(RunConfig, Options)}, with {@code forceField} (when not null) in place of the one the
     * configuration's forcefield section would create, e.g. a replica of a batched evaluation. The run
     * closes it; so must the caller when this throws (closing twice must be harmless).
     */
    public static MdRun open(RunConfig config, Options options, ForceField forceField) throws IOException {
        Path dir = outputDirectory(config, options);
        // HDF5 output needs the native library: say so before any structure, model or file is touched
        if (config.output().trajectoryEvery() > 0 && config.output().trajectoryFormats().contains("h5")) md.engine.io.NativeHdf5.require();
        Path chk = dir.resolve(CHECKPOINT);
        Map<String, String> settings = RunSettings.of(config);
        Checkpoint resumeFrom = null;
        if (options.resume()) {
            if (!Files.isRegularFile(chk))
                throw new UserError("cannot resume: there is no checkpoint " + chk + "; expected the output folder of an earlier run of "
                        + config.file() + " (output.checkpoint.every > 0). "
                        + (Files.exists(dir.resolve(ThermoLog.FILE)) || Files.exists(dir.resolve(TrajectoryOutput.EXTXYZ)) || Files.exists(dir.resolve(TrajectoryOutput.H5))
                            ? "The earlier run stopped before its first checkpoint, so there is nothing to continue: start it again with --overwrite (replaces its files)."
                            : "Start the run without --resume."));
            resumeFrom = Checkpoint.read(chk);
            RunSettings.requireSame(resumeFrom.settings(), settings, chk, config.file());
            if (resumeFrom.step() > config.dynamics().steps())
                throw config.dynamics().node().get("steps").error("the checkpoint " + chk + " is at step " + resumeFrom.step()
                        + ", beyond the " + config.dynamics().steps() + " steps asked for; expected at least " + resumeFrom.step());
        } else if (!options.overwrite() && (Files.exists(chk) || Files.exists(dir.resolve(ThermoLog.FILE)) || Files.exists(dir.resolve(TrajectoryOutput.EXTXYZ)) || Files.exists(dir.resolve(TrajectoryOutput.H5)))) {
            throw new UserError(Files.exists(chk)
                    ? "the output folder " + dir + " already holds a run; use --resume to continue it, --overwrite to replace it, "
                            + "or choose another output.directory (" + config.file() + ")."
                    : "the output folder " + dir + " already holds a run that stopped before its first checkpoint (nothing to resume); "
                            + "use --overwrite to replace it, or choose another output.directory (" + config.file() + ").");
        }

        MolecularSystem system = resumeFrom != null
                ? MolecularSystem.fromFrame(new Frame(resumeFrom.atomicNumbers(), resumeFrom.positions(), resumeFrom.cell(), null, null,
                        resumeFrom.velocities(), null), "checkpoint " + chk)
                : MolecularSystem.fromFrame(StructureLoader.load(config.structure()), structureSource(config.structure()));
        ForceField ff = forceField != null ? forceField : config.forcefield().create();
        try {
            if (resumeFrom != null) keepInitialBonds(ff, config, system);
            return setUp(config, dir, settings, resumeFrom, system, ff);
        } catch (IOException | RuntimeException e) {
            ff.close();
            throw e;
        }
    }

    /** The folder a run writes to: --output when given, else output.directory. */
    public static Path outputDirectory(RunConfig config, Options options) {
        return options.outputDirectory() != null ? options.outputDirectory().toAbsolutePath().normalize() : config.output().directory();
    }

    private static MdRun setUp(RunConfig config, Path dir, Map<String, String> settings, Checkpoint resumeFrom, MolecularSystem system,
                               ForceField forceField) throws IOException {
        Path chk = dir.resolve(CHECKPOINT);
        requireSupportedElements(forceField, system, config);
        requireTimestepFitsAtoms(system, config);
        requireCutoffFitsCell(forceField, system, config);

        VelocitiesConfig vc = config.velocities();
        boolean comRemoved = vc != null && vc.removeCom(), rotationRemoved = vc != null && vc.removeRotation();
        if (rotationRemoved && system.cell().isPeriodic())
            throw vc.node().get("remove_rotation").error("rotation can only be removed for an isolated molecule, but the structure is periodic; expected false");
        int dof = IntegratorFactory.degreesOfFreedom(config.dynamics(), system.size(), comRemoved, rotationRemoved);
        requireBarostatFits(forceField, system, config);
        Integrator integrator = IntegratorFactory.create(config.dynamics(), system.size(), dof, system.cell().volume());
        Simulation sim = new Simulation(system, forceField, config.skinAngstrom(), integrator, dof);
        MdState state = sim.state();
        if (config.output().pressureTensor() && !sim.reportsPressure())
            throw config.root().section("output").get("pressure_tensor").error(!system.cell().isPeriodic() || !java.util.Arrays.equals(system.cell().pbc(), new boolean[] {true, true, true})
                    ? "a pressure tensor needs a cell periodic in all three directions (a volume), but the structure's periodicity is "
                      + java.util.Arrays.toString(system.cell().pbc()) + "; expected false or no pressure_tensor key"
                    : "force field '" + forceField.name() + "' gives no virial (direct forces), so there is no pressure tensor; expected false or no pressure_tensor key");

        Files.createDirectories(dir);
        OutputConfig out = config.output();
        if (resumeFrom == null) {
            if (vc != null) {
                double[] v = MaxwellBoltzmann.initialVelocities(system.positions(), system.massesAmu(), vc.temperatureK(), vc.seed(),
                        comRemoved, rotationRemoved, true);
                System.arraycopy(v, 0, system.velocities(), 0, v.length);
            }
            sim.computeInitialForces();
            Files.deleteIfExists(chk);
            Files.deleteIfExists(dir.resolve(ThermoLog.FILE));
            ThermoLog thermo = out.thermoEvery() > 0 ? ThermoLog.create(dir, sim, out.pressureTensor()) : null;
            MdRun run = new MdRun(config, dir, sim, settings, TrajectoryOutput.create(dir, out), thermo, 0);
            if (config.safety().watchesBonds()) run.bondWatch = new BondLengthWatch(system.positions(), system.atomicNumbers(), system.cell());
            try {
                run.check();
                run.observe(true);
            } catch (IOException | RuntimeException e) {
                run.closeOutputs();
                throw e;
            }
            return run;
        }
        state.step = resumeFrom.step();
        state.timeFs = resumeFrom.timeFs();
        System.arraycopy(resumeFrom.forces(), 0, state.forces, 0, state.forces.length);
        state.potentialEnergyEv = resumeFrom.potentialEnergyEv();
        integrator.restoreState(resumeFrom.integratorState());
        sim.restore(resumeFrom.neighborPositions() != null ? resumeFrom.neighborPositions() : resumeFrom.positions(), resumeFrom.neighborCell());
        if (!sim.conservative()) {
            if (Double.isNaN(resumeFrom.work().initialPotentialEv()))
                throw new UserError("cannot resume: the checkpoint " + chk + " was written by a run whose forces were conservative (or by an older md), "
                        + "but " + config.forcefield().node().where() + " now gives non-conservative forces; expected the force field the run started with");
            sim.restoreWork(resumeFrom.work().initialPotentialEv(), resumeFrom.work().workEv());
        }
        Checkpoint.OutputMarks marks = resumeFrom.outputs();
        ThermoLog thermo = out.thermoEvery() > 0 ? ThermoLog.resume(dir, marks.thermoBytes(), sim) : null;
        MdRun run = new MdRun(config, dir, sim, settings, TrajectoryOutput.resume(dir, out, marks), thermo, resumeFrom.step());
        run.lastCheckpointStep = resumeFrom.step();
        if (config.safety().watchesBonds()) { // the bonds of the structure the run started from, not of the checkpoint
            MolecularSystem initial = MolecularSystem.fromFrame(StructureLoader.load(config.structure()), structureSource(config.structure()));
            run.bondWatch = new BondLengthWatch(initial.positions(), initial.atomicNumbers(), initial.cell());
        }
        return run;
    }

    /**
     * A bond potential with bonds: auto detects its bonds in the geometry it first sees; a resumed run
     * must keep the bonds of the initial structure (a stretched bond at the checkpoint could otherwise be
     * lost or a new one found), so they are detected from the structure section again.
     */
    private static void keepInitialBonds(ForceField ff, RunConfig config, MolecularSystem resumed) {
        if (!(ff instanceof md.forcefields.TopologyFromStructure bonds) || !bonds.detectsBonds()) return;
        MolecularSystem initial = MolecularSystem.fromFrame(StructureLoader.load(config.structure()), structureSource(config.structure()));
        if (!java.util.Arrays.equals(initial.atomicNumbers(), resumed.atomicNumbers()))
            throw config.structure().node().error("the structure no longer has the atoms of the checkpoint (" + initial.size() + " atoms now, "
                    + resumed.size() + " in the checkpoint, or other elements); the bonds of a bonds: auto force field are detected "
                    + "from it, so expected the structure the run started from");
        bonds.assignBondsFrom(new Atoms(initial.atomicNumbers(), initial.positions(), initial.cell()));
    }

    private static String structureSource(StructureConfig s) {
        return switch (s) {
            case StructureConfig.FromFile f -> s.node().get("file").where() + " (" + f.file() + ", frame " + f.frame() + ")";
            case StructureConfig.Lattice l -> s.node().where() + " (" + l.kind() + " lattice)";
        };
    }

    /** The hydrogen limit of the timestep (the other limit needs no atoms and is checked by the loader). */
    private static void requireTimestepFitsAtoms(MolecularSystem system, RunConfig config) {
        double dt = config.dynamics().timestepFs();
        if (dt <= DynamicsConfig.MAX_TIMESTEP_WITH_HYDROGEN_FS || config.dynamics().allowLargeTimestep()) return;
        int firstH = -1;
        for (int i = 0; i < system.size() && firstH < 0; i++) if (system.atomicNumbers()[i] == 1) firstH = i;
        if (firstH < 0) return;
        ConfigNode ts = config.dynamics().node().get("timestep_fs");
        throw ts.error("a timestep of " + DynamicsConfig.format(dt) + " fs is far above what hydrogen allows (the structure has hydrogen, first atom "
                + firstH + "; at most " + (int) DynamicsConfig.MAX_TIMESTEP_WITH_HYDROGEN_FS + " fs with hydrogen, typically 0.5 to 1 fs): "
                + "X-H bonds vibrate with a period of about 10 fs and the dynamics would blow up. Expected a smaller timestep_fs, or "
                + "allow_large_timestep: true in the dynamics section if this is intended");
    }

    /** A barostat needs a volume (fully periodic cell), a virial, and for anisotropic coupling an orthorhombic cell. */
    private static void requireBarostatFits(ForceField ff, MolecularSystem system, RunConfig config) {
        md.engine.config.BarostatConfig b = config.dynamics().barostat();
        if (b == null) return;
        boolean[] pbc = system.cell().pbc();
        if (!(pbc[0] && pbc[1] && pbc[2]))
            throw b.node().error((b.flexible() ? "a flexible barostat changes the shape and volume of the periodic cell" : "a barostat changes the volume of the periodic cell")
                    + ", but the structure is "
                    + (system.cell().isPeriodic() ? "periodic only along " + periodicAxes(pbc) : "not periodic (an isolated system has no volume)")
                    + "; expected a structure periodic in all three directions, or no barostat");
        if (!ff.providesVirial())
            throw b.node().error("a barostat needs the pressure, but force field '" + ff.name() + "' gives no virial (forces that are not "
                    + "the gradient of an energy); expected a force field with a virial (classical, or a learned model with conservative forces), or no barostat");
        if (b.anisotropic() && !system.cell().isOrthorhombic())
            throw b.node().get("coupling").error("anisotropic coupling scales the x, y and z axes independently and needs an orthorhombic cell, "
                    + "but the structure's cell is triclinic " + system.cell() + "; expected coupling: isotropic, or flexible (which lets a triclinic cell change its shape)");
    }

    private static String periodicAxes(boolean[] pbc) {
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < 3; k++) if (pbc[k]) s.append(s.length() > 0 ? ", " : "").append("xyz".charAt(k));
        return s.toString();
    }

    private static void requireSupportedElements(ForceField ff, MolecularSystem system, RunConfig config) {
        TreeSet<String> missing = new TreeSet<>();
        int firstAtom = -1;
        for (int i = 0; i < system.size(); i++) {
            int z = system.atomicNumbers()[i];
            if (!ff.supportsElement(z)) {
                missing.add(Elements.symbol(z));
                if (firstAtom < 0) firstAtom = i;
            }
        }
        if (!missing.isEmpty())
            throw config.forcefield().node().error("force field '" + ff.name() + "' has no parameters for element" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + " (first: atom " + firstAtom + " of the structure); expected parameters for every element in the structure");
    }

    /**
     * Any periodic cell is allowed, also one narrower than twice the cutoff: the neighbour list then holds
     * every image of a partner within the cutoff, and images of the atom itself (as LAMMPS and
     * {@code md eval} do). Refused: a force field without a cutoff in a periodic cell (infinitely many
     * images), and a cell so small for the list radius (cutoff + skin) that the images to search become
     * absurdly many, which is surely a mistake (e.g. a cutoff in the wrong unit).
     */
    private static void requireCutoffFitsCell(ForceField ff, MolecularSystem system, RunConfig config) {
        if (!system.cell().isPeriodic()) return;
        double rc = ff.cutoffAngstrom();
        if (Double.isInfinite(rc))
            throw config.forcefield().node().error("force field '" + ff.name() + "' has no cutoff (every pair of atoms interacts at any distance), "
                    + "which is defined for isolated molecules only; expected a structure without a periodic cell");
        double[] w = system.cell().perpendicularWidths();
        double listRadius = rc + config.skinAngstrom();
        double narrowest = Double.POSITIVE_INFINITY;
        for (int k = 0; k < 3; k++) if (system.cell().periodic(k)) narrowest = Math.min(narrowest, w[k]);
        double images = system.cell().imagesWithin(listRadius);
        if (images > MAX_IMAGES_SEARCHED) {
            ConfigNode node = config.forcefield().node();
            ConfigNode cutoffNode = null;
            for (String k : node.keys()) if (k.startsWith("cutoff")) cutoffNode = node.get(k);
            throw (cutoffNode != null ? cutoffNode : node).error("the cutoff " + round(rc) + " Å (plus the " + round(config.skinAngstrom())
                    + " Å neighbour skin) reaches about " + String.format(Locale.ROOT, "%.3g", images) + " periodic images of a cell only "
                    + round(narrowest) + " Å wide; expected a cutoff of at most a few cell widths, or a larger cell (more repeats of the structure)");
        }
    }

    /** Periodic images of the cell searched around each atom beyond which a run is refused (about 46 along each of three directions). */
    static final double MAX_IMAGES_SEARCHED = 1e5;

    // ------------------------------------------------------------------ the loop

    /**
     * Runs to dynamics.steps, or until the {@link #stopWhen stop condition} gives a reason. Throws
     * {@link UnstableRunException} when the dynamics fails a check.
     */
    public void run(Options options) throws IOException {
        Progress progress = new Progress(options.progress(), options.terminal(), config.output().progressEverySeconds(), firstStep, totalSteps);
        MdState state = sim.state();
        stopReason = null;
        while (state.step < totalSteps) {
            try {
                sim.step();
            } catch (IllegalArgumentException e) {
                // Positions that overflowed to infinity are refused by the neighbour list: an instability, not a bug.
                int atom = firstNonFinite(state.positions);
                if (atom < 0) throw e;
                throw failure("the position of atom " + atom + " became non-finite — the dynamics became unstable (usual causes: "
                        + "a timestep too large for the fastest motion, overlapping atoms, or a force field used outside its range)");
            }
            check();
            observe(false);
            progress.update(sim);
            if (stopCondition != null && (stopReason = stopCondition.stopReason(sim)) != null) break;
        }
        if (lastCheckpointStep != state.step && config.output().checkpointEvery() > 0) checkpoint();
        progress.finish(sim);
    }

    /** Writes the outputs due at this step; {@code start} writes all of them (step 0 of a fresh run). */
    private void observe(boolean start) throws IOException {
        long step = sim.state().step;
        OutputConfig out = config.output();
        if (thermo != null && (start || step % out.thermoEvery() == 0)) thermo.write(sim);
        if (trajectory.every() > 0 && (start || step % trajectory.every() == 0)) trajectory.write(sim);
        if (out.checkpointEvery() > 0 && (start || step % out.checkpointEvery() == 0 || step == totalSteps)) checkpoint();
    }

    private void checkpoint() throws IOException {
        long thermoBytes = 0;
        if (thermo != null) {
            thermo.sync();
            thermoBytes = thermo.position();
        }
        Checkpoint.OutputMarks marks = trajectory.sync(thermoBytes);
        MdState s = sim.state();
        MolecularSystem system = sim.system();
        Checkpoint c = new Checkpoint(settings, s.step, s.timeFs, system.atomicNumbers(), system.cell(), s.positions, s.velocities, s.forces,
                s.potentialEnergyEv, sim.neighborPositions(), sim.neighbors().cellAtBuild(), sim.integrator().saveState(), marks,
                sim.conservative() ? Checkpoint.Work.NONE : new Checkpoint.Work(sim.initialPotentialEv(), sim.workEv()));
        Path file = directory.resolve(CHECKPOINT);
        IoFailure.wrap("cannot write the checkpoint " + file, () -> c.write(file));
        lastCheckpointStep = s.step;
    }

    /**
     * Energy and forces finite, temperature inside the window; O(N) and allocation-free. Inf·0 and
     * NaN·0 are NaN while any finite force times 0 is 0, so one multiply-add per component finds
     * non-finite forces without overflowing on large finite ones.
     */
    private void check() {
        MdState s = sim.state();
        double[] f = s.forces;
        double probe = 0;
        for (double fi : f) probe += fi * 0.0;
        boolean energyBad = !Double.isFinite(s.potentialEnergyEv);
        if (energyBad || probe != 0) {
            String what;
            if (energyBad) what = "the potential energy is " + s.potentialEnergyEv;
            else {
                int atom = 0;
                while (Double.isFinite(f[3 * atom]) && Double.isFinite(f[3 * atom + 1]) && Double.isFinite(f[3 * atom + 2])) atom++;
                what = "the force on atom " + atom + " (" + Elements.symbol(sim.system().atomicNumbers()[atom]) + ") is ["
                        + f[3 * atom] + ", " + f[3 * atom + 1] + ", " + f[3 * atom + 2] + "] eV/Å";
            }
            throw failure(what + " — the dynamics became unstable (usual causes: a timestep too large for the fastest motion, "
                    + "overlapping atoms, or a force field used outside its range)");
        }
        SafetyConfig safety = config.safety();
        double t = sim.temperatureK(sim.kineticEnergyEv());
        if (!(t >= safety.minTemperatureK() && t <= safety.maxTemperatureK()))
            throw failure(String.format(Locale.ROOT, "the temperature %.6g K left the window [%s, %s] K %s", t,
                    fmt(safety.minTemperatureK()), fmt(safety.maxTemperatureK()), safety.node() != null ? "set by " + safety.node().where()
                            : "(the default of safety.temperature_window_K) — the dynamics became unstable (usual causes: a timestep too "
                            + "large for the fastest motion, overlapping atoms, or a force field used outside its range)"));
        if (bondWatch != null) {
            double dev = bondWatch.maxDeviation(s.positions);
            if (dev > safety.bondDeviationA()) {
                int b = bondWatch.worstBond();
                Bonds.Bond bond = bondWatch.bonds().get(b);
                throw failure(String.format(Locale.ROOT, "bond %s deviates %.3f Å from its starting length %.3f Å (more than %s Å, %s) — "
                        + "the molecule is falling apart (usual causes: a force field used outside its range%s, or a timestep too large)",
                        Bonds.label(bond, sim.system().atomicNumbers()), dev, bondWatch.startLength(b), fmt(safety.bondDeviationA()),
                        safety.bondNode().where(), sim.conservative() ? "" : ", or forces that are not conservative (direct forces)"));
            }
        }
    }

    private static int firstNonFinite(double[] xyz) {
        for (int i = 0; i < xyz.length; i++) if (!Double.isFinite(xyz[i])) return i / 3;
        return -1;
    }

    private UnstableRunException failure(String what) {
        MdState s = sim.state();
        StringBuilder msg = new StringBuilder(String.format(Locale.ROOT, "stopped at step %d (t = %s ps): %s. ", s.step, fmt(s.timeFs / 1000), what));
        long goodFrame = trajectory.lastFrameStep();
        if (goodFrame >= 0) msg.append("The last good frame is step ").append(goodFrame).append(" in ").append(trajectory.describe()).append(". ");
        if (lastCheckpointStep >= 0) msg.append("The last checkpoint (step ").append(lastCheckpointStep).append(") is ")
                .append(directory.resolve(CHECKPOINT)).append(": md run --resume continues from it (e.g. after widening the safety window), or name it as structure.file of a new run with a smaller timestep.");
        else msg.append("No checkpoint was written.");
        return new UnstableRunException(msg.toString());
    }

    private static double round(double v) { return Math.round(v * 1e4) / 1e4; }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** Closes the output files (the force field stays open). */
    private void closeOutputs() throws IOException {
        try {
            if (thermo != null) thermo.close();
        } finally {
            trajectory.close();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            closeOutputs();
        } finally {
            sim.forceField().close();
        }
    }
}
