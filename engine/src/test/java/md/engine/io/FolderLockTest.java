package md.engine.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.engine.cli.UserError;

class FolderLockTest {
    @TempDir Path dir;

    @Test void aHeldLockNamesItsHolderAndIsFreeAgainAfterClose() throws Exception {
        long pid = ProcessHandle.current().pid();
        try (FolderLock lock = FolderLock.acquire(dir, "md run", "wait")) {
            assertTrue(Files.readString(dir.resolve(FolderLock.FILE)).startsWith("pid " + pid + " md run"));
            UserError e = assertThrows(UserError.class, () -> FolderLock.acquire(dir, "md train", "wait for it"));
            assertTrue(e.getMessage().contains("another md run (PID " + pid), e.getMessage());
            assertTrue(e.getMessage().contains(dir.resolve(FolderLock.FILE).toString()) && e.getMessage().endsWith("wait for it"), e.getMessage());
        }
        try (FolderLock again = FolderLock.acquire(dir, "md train", "wait")) {
            assertTrue(Files.readString(dir.resolve(FolderLock.FILE)).startsWith("pid " + pid + " md train"));
        }
    }

    @Test void aStaleLockFileIsTakenOver() throws Exception {
        // What a killed process leaves: the file with its PID, but no OS lock.
        Files.writeString(dir.resolve(FolderLock.FILE), "pid 999999999 md run with a longer line than the new one\n");
        try (FolderLock lock = FolderLock.acquire(dir, "md run", "wait")) {
            assertTrue(Files.readString(dir.resolve(FolderLock.FILE)).equals("pid " + ProcessHandle.current().pid() + " md run\n"));
        }
    }
}
