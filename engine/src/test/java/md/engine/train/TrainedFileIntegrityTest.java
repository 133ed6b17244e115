package md.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import md.engine.cli.Main;
import md.forcefields.ml.model.ModelFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged training checkpoint is refused by --resume; a model file with non-finite weights names the tensor. */
// swaps System.out/err (to read what a command printed): not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_OUT)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_ERR)
class TrainedFileIntegrityTest {
    @TempDir static Path dir;
    static Path out;

    record Run(int code, String err) {}

    static Run md(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream()));
        try {
            int code = Main.run(args, new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Run(code, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @BeforeAll
    static void train() throws Exception {
        Path data = TrainFixtures.extxyz(dir.resolve("morse.extxyz"), 14, 2, 3);
        Run r = md("train", TrainFixtures.config(dir, data, 1, "").toString());
        assertEquals(0, r.code(), r.err());
        out = dir.resolve("out");
        TrainFixtures.config(dir, data, 2, "");
    }

    /** Every entry inflated without a CRC check (what the reader saw before), or null when the zip cannot be read at all. */
    static Map<String, byte[]> unchecked(Path file) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> en = zip.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                m.put(e.getName(), zip.getInputStream(e).readAllBytes());
            }
            return m;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Test
    void resumeRefusesABitFlippedCheckpoint() throws Exception {
        Path last = out.resolve("checkpoint-last.npz");
        byte[] good = Files.readAllBytes(last);
        Map<String, byte[]> original = unchecked(last);
        // a flip inside the parameters' data that still inflates, to different numbers: what a trusting reader accepted
        Path probe = dir.resolve("probe.npz");
        int at = -1;
        for (int p = good.length / 3; p < good.length && at < 0; p++) {
            byte[] b = good.clone();
            b[p] ^= 0x04;
            Files.write(probe, b);
            Map<String, byte[]> seen = unchecked(probe);
            if (seen == null || !seen.keySet().equals(original.keySet())) continue;
            for (String k : seen.keySet())
                if (!Arrays.equals(seen.get(k), original.get(k))) { at = p; break; }
        }
        assertTrue(at >= 0, "no silently-altering flip found");
        byte[] bad = good.clone();
        bad[at] ^= 0x04;
        Files.write(last, bad);
        try {
            Run r = md("train", dir.resolve("train.yaml").toString(), "--resume");
            assertEquals(2, r.code(), r.err()); // was accepted: training continued from corrupted state
            assertTrue(r.err().startsWith("md train: " + last + ": damaged archive: entry '"), r.err());
            assertTrue(r.err().contains("fails its integrity check"), r.err());
            assertTrue(r.err().contains("md train will not continue from a damaged checkpoint: put back a good copy of " + last), r.err());
        } finally {
            Files.write(last, good);
        }
    }

    @Test
    void modelFileWithANanWeightNamesTheTensor() throws Exception {
        Path model = out.resolve("model.nqp");
        Path nan = dir.resolve("nan-model.nqp");
        String victim = null;
        try (ZipFile in = new ZipFile(model.toFile()); OutputStream os = Files.newOutputStream(nan); ZipOutputStream z = new ZipOutputStream(os)) {
            Enumeration<? extends ZipEntry> en = in.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                byte[] b = in.getInputStream(e).readAllBytes();
                if (victim == null && e.getName().startsWith("parameters/")) {
                    victim = e.getName().substring("parameters/".length(), e.getName().length() - 4);
                    int header = 10 + (ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xffff);
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putDouble(header + 8, Double.NaN); // value at index 1
                }
                z.putNextEntry(new ZipEntry(e.getName()));
                z.write(b);
                z.closeEntry();
            }
        }
        String param = victim;
        IOException e = assertThrows(IOException.class, () -> ModelFile.read(nan));
        assertTrue(e.getMessage().startsWith(nan + ": parameter '" + param + "' holds a non-finite value (NaN at index 1 of "), e.getMessage());
        assertTrue(e.getMessage().contains("a model file must hold finite numbers"), e.getMessage());
    }

    @Test
    void modelFileWithAFlippedBitIsRefused() throws Exception {
        Path model = out.resolve("model.nqp");
        byte[] good = Files.readAllBytes(model);
        Map<String, byte[]> original = unchecked(model);
        Path bad = dir.resolve("flipped-model.nqp");
        int refused = 0;
        for (int p = good.length / 2; p < good.length / 2 + 200; p++) {
            byte[] b = good.clone();
            b[p] ^= 0x01;
            Files.write(bad, b);
            Map<String, byte[]> seen = unchecked(bad);
            boolean altered = seen != null && seen.keySet().equals(original.keySet())
                    && seen.keySet().stream().anyMatch(k -> !Arrays.equals(seen.get(k), original.get(k)));
            if (!altered) continue;
            IOException e = assertThrows(IOException.class, () -> ModelFile.read(bad), "flip at byte " + p + " was accepted");
            assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
            refused++;
        }
        assertTrue(refused > 0);
    }
}
