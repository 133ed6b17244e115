package md.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TorchStateDict} on files PyTorch 1.13's {@code torch.save} wrote (test resources
 * {@code md/core/io/torch/}, made by {@code make.py} there): every tensor equals the float64 array NumPy
 * wrote from the same tensor, views with offsets and strides included; a pickle with another object is refused.
 */
class TorchStateDictTest {
    @TempDir Path dir;

    private static Path resource(String name) throws Exception {
        return Path.of(TorchStateDictTest.class.getResource("/md/core/io/torch/" + name).toURI());
    }

    @Test void readsEveryTensorAsNumPyDoes() throws Exception {
        Path pth = resource("state_dict.pth");
        assertTrue(TorchStateDict.isTorchZip(pth));
        Map<String, NpyArray> got = TorchStateDict.read(pth);
        Map<String, NpyArray> expected = Npz.read(resource("expected.npz"));
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(got.keySet()), "keys in state_dict order");
        for (var e : expected.entrySet()) {
            NpyArray g = got.get(e.getKey());
            // Npz reads NumPy's 0-d arrays with shape (1); the tensor keeps torch's shape ()
            assertArrayEquals(g.shape().length == 0 ? new int[] {1} : g.shape(), e.getValue().shape(), e.getKey());
            assertEquals(e.getValue().size(), g.size(), e.getKey());
            assertArrayEquals(e.getValue().data(), g.data(), 0.0, e.getKey());
        }
        assertEquals(1L << 40, (long) got.get("counts").data()[2], "int64 beyond int32");
        assertEquals(0, got.get("_empty").size());
        assertEquals(0, got.get("scale").shape().length, "0-d tensor");
    }

    @Test void otherObjectsAndOtherFilesAreRefusedWithAMessage() throws Exception {
        FileFormatException e = assertThrows(FileFormatException.class, () -> TorchStateDict.read(resource("not_tensors.pth")));
        assertTrue(e.getMessage().contains("collections.Counter"), e.getMessage());
        assertFalse(TorchStateDict.isTorchZip(resource("expected.npz")), "an npz is a zip without data.pkl");
        FileFormatException npz = assertThrows(FileFormatException.class, () -> TorchStateDict.read(resource("expected.npz")));
        assertTrue(npz.getMessage().contains("not a PyTorch zip file"), npz.getMessage());
        Path text = Files.writeString(dir.resolve("x.pth"), "not a zip");
        assertFalse(TorchStateDict.isTorchZip(text));
        assertThrows(FileFormatException.class, () -> TorchStateDict.read(text));
    }
}
