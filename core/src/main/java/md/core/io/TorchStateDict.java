package md.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads a {@code state_dict} that PyTorch's {@code torch.save} wrote in its zip format (PyTorch ≥ 1.6: a
 * zip with {@code ARCHIVE/data.pkl}, the pickled dict, and {@code ARCHIVE/data/KEY}, one raw little-endian
 * storage per key), e.g. nequip's {@code best_model.pth}, without Python.
 *
 * <p>The pickle is read by a restricted unpickler: it knows the opcodes of protocol 2 (and the few of 3–4
 * that torch may write) and only three globals, {@code collections.OrderedDict},
 * {@code torch._utils._rebuild_tensor_v2} and the {@code torch.*Storage} types of floats, integers and
 * booleans. Anything else — other objects, code, a whole pickled module — is refused with a message naming
 * it, so a file cannot make this reader run anything. Tensors become float64 {@link NpyArray}s (views
 * with an offset and strides are gathered); the dict's {@code _metadata} is ignored.
 */
public final class TorchStateDict {
    private TorchStateDict() {}

    /** True when {@code file} is a zip with an {@code ARCHIVE/data.pkl} entry (PyTorch's format). */
    public static boolean isTorchZip(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return pickleEntry(zip) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** The tensors of the state_dict by key, in the file's order. */
    public static Map<String, NpyArray> read(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such file");
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pkl = pickleEntry(zip);
            if (pkl == null) throw new FileFormatException(file + ": not a PyTorch zip file (no ARCHIVE/data.pkl entry); save it with torch.save of PyTorch 1.6 or newer");
            String archive = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            byte[] bytes = Npz.readEntry(zip, pkl, file);
            Object top = new Unpickler(bytes, file, key -> {
                ZipEntry e = zip.getEntry(archive + "data/" + key);
                if (e == null) throw new FileFormatException(file + ": storage " + archive + "data/" + key + " is missing");
                return Npz.readEntry(zip, e, file);
            }).load();
            if (!(top instanceof Map<?, ?> m))
                throw new FileFormatException(file + ": holds a " + describe(top) + ", expected a state_dict (a dict of tensors)");
            Map<String, NpyArray> out = new LinkedHashMap<>();
            for (var e : m.entrySet()) {
                if (!(e.getKey() instanceof String k)) throw new FileFormatException(file + ": a state_dict key is not text: " + e.getKey());
                if (!(e.getValue() instanceof NpyArray a))
                    throw new FileFormatException(file + ": entry '" + k + "' is a " + describe(e.getValue()) + ", expected a tensor (is this a training checkpoint rather than a state_dict?)");
                out.put(k, new NpyArray(k, "<f8", a.shape(), a.data(), null, file));
            }
            return out;
        } catch (java.util.zip.ZipException z) {
            throw new FileFormatException(file + ": not a PyTorch zip file, or a damaged one (" + z.getMessage() + ")", z);
        }
    }

