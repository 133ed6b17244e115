package md.forcefields.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether the OpenCL loader {@code libOpenCL.so} can be found, asked before JOCL is touched. JOCL's native
 * part reports a failed {@code dlopen} with its own {@code printf} to the process's standard output
 * ("Could not load libOpenCL.so, error ...") before Java sees an exception, and nothing can silence it
 * beforehand (its log level is set through the class whose initialisation prints). So {@code device: auto}
 * asks here first and does not load JOCL on a machine without OpenCL.
 *
 * <p>The search follows {@code dlopen}'s (Linux, ld.so(8)): the folders of {@code LD_LIBRARY_PATH}, the
 * names in {@code /etc/ld.so.cache}, then the default folders. It errs towards "found" (multiarch folders
 * are searched too), which only means that JOCL is asked and may print. Other systems: always "found".
 */
final class OpenClLoader {
    private OpenClLoader() {}

    /** The name JOCL passes to dlopen on Linux (the unversioned name, installed by ocl-icd-opencl-dev). */
    static final String LIBRARY = "libOpenCL.so";

    private static final List<String> DEFAULT_FOLDERS = List.of("/lib", "/usr/lib", "/lib64", "/usr/lib64",
            "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/local/lib");

    private static volatile Boolean cached;

    /** Whether dlopen would find {@link #LIBRARY} on this machine (computed once). */
    static boolean findable() {
        Boolean c = cached;
        if (c == null) {
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
                c = true;
            } else {
                List<Path> folders = new ArrayList<>();
                String ld = System.getenv("LD_LIBRARY_PATH");
                if (ld != null) for (String p : ld.split(":")) if (!p.isEmpty()) folders.add(Path.of(p));
                for (String p : DEFAULT_FOLDERS) folders.add(Path.of(p));
                c = findable(LIBRARY, folders, Path.of("/etc/ld.so.cache"));
            }
            cached = c;
        }
        return c;
    }

    /** Whether {@code library} is a file in one of {@code folders} or a name in the ld.so cache {@code ldCache}. */
    static boolean findable(String library, List<Path> folders, Path ldCache) {
        for (Path f : folders) if (Files.exists(f.resolve(library))) return true;
        return inLdCache(library, ldCache);
    }

    /**
     * Whether the ld.so cache lists {@code library}: its string table holds each name NUL-terminated
     * ("libOpenCL.so\0"), next to the full paths; a versioned name such as libOpenCL.so.1 does not match.
     */
    static boolean inLdCache(String library, Path ldCache) {
        byte[] cache;
        try {
            cache = Files.readAllBytes(ldCache);
        } catch (IOException | SecurityException e) {
            return false;
        }
        byte[] name = (library + "\0").getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + name.length <= cache.length; i++) {
            if (i > 0 && cache[i - 1] != 0 && cache[i - 1] != '/') continue; // the name must start a string or follow a folder
            for (int k = 0; k < name.length; k++) if (cache[i + k] != name[k]) continue outer;
            return true;
        }
        return false;
    }
}
