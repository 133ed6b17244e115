package md.engine.io;

import static hdf.hdf5lib.HDF5Constants.H5F_ACC_RDWR;
import static hdf.hdf5lib.HDF5Constants.H5F_ACC_TRUNC;
import static hdf.hdf5lib.HDF5Constants.H5F_SCOPE_GLOBAL;
import static hdf.hdf5lib.HDF5Constants.H5P_DATASET_CREATE;
import static hdf.hdf5lib.HDF5Constants.H5P_DEFAULT;
import static hdf.hdf5lib.HDF5Constants.H5S_SCALAR;
import static hdf.hdf5lib.HDF5Constants.H5S_SELECT_SET;
import static hdf.hdf5lib.HDF5Constants.H5S_UNLIMITED;
import static hdf.hdf5lib.HDF5Constants.H5T_C_S1;
import static hdf.hdf5lib.HDF5Constants.H5T_IEEE_F64LE;
import static hdf.hdf5lib.HDF5Constants.H5T_NATIVE_DOUBLE;
import static hdf.hdf5lib.HDF5Constants.H5T_NATIVE_INT;
import static hdf.hdf5lib.HDF5Constants.H5T_NATIVE_LLONG;
import static hdf.hdf5lib.HDF5Constants.H5T_STD_I32LE;
import static hdf.hdf5lib.HDF5Constants.H5T_STD_I64LE;
import static hdf.hdf5lib.HDF5Constants.H5T_STR_NULLTERM;
import static hdf.hdf5lib.HDF5Constants.H5T_VARIABLE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.exceptions.HDF5Exception;
import md.core.Cell;
import md.core.Elements;
import md.core.Units;
import md.engine.system.Frame;

/**
 * Trajectory in one H5MD 1.1 file, appended frame by frame to chunked datasets that are extendable
 * along time, through the native HDF5 library ({@link NativeHdf5}):
 * <pre>
 * /h5md                          version=[1,1]; author/name, creator/{name, version}; modules/units {version=[1,0], system="SI"}
 * /particles/all/species         int32 [N] atomic numbers;  mass float64 [N], unit "u"
 * /particles/all/box             dimension=3, boundary=["periodic"|"none"]x3; edges/{value [F][3][3] "Angstrom", step, time}
 *                                (rows = cell vectors; absent when no direction is periodic)
 * /particles/all/position        {value [F][N][3] "Angstrom", step int64 [F], time float64 [F] "fs"}
 * /particles/all/image           {value int32 [F][N][3], step, time}: periodic image counts of wrapped positions
 *                                (unwrapped = position + image · edges, edges' rows the cell vectors); only when
 *                                the caller passes images with the first frame ({@code output.trajectory.wrap})
 * /particles/all/velocity        {value "Angstrom fs-1", step, time}
 * /particles/all/force           {value "kJ mol-1 Angstrom-1", step, time}
 * /observables/NAME              {value [F], step, time}: potential_energy, kinetic_energy, total_energy,
 *                                conserved_energy (eV), temperature (K), pressure (bar, fully periodic cells with a
 *                                virial), and the force field's own observables
 * /observables/NAME              {value [F][3][3], step, time}: a 3×3 tensor (a frame info value that is a double[9],
 *                                row-major), e.g. pressure_tensor (bar, LAMMPS' sign, with output.pressure_tensor)
 * </pre>
 * {@code step} and {@code time} exist once, in {@code position}; every other element hard-links them, as
 * H5MD requires for {@code box}. Unit strings follow the H5MD units module's syntax; where its symbols and
 * MDAnalysis' H5MD reader (the main consumer) disagree, MDAnalysis wins: Ångström is written "Angstrom"
 * (the module's symbol is "Ang", which MDAnalysis rejects), and forces are stored in kJ mol-1 Angstrom-1
 * because MDAnalysis knows no eV-based force unit and refuses a file whose units it cannot convert.
 *
 * <p>Durability: {@link #write} ends with H5Fflush, so the file on disk holds every frame written, and a
 * process killed between frames (SIGKILL included) loses none. The data are in the operating system's
 * cache then, not necessarily on the disk: like extended XYZ, a power cut may lose the newest frames.
 */
public final class H5mdTrajectoryWriter implements AutoCloseable {
    public static final String PARTICLES = "/particles/all";
    private static final String IMAGE = PARTICLES + "/image/value";
    static final String LENGTH = "Angstrom", VELOCITY = "Angstrom fs-1", FORCE = "kJ mol-1 Angstrom-1", TIME = "fs";
    /** Our forces (eV/Å) times this give the stored kJ mol-1 Angstrom-1. */
    static final double FORCE_EV_TO_KJ_PER_MOL = 1.0 / Units.KJ_PER_MOL_TO_EV;
    private static final int SCALAR_CHUNK_FRAMES = 1024;

