package md.engine.io;

import java.io.OutputStream;
import java.io.PrintStream;

import md.engine.cli.UserError;

/**
 * Loads the native HDF5 library (HDF5 1.14 with the HDF Group's Java API, from JavaCPP's HDF5 preset jars)
 * once, before the first {@link hdf.hdf5lib.H5} call. Reading HDF5 needs none of this (jhdf is pure Java);
 * only the H5MD writer does, so a run that writes extended XYZ alone never loads it.
 */
public final class NativeHdf5 {
    private NativeHdf5() {}

    private static volatile boolean loaded;
    private static volatile String failure;

    /** Loads the library, or throws a {@link UserError} that says what is missing and what to do. */
    public static synchronized void require() {
        if (loaded) return;
        if (failure == null) failure = load();
        if (failure != null)
            throw new UserError("HDF5 trajectory output (output.trajectory.formats: [h5]) needs the native HDF5 library, which could not be loaded: "
                    + failure + ". md ships it for Linux x86-64 inside md.jar (JavaCPP's org.bytedeco:hdf5 jars, unpacked to ~/.javacpp/cache; "
                    + "that folder must be writable). On another platform rebuild with `mvn -Djavacpp.platform=PLATFORM package` "
                    + "(e.g. linux-arm64, macosx-x86_64), or write extended XYZ only: formats: [extxyz].");
        loaded = true;
    }

    /** Whether the library can be loaded here (for tests that need it). */
    public static boolean available() {
        try {
            require();
            return true;
        } catch (UserError e) {
            return false;
        }
    }

    private static String load() {
        try {
            // JavaCPP unpacks libhdf5 and the JNI glue of hdf.hdf5lib.H5 from the platform jar and loads them.
            org.bytedeco.javacpp.Loader.load(org.bytedeco.hdf5.hdf5_java.class);
        } catch (Throwable e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage() + " (os.name=" + System.getProperty("os.name")
                    + ", os.arch=" + System.getProperty("os.arch") + ")";
        }
        // H5's static initializer then tries System.loadLibrary("hdf5_java") from java.library.path, which fails
        // harmlessly (its natives are already bound) but prints a stack trace: silence stderr for that one call.
        PrintStream err = System.err;
        try {
            System.setErr(new PrintStream(OutputStream.nullOutputStream()));
            Class.forName("hdf.hdf5lib.H5", true, NativeHdf5.class.getClassLoader());
            // HDF5Constants' initializer tries H5.loadH5Lib() once more (H5 recorded its own attempt as failed)
            Class.forName("hdf.hdf5lib.HDF5Constants", true, NativeHdf5.class.getClassLoader());
            hdf.hdf5lib.H5.H5open();
            return null;
        } catch (Throwable e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        } finally {
            System.setErr(err);
        }
    }
}