    private static ZipEntry pickleEntry(ZipFile zip) {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry e = entries.nextElement();
            String n = e.getName();
            int slash = n.indexOf('/');
            if (slash > 0 && n.substring(slash + 1).equals("data.pkl")) return e;
        }
        return null;
    }

    private static String describe(Object o) {
        if (o == null) return "None";
        if (o instanceof Map<?, ?>) return "dict";
        if (o instanceof List<?>) return "list";
        if (o instanceof Object[]) return "tuple";
        if (o instanceof NpyArray) return "tensor";
        return o.getClass().getSimpleName();
    }

    /** A storage's bytes by key ({@code ARCHIVE/data/KEY}). */
    private interface Storages {
        byte[] bytes(String key) throws IOException;
    }

    /** A storage reference of the pickle: element type and key. */
    private record Storage(String type, String key) {}

    /** The allowed globals: markers the REDUCE / persistent-load steps recognise. */
    private record Global(String module, String name) {}

    private static final Object MARK = new Object();

    private static final class Unpickler {
        private final ByteBuffer in;
        private final Path file;
        private final Storages storages;
        private final java.util.ArrayDeque<Integer> marks = new java.util.ArrayDeque<>();
        private final List<Object> stackList = new ArrayList<>();
        private final Map<Long, Object> memo = new HashMap<>();
        private final Map<String, byte[]> loaded = new HashMap<>();

        Unpickler(byte[] bytes, Path file, Storages storages) {
            this.in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            this.file = file;
            this.storages = storages;
        }

        private FileFormatException bad(String what) {
            return new FileFormatException(file + ": data.pkl at byte " + in.position() + ": " + what);
        }

        private void push(Object o) { stackList.add(o); }

        private Object pop() throws FileFormatException {
            if (stackList.isEmpty()) throw bad("pickle stack underflow");
            return stackList.remove(stackList.size() - 1);
        }

        private Object top() throws FileFormatException {
            if (stackList.isEmpty()) throw bad("pickle stack underflow");
            return stackList.get(stackList.size() - 1);
        }

        /** The items above the last MARK, removed with the mark. */
        private List<Object> popMark() throws FileFormatException {
            if (marks.isEmpty()) throw bad("no MARK");
            int at = marks.pop();
            List<Object> items = new ArrayList<>(stackList.subList(at, stackList.size()));
            stackList.subList(at, stackList.size()).clear();
            return items;
        }

        private String text(int n) {
            byte[] b = new byte[n];
            in.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        private String line() {
            StringBuilder sb = new StringBuilder();
            byte c;
            while ((c = in.get()) != '\n') sb.append((char) c);
            return sb.toString();
        }

        Object load() throws IOException {
            try {
                while (true) {
                    int op = in.get() & 0xff;
                    switch (op) {
                        case 0x80 -> in.get();                                   // PROTO
                        case 0x95 -> in.getLong();                               // FRAME
                        case '.' -> { return pop(); }                            // STOP
                        case '(' -> marks.push(stackList.size());                // MARK
                        case ')' -> push(new Object[0]);                         // EMPTY_TUPLE
                        case '}' -> push(new LinkedHashMap<Object, Object>());   // EMPTY_DICT
                        case ']' -> push(new ArrayList<Object>());               // EMPTY_LIST
                        case 't' -> push(popMark().toArray());                   // TUPLE
                        case 0x85 -> push(new Object[] {pop()});                 // TUPLE1
                        case 0x86 -> { Object b = pop(), a = pop(); push(new Object[] {a, b}); }
                        case 0x87 -> { Object c = pop(), b = pop(), a = pop(); push(new Object[] {a, b, c}); }
                        case 'N' -> push(null);
                        case 0x88 -> push(Boolean.TRUE);
                        case 0x89 -> push(Boolean.FALSE);
                        case 'J' -> push((long) in.getInt());                    // BININT
                        case 'K' -> push((long) (in.get() & 0xff));              // BININT1
                        case 'M' -> push((long) (in.getShort() & 0xffff));       // BININT2
                        case 0x8a -> {                                           // LONG1
                            int n = in.get() & 0xff;
                            if (n > 8) throw bad("integer of " + n + " bytes");
                            long v = 0;
                            for (int i = 0; i < n; i++) v |= (long) (in.get() & 0xff) << (8 * i);
                            if (n > 0 && n < 8 && (v >> (8 * n - 1) & 1) == 1) v -= 1L << (8 * n);
                            push(v);
                        }
                        case 'G' -> push(in.order(ByteOrder.BIG_ENDIAN).getDouble()); // BINFLOAT (big-endian)
                        case 'X' -> push(text(in.getInt()));                      // BINUNICODE
                        case 0x8c -> push(text(in.get() & 0xff));                 // SHORT_BINUNICODE
                        case 'q' -> memo.put((long) (in.get() & 0xff), top());    // BINPUT
                        case 'r' -> memo.put(in.getInt() & 0xffffffffL, top());   // LONG_BINPUT
                        case 0x94 -> memo.put((long) memo.size(), top());         // MEMOIZE
                        case 'h' -> push(memoGet(in.get() & 0xff));               // BINGET
                        case 'j' -> push(memoGet(in.getInt() & 0xffffffffL));     // LONG_BINGET
                        case 'c' -> push(global(line(), line()));                 // GLOBAL
                        case 0x93 -> { Object name = pop(), module = pop(); push(global(String.valueOf(module), String.valueOf(name))); }
                        case 'Q' -> push(persistent(pop()));                      // BINPERSID
                        case 'R' -> { Object args = pop(), f = pop(); push(reduce(f, args)); }
                        case 'b' -> build();                                      // BUILD
                        case 's' -> { Object v = pop(), k = pop(); dict(top()).put(k, v); }
                        case 'u' -> { List<Object> kv = popMark(); Map<Object, Object> d = dict(top()); for (int i = 0; i + 1 < kv.size(); i += 2) d.put(kv.get(i), kv.get(i + 1)); }
                        case 'a' -> { Object v = pop(); list(top()).add(v); }
                        case 'e' -> { List<Object> items = popMark(); list(top()).addAll(items); }
                        default -> throw bad(String.format("unsupported pickle opcode 0x%02x (not a plain state_dict of tensors?)", op));
                    }
                    in.order(ByteOrder.LITTLE_ENDIAN);
                }
            } catch (java.nio.BufferUnderflowException e) {
                throw new FileFormatException(file + ": data.pkl ends early");
            }
        }

        private Object memoGet(long k) throws FileFormatException {
            if (!memo.containsKey(k)) throw bad("memo entry " + k + " is not set");
            return memo.get(k);
        }

        private static final List<String> STORAGES = List.of("DoubleStorage", "FloatStorage", "LongStorage", "IntStorage", "ShortStorage",
                "CharStorage", "ByteStorage", "BoolStorage");

        private Global global(String module, String name) throws FileFormatException {
            boolean ok = module.equals("collections") && name.equals("OrderedDict")
                    || module.equals("torch._utils") && name.equals("_rebuild_tensor_v2")
                    || module.equals("torch") && STORAGES.contains(name);
            if (!ok) throw bad("refers to " + module + "." + name + ", which a state_dict of tensors does not need"
                    + (name.equals("HalfStorage") || name.equals("BFloat16Storage") ? " (half-precision tensors are not read; convert the model to float32 or float64)" : "")
                    + "; save model.state_dict() itself (e.g. nequip's best_model.pth)");
            return new Global(module, name);
        }

        private Storage persistent(Object pid) throws FileFormatException {
            if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0]) || !(t[1] instanceof Global g) || !(t[2] instanceof String key))
                throw bad("unexpected persistent id (expected ('storage', type, key, location, size))");
            return new Storage(g.name(), key);
        }

        private Map<Object, Object> dict(Object o) throws FileFormatException {
            if (o instanceof Map<?, ?>) {
                @SuppressWarnings("unchecked") Map<Object, Object> m = (Map<Object, Object>) o;
                return m;
            }
            throw bad("SETITEM(S) on a " + describe(o));
        }

        private List<Object> list(Object o) throws FileFormatException {
            if (o instanceof List<?>) {
                @SuppressWarnings("unchecked") List<Object> l = (List<Object>) o;
                return l;
            }
            throw bad("APPEND(S) on a " + describe(o));
        }

        /** BUILD: only an OrderedDict's attribute dict (the state_dict's _metadata) is expected, and dropped. */
        private void build() throws FileFormatException {
            Object state = pop();
            if (!(top() instanceof Map<?, ?>) || !(state instanceof Map<?, ?> || state == null)) throw bad("BUILD of a " + describe(top()));
        }

        private Object reduce(Object f, Object args) throws IOException {
            if (!(f instanceof Global g) || !(args instanceof Object[] a)) throw bad("REDUCE of " + describe(f));
            if (g.name().equals("OrderedDict")) {
                if (a.length != 0) throw bad("OrderedDict with arguments");
                return new LinkedHashMap<Object, Object>();
            }
            if (g.name().equals("_rebuild_tensor_v2")) return tensor(a);
            throw bad("cannot call " + g.module() + "." + g.name());
        }

        /** _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]). */
        private NpyArray tensor(Object[] a) throws IOException {
            if (a.length < 4 || !(a[0] instanceof Storage s) || !(a[1] instanceof Long offset) || !(a[2] instanceof Object[] size) || !(a[3] instanceof Object[] stride)
                    || size.length != stride.length)
                throw bad("unexpected arguments of _rebuild_tensor_v2");
            int[] shape = new int[size.length];
            long[] strides = new long[size.length];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                if (!(size[i] instanceof Long n) || !(stride[i] instanceof Long st)) throw bad("tensor size or stride is not an integer");
                shape[i] = Math.toIntExact(n);
                strides[i] = st;
                count *= n;
            }
            int width = switch (s.type()) {
                case "DoubleStorage", "LongStorage" -> 8;
                case "FloatStorage", "IntStorage" -> 4;
                case "ShortStorage" -> 2;
                default -> 1;
            };
            byte[] raw = loaded.get(s.key());
            if (raw == null) {
                raw = storages.bytes(s.key());
                loaded.put(s.key(), raw);
            }
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            long elements = raw.length / width;
            double[] data = new double[Math.toIntExact(count)];
            int[] index = new int[shape.length];
            for (int k = 0; k < data.length; k++) {
                long e = offset;
                for (int i = 0; i < shape.length; i++) e += index[i] * strides[i];
                if (e < 0 || e >= elements) throw bad("tensor element " + e + " outside its storage of " + elements);
                int at = Math.toIntExact(e * width);
                data[k] = switch (s.type()) {
                    case "DoubleStorage" -> b.getDouble(at);
                    case "FloatStorage" -> b.getFloat(at);
                    case "LongStorage" -> b.getLong(at);
                    case "IntStorage" -> b.getInt(at);
                    case "ShortStorage" -> b.getShort(at);
                    case "ByteStorage" -> b.get(at) & 0xff;
                    default -> b.get(at); // CharStorage (int8), BoolStorage (0/1)
                };
                for (int i = shape.length - 1; i >= 0; i--) {
                    if (++index[i] < shape[i]) break;
                    index[i] = 0;
                }
            }
            return new NpyArray("", "<f8", shape, data, null, file);
        }
    }
}