    private final Path file;
    private long fileId = -1;
    private boolean created;
    private long frames;
    private final Map<String, Long> datasets = new LinkedHashMap<>();
    private List<String> observableNames = List.of();
    /** The observables stored as 3×3 per frame (the others are scalars). */
    private final java.util.Set<String> tensorObservables = new java.util.HashSet<>();
    private Frame first;

    private H5mdTrajectoryWriter(Path file) { this.file = file; }

    /** A new trajectory file (replaced if it exists); its datasets are made with the first frame. */
    public static H5mdTrajectoryWriter create(Path file) throws IOException {
        NativeHdf5.require();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        H5mdTrajectoryWriter w = new H5mdTrajectoryWriter(file);
        w.fileId = call(file, "create " + file, () -> H5.H5Fcreate(file.toString(), H5F_ACC_TRUNC, H5P_DEFAULT, unlockedAccess()));
        return w;
    }

    /**
     * Continues {@code file} after its first {@code keepFrames} frames (a resume from a checkpoint taken
     * there): datasets are truncated to that length, so frames written after the checkpoint are dropped.
     */
    public static H5mdTrajectoryWriter resume(Path file, long keepFrames) throws IOException {
        NativeHdf5.require();
        if (!Files.isRegularFile(file)) {
            if (keepFrames == 0) return create(file);
            throw new IOException(file + ": missing, but the checkpoint records " + keepFrames + " trajectory frames in it");
        }
        H5mdTrajectoryWriter w = new H5mdTrajectoryWriter(file);
        w.fileId = call(file, "open " + file, () -> H5.H5Fopen(file.toString(), H5F_ACC_RDWR, unlockedAccess()));
        if (!exists(w.fileId, PARTICLES + "/position/value")) {
            if (keepFrames > 0) throw new IOException(file + ": holds no frames, but resuming needs its first " + keepFrames);
            H5.H5Fclose(w.fileId);
            return create(file);
        }
        w.reopen(keepFrames);
        return w;
    }

    /**
     * File access without HDF5's file lock: with it, h5py (and every HDF5 reader) refuses to open the file
     * while the run writes ("unable to lock file"), so a running trajectory could not be looked at. Two md
     * runs never write one folder (md's own .lock), and each frame is flushed whole, so a reader sees the
     * file as of the last complete frame (or, racing a flush, fails and can retry).
     */
    private static synchronized long unlockedAccess() throws HDF5Exception {
        // one property list for the process, never closed: closing it after a failed H5Fcreate would clear
        // HDF5's error stack before osReason() reads the errno text from it
        if (unlockedFapl < 0) {
            long fapl = H5.H5Pcreate(hdf.hdf5lib.HDF5Constants.H5P_FILE_ACCESS);
            H5.H5Pset_file_locking(fapl, false, true);
            unlockedFapl = fapl;
        }
        return unlockedFapl;
    }

    private static long unlockedFapl = -1;

    /** Appends one frame with unwrapped positions and no image counts. */
    public void write(Frame frame, long step, double timeFs) throws IOException { write(frame, null, step, timeFs); }

    /**
     * Appends one frame; all frames must have the same atoms and carry the same quantities. {@code images}
     * (3N, null for none) are the periodic image counts of the frame's positions, which are then folded into
     * the cell: the first frame decides whether the file has {@code particles/all/image}. A file that has it
     * gets zeros for a frame without images (its positions are then unwrapped already, and position + image ·
     * edges stays right); a file without it must not be given images ({@link #storesImages()}).
     */
    public void write(Frame frame, int[] images, long step, double timeFs) throws IOException {
        if (images != null && images.length != frame.positions().length)
            throw new IllegalArgumentException(images.length + " image counts for " + frame.size() + " atoms; expected 3 per atom");
        if (!created) createLayout(frame, images != null);
        else if (images != null && !storesImages())
            throw new IllegalArgumentException(file + " has no particles/all/image; write unwrapped positions to it");
        else if (first == null) first = frame; // resumed: the first frame of this process is the reference
        else requireCompatible(first, frame);
        long k = frames;
        call("append frame " + k + " to " + file, () -> {
            append(PARTICLES + "/position/step", new long[] {step});
            append(PARTICLES + "/position/time", new double[] {timeFs});
            append(PARTICLES + "/position/value", frame.positions());
            if (storesImages()) append(IMAGE, images != null ? images : new int[frame.positions().length]);
            if (frame.velocities() != null) append(PARTICLES + "/velocity/value", frame.velocities());
            if (frame.forces() != null) {
                double[] f = frame.forces().clone();
                for (int i = 0; i < f.length; i++) f[i] *= FORCE_EV_TO_KJ_PER_MOL;
                append(PARTICLES + "/force/value", f);
            }
            if (datasets.containsKey(PARTICLES + "/box/edges/value")) append(PARTICLES + "/box/edges/value", frame.cell().vectors());
            for (String name : observableNames)
                append("/observables/" + name + "/value", tensorObservables.contains(name) ? tensorObservable(frame, name) : new double[] {observable(frame, name)});
            H5.H5Fflush(fileId, H5F_SCOPE_GLOBAL);
            return 0L;
        });
        frames++;
    }

