import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Run by SignalChainingTest in a JVM of its own (java SignalHandlerProbe.java DEVICE, Linux x86-64): prints the
 * handlers the kernel holds for SIGILL, SIGBUS and SIGSEGV, opens the backend DEVICE as a learned force field
 * does (if it can), and prints them again. It asks the kernel itself (the rt_sigaction system call, not libc's sigaction,
 * which libjsig answers from its own table), so a library that replaced the JVM's handlers shows.
 */
public class SignalHandlerProbe {
    private static final int SYS_RT_SIGACTION = 13; // x86-64
    private static final int[] SIGNALS = {4, 7, 11}; // SIGILL, SIGBUS, SIGSEGV: the JVM's own (null checks, safepoint polls)
    private static final MethodHandle SYSCALL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            Linker.Option.firstVariadicArg(1));

    private static String handlers() throws Throwable {
        StringBuilder s = new StringBuilder();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment old = arena.allocate(32); // struct kernel_sigaction: handler, flags, restorer, mask
            for (int sig : SIGNALS) {
                long rc = (long) SYSCALL.invokeExact((long) SYS_RT_SIGACTION, (long) sig, MemorySegment.NULL, old, 8L);
                if (rc != 0) throw new IllegalStateException("rt_sigaction(" + sig + ") returned " + rc);
                s.append(' ').append(sig).append('=').append(Long.toHexString(old.get(ValueLayout.JAVA_LONG, 0)));
            }
        }
        return s.toString().strip();
    }

    public static void main(String[] args) throws Throwable {
        System.out.println("before " + handlers());
        try (var backend = md.forcefields.backend.Backends.open(args[0])) {
            System.out.println("opened " + backend.getClass().getSimpleName());
        } catch (md.forcefields.backend.BackendUnavailableException e) {
            System.out.println("unavailable: " + e.getMessage());
        }
        System.out.println("after " + handlers());
    }
}
