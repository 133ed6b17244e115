package md.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import md.core.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzTest {
    @Test
    void readsRmd17Ethanol() throws IOException {
        Map<String, NpyArray> a = Npz.read(SharedData.require("rmd17/rmd17_ethanol_train_01.npz"));
        NpyArray z = a.get("nuclear_charges"), r = a.get("coords");
        assertArrayEquals(new int[] {9}, z.shape());
        assertArrayEquals(new int[] {1000, 9, 3}, r.shape());
        // ethanol: 2 C, 1 O, 6 H
        int c = 0, o = 0, h = 0;
        for (int zi : z.asInts()) { if (zi == 6) c++; if (zi == 8) o++; if (zi == 1) h++; }
        assertEquals(2, c); assertEquals(1, o); assertEquals(6, h);
    }

    @Test
    void roundTripsWriter(@TempDir Path dir) throws IOException {
        Map<String, NpyArray> m = new LinkedHashMap<>();
        m.put("x", new NpyArray("x", "<f8", new int[] {2, 3}, new double[] {1, 2, 3, 4, 5, -6.5}, null));
        Path f = dir.resolve("a.npz");
        NpyWriter.writeNpz(f, m);
        NpyArray x = Npz.read(f).get("x");
        assertArrayEquals(new int[] {2, 3}, x.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, -6.5}, x.data());
    }

    @Test
    void writesInt64WhereTheDtypeSaysSo(@TempDir Path dir) throws IOException {
        Map<String, NpyArray> m = new LinkedHashMap<>();
        m.put("z", new NpyArray("z", "<i8", new int[] {3}, new double[] {6, 1, -8}, null));
        Path f = dir.resolve("z.npz");
        NpyWriter.writeNpz(f, m);
        NpyArray z = Npz.read(f).get("z");
        assertEquals("<i8", z.dtype());
        assertArrayEquals(new int[] {6, 1, -8}, z.asInts());
        m.put("z", new NpyArray("z", "<i8", new int[] {1}, new double[] {1.5}, null));
        assertThrows(IllegalArgumentException.class, () -> NpyWriter.writeNpz(dir.resolve("bad.npz"), m));
    }

    @Test
    void rejectsNonArchive(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.npz");
        Files.writeString(f, "hello");
        IOException e = assertThrows(IOException.class, () -> Npz.read(f));
        assertEquals(true, e.getMessage().contains("bad.npz"));
    }
}
