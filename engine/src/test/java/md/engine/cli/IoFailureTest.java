package md.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

import org.junit.jupiter.api.Test;

class IoFailureTest {
    @Test void theRootCauseOfAWrappedFailureIsFoundAndWorded() {
        // As jhdf reports a full disk: its own runtime exception around the IOException.
        RuntimeException hdf = new RuntimeException("Failed to write dataset", new IOException("No space left on device"));
        assertEquals("no space left on device", IoFailure.reason(hdf));
        IoFailure f = IoFailure.of("cannot write /x/t.000.h5.tmp", hdf);
        assertEquals("cannot write /x/t.000.h5.tmp: no space left on device", f.getMessage());
        assertEquals(5, f.exitCode());
        assertEquals("permission denied (/x/y)", IoFailure.reason(new UncheckedIOException(new AccessDeniedException("/x/y"))));
        assertEquals("read-only file system (/x)", IoFailure.reason(new FileSystemException("/x", null, "Read-only file system")));
        assertNull(IoFailure.ioCause(new IllegalStateException("a bug")));
    }
}