    /**
     * Whether the file has (or, before its first frame, may still get) {@code particles/all/image}: a resumed
     * trajectory begun without image counts goes on with unwrapped positions.
     */
    public boolean storesImages() { return !created || datasets.containsKey(IMAGE); }

    /** Frames in the file (kept frames of a resumed one included). */
    public long framesWritten() { return frames; }

    /** Every frame written is flushed at once; kept for callers that sync their outputs together. */
    public void flush() throws IOException {
        if (fileId >= 0) call("flush " + file, () -> (long) H5.H5Fflush(fileId, H5F_SCOPE_GLOBAL));
    }

    @Override public void close() throws IOException {
        if (fileId < 0) return;
        long id = fileId;
        fileId = -1;
        call("close " + file, () -> {
            for (long d : datasets.values()) H5.H5Dclose(d);
            datasets.clear();
            return (long) H5.H5Fclose(id);
        });
    }

    // ---- layout ---------------------------------------------------------------------------------

    private void createLayout(Frame f, boolean withImages) throws IOException {
        first = f;
        int n = f.size();
        observableNames = observableNames(f);
        for (String name : observableNames) if (f.info().get(name) instanceof double[]) tensorObservables.add(name);
        call("create the H5MD layout in " + file, () -> {
            long h5md = H5.H5Gcreate(fileId, "h5md", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            intAttribute(h5md, "version", 1, 1);
            long author = H5.H5Gcreate(h5md, "author", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            stringAttribute(author, "name", System.getProperty("user.name", "unknown"));
            H5.H5Gclose(author);
            long creator = H5.H5Gcreate(h5md, "creator", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            stringAttribute(creator, "name", "md");
            stringAttribute(creator, "version", version());
            H5.H5Gclose(creator);
            long modules = H5.H5Gcreate(h5md, "modules", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            long units = H5.H5Gcreate(modules, "units", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            intAttribute(units, "version", 1, 0);
            stringAttribute(units, "system", "SI");
            H5.H5Gclose(units);
            H5.H5Gclose(modules);
            H5.H5Gclose(h5md);

            long particles = H5.H5Gcreate(fileId, "particles", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            long all = H5.H5Gcreate(particles, "all", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            fixed(all, "species", H5T_STD_I32LE, H5T_NATIVE_INT, f.atomicNumbers().clone(), n, null);
            double[] masses = new double[n];
            for (int i = 0; i < n; i++) masses[i] = Elements.massAmu(f.atomicNumbers()[i]);
            fixed(all, "mass", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, masses, n, "u");

            long position = H5.H5Gcreate(all, "position", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            series(PARTICLES + "/position/step", H5T_STD_I64LE, new long[0], SCALAR_CHUNK_FRAMES, null);
            series(PARTICLES + "/position/time", H5T_IEEE_F64LE, new long[0], SCALAR_CHUNK_FRAMES, TIME);
            series(PARTICLES + "/position/value", H5T_IEEE_F64LE, new long[] {n, 3}, perAtomChunk(n), LENGTH);
            H5.H5Gclose(position);
            // H5MD 1.1 "image": an integer element beside position, sharing its step and time
            if (withImages) timeDependent(all, "image", H5T_STD_I32LE, new long[] {n, 3}, perAtomChunk(n), null);
            if (f.velocities() != null) timeDependent(all, "velocity", new long[] {n, 3}, perAtomChunk(n), VELOCITY);
            if (f.forces() != null) timeDependent(all, "force", new long[] {n, 3}, perAtomChunk(n), FORCE);

            long box = H5.H5Gcreate(all, "box", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            intScalarAttribute(box, "dimension", 3);
            boolean[] pbc = f.cell().pbc();
            stringArrayAttribute(box, "boundary", new String[] {pbc[0] ? "periodic" : "none", pbc[1] ? "periodic" : "none", pbc[2] ? "periodic" : "none"});
            if (f.cell().isPeriodic()) timeDependent(box, "edges", new long[] {3, 3}, SCALAR_CHUNK_FRAMES / 8, LENGTH);
            H5.H5Gclose(box);
            H5.H5Gclose(all);
            H5.H5Gclose(particles);

            if (!observableNames.isEmpty()) {
                long obs = H5.H5Gcreate(fileId, "observables", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
                for (String name : observableNames)
                    if (tensorObservables.contains(name)) timeDependent(obs, name, new long[] {3, 3}, SCALAR_CHUNK_FRAMES / 8, observableUnit(name));
                    else timeDependent(obs, name, new long[0], SCALAR_CHUNK_FRAMES, observableUnit(name));
                H5.H5Gclose(obs);
            }
            return 0L;
        });
        created = true;
    }

    /** Reopens the datasets of an existing file and truncates them to {@code keepFrames}. */
    private void reopen(long keepFrames) throws IOException {
        call("reopen " + file, () -> {
            for (String path : List.of(PARTICLES + "/position/step", PARTICLES + "/position/time", PARTICLES + "/position/value",
                    IMAGE, PARTICLES + "/velocity/value", PARTICLES + "/force/value", PARTICLES + "/box/edges/value"))
                if (exists(fileId, path)) datasets.put(path, H5.H5Dopen(fileId, path, H5P_DEFAULT));
            List<String> names = new ArrayList<>();
            if (exists(fileId, "/observables")) {
                long obs = H5.H5Gopen(fileId, "/observables", H5P_DEFAULT);
                long count = H5.H5Gget_info(obs).nlinks;
                for (long i = 0; i < count; i++)
                    names.add(H5.H5Lget_name_by_idx(fileId, "/observables", hdf.hdf5lib.HDF5Constants.H5_INDEX_NAME, hdf.hdf5lib.HDF5Constants.H5_ITER_INC, i, H5P_DEFAULT));
                H5.H5Gclose(obs);
            }
            for (String name : names) {
                long d = H5.H5Dopen(fileId, "/observables/" + name + "/value", H5P_DEFAULT);
                datasets.put("/observables/" + name + "/value", d);
                if (extent(d).length == 3) tensorObservables.add(name);
            }
            observableNames = names;
            long have = extent(datasets.get(PARTICLES + "/position/step"))[0];
            if (have < keepFrames) throw new IOException(file + ": holds " + have + " frames, but resuming needs its first " + keepFrames);
            for (long d : datasets.values()) {
                long[] dims = extent(d);
                dims[0] = keepFrames;
                H5.H5Dset_extent(d, dims);
            }
            H5.H5Fflush(fileId, H5F_SCOPE_GLOBAL);
            return 0L;
        });
        frames = keepFrames;
        created = true;
    }

    private static List<String> observableNames(Frame f) {
        List<String> names = new ArrayList<>();
        if (f.hasEnergy()) names.add("potential_energy");
        for (Map.Entry<String, Object> e : f.info().entrySet())
            if ((e.getValue() instanceof Number || e.getValue() instanceof double[] a && a.length == 9) && !names.contains(e.getKey())) names.add(e.getKey());
        return names;
    }

    private static double observable(Frame f, String name) {
        if (name.equals("potential_energy") && f.hasEnergy()) return f.energyEv();
        return f.info().get(name) instanceof Number num ? num.doubleValue() : Double.NaN;
    }

    /** A 3×3 observable of the frame, row-major; NaNs where the frame lacks it. */
    private static double[] tensorObservable(Frame f, String name) {
        if (f.info().get(name) instanceof double[] a && a.length == 9) return a.clone();
        double[] nan = new double[9];
        Arrays.fill(nan, Double.NaN);
        return nan;
    }

    /** H5MD unit of an observable, from its name (ours, or the force field's _eV / _eV_per_A suffixes). */
    static String observableUnit(String name) {
        if (name.endsWith("_energy") || name.endsWith("_eV")) return "eV";
        if (name.equals("temperature") || name.endsWith("_K")) return "K";
        if (name.equals("pressure") || name.equals("pressure_tensor") || name.endsWith("_bar")) return "bar";
        if (name.endsWith("_eV_per_A")) return "eV " + LENGTH + "-1";
        return null;
    }

    private static int perAtomChunk(int n) { return (int) Math.max(1, Math.min(64, (64 * 1024) / (24L * n))); }

    private static String version() {
        String v = H5mdTrajectoryWriter.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    private static void requireCompatible(Frame first, Frame f) {
        if (!Arrays.equals(first.atomicNumbers(), f.atomicNumbers()))
            throw new IllegalArgumentException("all frames of an H5MD trajectory must have the same atoms");
        if ((first.velocities() == null) != (f.velocities() == null) || (first.forces() == null) != (f.forces() == null)
                || first.hasEnergy() != f.hasEnergy() || !Arrays.equals(first.cell().pbc(), f.cell().pbc()))
            throw new IllegalArgumentException("all frames of an H5MD trajectory must carry the same quantities and periodicity");
    }

    // ---- HDF5 helpers -----------------------------------------------------------------------------

    /** A time-dependent element NAME/{value, step, time} whose step and time hard-link position's. */
    private void timeDependent(long parent, String name, long[] itemShape, int chunkFrames, String unit) throws HDF5Exception {
        timeDependent(parent, name, H5T_IEEE_F64LE, itemShape, chunkFrames, unit);
    }

    private void timeDependent(long parent, String name, long fileType, long[] itemShape, int chunkFrames, String unit) throws HDF5Exception {
        long g = H5.H5Gcreate(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        String path = H5.H5Iget_name(g);
        H5.H5Lcreate_hard(fileId, PARTICLES + "/position/step", g, "step", H5P_DEFAULT, H5P_DEFAULT);
        H5.H5Lcreate_hard(fileId, PARTICLES + "/position/time", g, "time", H5P_DEFAULT, H5P_DEFAULT);
        H5.H5Gclose(g);
        series(path + "/value", fileType, itemShape, chunkFrames, unit);
    }

    /** A chunked dataset [0][itemShape...] with an unlimited first dimension. */
    private void series(String path, long fileType, long[] itemShape, int chunkFrames, String unit) throws HDF5Exception {
        int rank = itemShape.length + 1;
        long[] dims = new long[rank], max = new long[rank], chunk = new long[rank];
        max[0] = H5S_UNLIMITED;
        chunk[0] = Math.max(1, chunkFrames);
        for (int k = 1; k < rank; k++) { dims[k] = max[k] = chunk[k] = itemShape[k - 1]; }
        long space = H5.H5Screate_simple(rank, dims, max);
        long dcpl = H5.H5Pcreate(H5P_DATASET_CREATE);
        H5.H5Pset_chunk(dcpl, rank, chunk);
        long d = H5.H5Dcreate(fileId, path, fileType, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        H5.H5Pclose(dcpl);
        H5.H5Sclose(space);
        if (unit != null) stringAttribute(d, "unit", unit);
        datasets.put(path, d);
    }

    private static void fixed(long parent, String name, long fileType, long memType, Object data, int n, String unit) throws HDF5Exception {
        long space = H5.H5Screate_simple(1, new long[] {n}, null);
        long d = H5.H5Dcreate(parent, name, fileType, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5.H5Dwrite(d, memType, hdf.hdf5lib.HDF5Constants.H5S_ALL, hdf.hdf5lib.HDF5Constants.H5S_ALL, H5P_DEFAULT, data);
        if (unit != null) stringAttribute(d, "unit", unit);
        H5.H5Dclose(d);
        H5.H5Sclose(space);
    }

    /** Grows the dataset by one frame along time and writes {@code item} (one frame's data) there. */
    private void append(String path, Object item) throws HDF5Exception {
        long d = datasets.get(path);
        long[] dims = extent(d);
        long[] start = new long[dims.length], count = dims.clone();
        start[0] = dims[0];
        count[0] = 1;
        dims[0]++;
        H5.H5Dset_extent(d, dims);
        long fileSpace = H5.H5Dget_space(d);
        H5.H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start, null, count, null);
        long memSpace = H5.H5Screate_simple(count.length, count, null);
        H5.H5Dwrite(d, item instanceof long[] ? H5T_NATIVE_LLONG : item instanceof int[] ? H5T_NATIVE_INT : H5T_NATIVE_DOUBLE, memSpace, fileSpace, H5P_DEFAULT, item);
        H5.H5Sclose(memSpace);
        H5.H5Sclose(fileSpace);
    }

    private static long[] extent(long dataset) throws HDF5Exception {
        long space = H5.H5Dget_space(dataset);
        try {
            long[] dims = new long[H5.H5Sget_simple_extent_ndims(space)];
            H5.H5Sget_simple_extent_dims(space, dims, null);
            return dims;
        } finally {
            H5.H5Sclose(space);
        }
    }

    private static boolean exists(long fileId, String path) {
        try {
            String p = "";
            for (String part : path.substring(1).split("/")) {
                p += "/" + part;
                if (!H5.H5Lexists(fileId, p, H5P_DEFAULT)) return false;
            }
            return true;
        } catch (HDF5Exception e) {
            return false;
        }
    }

    /** A variable-length ASCII string attribute of scalar dataspace (h5py reads it as str, as MDAnalysis needs). */
    private static void stringAttribute(long obj, String name, String value) throws HDF5Exception {
        long type = vlString();
        long space = H5.H5Screate(H5S_SCALAR);
        long a = H5.H5Acreate(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
        H5.H5AwriteVL(a, type, new String[] {value});
        H5.H5Aclose(a);
        H5.H5Sclose(space);
        H5.H5Tclose(type);
    }

    private static void stringArrayAttribute(long obj, String name, String[] values) throws HDF5Exception {
        long type = vlString();
        long space = H5.H5Screate_simple(1, new long[] {values.length}, null);
        long a = H5.H5Acreate(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
        H5.H5AwriteVL(a, type, values);
        H5.H5Aclose(a);
        H5.H5Sclose(space);
        H5.H5Tclose(type);
    }

    private static long vlString() throws HDF5Exception {
        long type = H5.H5Tcopy(H5T_C_S1);
        H5.H5Tset_size(type, H5T_VARIABLE);
        H5.H5Tset_strpad(type, H5T_STR_NULLTERM);
        return type;
    }

    private static void intAttribute(long obj, String name, int... values) throws HDF5Exception {
        long space = H5.H5Screate_simple(1, new long[] {values.length}, null);
        long a = H5.H5Acreate(obj, name, H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT);
        H5.H5Awrite(a, H5T_NATIVE_INT, values);
        H5.H5Aclose(a);
        H5.H5Sclose(space);
    }

    private static void intScalarAttribute(long obj, String name, int value) throws HDF5Exception {
        long space = H5.H5Screate(H5S_SCALAR);
        long a = H5.H5Acreate(obj, name, H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT);
        H5.H5Awrite(a, H5T_NATIVE_INT, new int[] {value});
        H5.H5Aclose(a);
        H5.H5Sclose(space);
    }

    private interface H5Call { long run() throws Exception; }

    /**
     * Runs HDF5 calls; a failure becomes an IOException naming the file: a {@link java.nio.file.FileSystemException}
     * with the operating system's reason when HDF5's error stack holds one (errno text such as "No space left on
     * device", which the exception's own message, e.g. "Write failed", leaves out).
     */
    private long call(String what, H5Call c) throws IOException { return call(file, what, c); }

    private static long call(Path file, String what, H5Call c) throws IOException {
        // H5's methods are static synchronized (one lock, H5.class): holding it from the call to the walk of the error
        // stack keeps another thread's HDF5 call (a second writer, e.g. md bench stability --parallel) from clearing
        // the stack in between, which loses the OS reason
        synchronized (H5.class) {
            try {
                return c.run();
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                String os = osReason();
                IOException io = os != null ? new java.nio.file.FileSystemException(file.toString(), null, os)
                        : new IOException("cannot " + what + ": " + e.getMessage());
                io.initCause(e);
                throw io;
            }
        }
    }

    private static final java.util.regex.Pattern ERRNO_TEXT = java.util.regex.Pattern.compile("error message = '([^']+)'");

    /** The errno text in HDF5's current error stack (its file drivers record it there), or null. */
    private static String osReason() {
        StringBuilder descs = new StringBuilder();
        try {
            H5.H5Ewalk2(hdf.hdf5lib.HDF5Constants.H5E_DEFAULT, hdf.hdf5lib.HDF5Constants.H5E_WALK_UPWARD,
                    (n, err, data) -> { descs.append(err.desc).append('\n'); return 0; }, new hdf.hdf5lib.callbacks.H5E_walk_t() {});
            H5.H5Eclear2(hdf.hdf5lib.HDF5Constants.H5E_DEFAULT);
        } catch (Exception ignored) {
            return null;
        }
        java.util.regex.Matcher m = ERRNO_TEXT.matcher(descs);
        return m.find() ? m.group(1) : null;
    }
}
