package io.hilnat.host.transfer;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;

/**
 * Reads what {@code torch.save} wrote, without Python, in both of its formats: the legacy one (PyTorch before
 * 1.6, as Once-for-All published its supernets: a few pickles in a row, then each storage's raw bytes) and the zip
 * one ({@code data.pkl} plus one entry per storage). Only dicts, lists, tuples and tensors are rebuilt: pickle's
 * globals resolve against the handful registered here, so nothing in a hostile file is ever run.
 */
public final class TorchCheckpoint {

  /** The legacy format's first pickle: torch.serialization's MAGIC_NUMBER. */
  private static final long LEGACY_MAGIC_HIGH = 0x1950L;
  private static final long LEGACY_MAGIC_LOW = 0xa86a20f9469cfc6cL;
  private static final int LEGACY_PROTOCOL = 1001;

  private static final Map<String, Dtype> STORAGES = Map.ofEntries(
      Map.entry("FloatStorage", new Dtype("float32", 4)), Map.entry("DoubleStorage", new Dtype("float64", 8)),
      Map.entry("HalfStorage", new Dtype("float16", 2)), Map.entry("BFloat16Storage", new Dtype("bfloat16", 2)),
      Map.entry("LongStorage", new Dtype("int64", 8)), Map.entry("IntStorage", new Dtype("int32", 4)),
      Map.entry("ShortStorage", new Dtype("int16", 2)), Map.entry("CharStorage", new Dtype("int8", 1)),
      Map.entry("ByteStorage", new Dtype("uint8", 1)), Map.entry("BoolStorage", new Dtype("bool", 1)));

  static {
    STORAGES.forEach((name, dtype) -> Unpickler.registerConstructor("torch", name, dtype));
    Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", TensorRef::of);
    Unpickler.registerConstructor("torch._utils", "_rebuild_tensor", TensorRef::of);
    Unpickler.registerConstructor("collections", "OrderedDict", args -> new OrderedDict());
  }

  private TorchCheckpoint() {}

  /** The state dict in {@code file}: the top-level dict's {@code state_dict}, or the top-level dict itself. */
  public static Map<String, TorchTensor> stateDict(Path file) throws IOException {
    Object top = read(file);
    Object dict = top instanceof Map<?, ?> m && m.get("state_dict") instanceof Map<?, ?> inner ? inner : top;
    if (!(dict instanceof Map<?, ?> map)) {
      throw new CheckpointException(file + ": holds a " + typeName(top) + ", not a state dict; save it with "
          + "torch.save({'state_dict': net.state_dict()}, FILE)");
    }
    Map<String, TorchTensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (e.getValue() instanceof TorchTensor t) {
        tensors.put(String.valueOf(e.getKey()), t);
      }
    }
    if (tensors.isEmpty()) {
      throw new CheckpointException(file + ": its dict holds no tensors (keys " + map.keySet() + ")");
    }
    return tensors;
  }

  /** The object {@code file} holds, tensors rebuilt as {@link TorchTensor}. */
  public static Object read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(file + ": no such file");
    }
    byte[] head = new byte[4];
    try (InputStream in = Files.newInputStream(file)) {
      if (in.readNBytes(head, 0, 4) < 2) {
        throw new CheckpointException(file + ": empty or truncated (" + Files.size(file) + " bytes), not a "
            + "torch.save file");
      }
    }
    return head[0] == 'P' && head[1] == 'K' ? readZip(file) : readLegacy(file);
  }

  private static Object readLegacy(Path file) throws IOException {
    long size = Files.size(file);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
      Object magic = unpickle(new Unpickler(), in, file);
      if (!isLegacyMagic(magic)) {
        throw new CheckpointException(file + ": not a torch.save file (it starts with a pickle of " + typeName(magic)
            + ", not PyTorch's magic number)");
      }
      Object protocol = unpickle(new Unpickler(), in, file);
      if (!(protocol instanceof Number n) || n.intValue() != LEGACY_PROTOCOL) {
        throw new CheckpointException(file + ": torch.save legacy protocol " + protocol + ", only " + LEGACY_PROTOCOL
            + " is known");
      }
      Object sysInfo = unpickle(new Unpickler(), in, file);
      if (sysInfo instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
        throw new CheckpointException(file + ": written on a big-endian machine; re-save it on a little-endian one");
      }
      Map<String, Storage> storages = new HashMap<>();
      Object root = unpickle(new StorageUnpickler(pid -> legacyStorage(pid, storages, file)), in, file);
      Object keys = unpickle(new Unpickler(), in, file);
      if (!(keys instanceof List<?> keyList)) {
        throw new CheckpointException(file + ": no list of storages after the data; the file is damaged");
      }
      for (int i = 0; i < keyList.size(); i++) {
        String key = String.valueOf(keyList.get(i));
        Storage storage = storages.get(key);
        long numel = readLittleEndianLong(in, file, size, i, keyList.size());
        if (storage == null || numel != storage.numel) {
          throw new CheckpointException(file + ": storage " + key + " holds " + numel + " elements, its tensors expect "
              + (storage == null ? "none" : storage.numel) + "; the file is damaged");
        }
        storage.bytes = readFully(in, Math.multiplyExact(numel, storage.dtype.size), file, size, i, keyList.size());
      }
      return TensorRef.resolve(root, file);
    }
  }

  private static Object readZip(Path file) throws IOException {
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new CheckpointException(file + ": a damaged or truncated zip (" + e.getMessage() + "), not a readable "
          + "torch.save file");
    }
    try (zip) {
      String prefix = null;
      for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
        String name = entry.getName();
        if (name.endsWith("/constants.pkl") || name.contains("/code/")) {
          throw new CheckpointException(file + ": a TorchScript archive (torch.jit.save), not a torch.save'd state "
              + "dict; save the model's weights with torch.save({'state_dict': net.state_dict()}, FILE)");
        }
        if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
          prefix = name.substring(0, name.length() - "data.pkl".length());
        }
      }
      if (prefix == null) {
        throw new CheckpointException(file + ": a zip without data.pkl, not a torch.save file");
      }
      String records = prefix;
      Map<String, Storage> storages = new HashMap<>();
      Object root;
      try (InputStream in = new BufferedInputStream(zip.getInputStream(zip.getEntry(prefix + "data.pkl")))) {
        root = unpickle(new StorageUnpickler(pid -> zipStorage(pid, storages, file)), in, file);
      }
      for (Map.Entry<String, Storage> e : storages.entrySet()) {
        ZipEntry entry = zip.getEntry(records + "data/" + e.getKey());
        Storage s = e.getValue();
        long expected = Math.multiplyExact(s.numel, s.dtype.size);
        if (entry == null) {
          throw new CheckpointException(file + ": storage " + e.getKey() + " is missing from the zip; the file is "
              + "damaged");
        }
        try (InputStream in = zip.getInputStream(entry)) {
          s.bytes = in.readNBytes((int) expected);
        } catch (ZipException ex) {
          throw new CheckpointException(file + ": storage " + e.getKey() + " cannot be read (" + ex.getMessage() + ")");
        }
        if (s.bytes.length != expected) {
          throw new CheckpointException(file + ": storage " + e.getKey() + " holds " + s.bytes.length + " bytes, "
              + expected + " expected; the file is truncated");
        }
      }
      return TensorRef.resolve(root, file);
    }
  }

  private static Storage legacyStorage(Object pid, Map<String, Storage> storages, Path file) {
    // ('storage', storage_type, root_key, location, numel, view_metadata)
    Object[] id = persistentId(pid, 6, file);
    if (id[5] != null) {
      throw new CheckpointException(file + ": uses storage views (PyTorch before 1.0); re-save it with a newer "
          + "PyTorch");
    }
    return storages.computeIfAbsent(String.valueOf(id[2]), key -> new Storage(dtype(id[1], file), number(id[4])));
  }

  private static Storage zipStorage(Object pid, Map<String, Storage> storages, Path file) {
    // ('storage', storage_type, key, location, numel)
    Object[] id = persistentId(pid, 5, file);
    return storages.computeIfAbsent(String.valueOf(id[2]), key -> new Storage(dtype(id[1], file), number(id[4])));
  }

  private static Object[] persistentId(Object pid, int length, Path file) {
    if (!(pid instanceof Object[] id) || id.length != length || !"storage".equals(id[0])) {
      throw new CheckpointException(file + ": an unexpected persistent id " + describe(pid) + " (not a tensor "
          + "storage)");
    }
    return id;
  }

  private static Dtype dtype(Object type, Path file) {
    if (!(type instanceof Dtype d)) {
      throw new CheckpointException(file + ": a storage of unknown type " + describe(type));
    }
    return d;
  }

  private static Object unpickle(Unpickler unpickler, InputStream in, Path file) throws IOException {
    try {
      return unpickler.load(new EndOfData(in));
    } catch (EOFException e) {
      throw new CheckpointException(file + ": ends in the middle of its data; the file is truncated");
    } catch (CheckpointException e) {
      throw e;
    } catch (RuntimeException e) {
      if (e.getCause() instanceof CheckpointException c) {
        throw c;
      }
      throw new CheckpointException(file + ": not a readable torch.save file (" + e.getMessage() + ")");
    }
  }

  /** Ends of data as EOFException: the unpickler would take read()'s -1 for a byte, or a length. */
  private static final class EndOfData extends java.io.FilterInputStream {
    EndOfData(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        throw new EOFException();
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n < 0 && length > 0) {
        throw new EOFException();
      }
      return n;
    }
  }

  private static long readLittleEndianLong(InputStream in, Path file, long size, int index, int count)
      throws IOException {
    return ByteBuffer.wrap(readFully(in, 8, file, size, index, count)).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static byte[] readFully(InputStream in, long n, Path file, long size, int index, int count)
      throws IOException {
    if (n > Integer.MAX_VALUE - 8) {
      throw new CheckpointException(file + ": a storage of " + n + " bytes, more than can be read");
    }
    byte[] bytes = in.readNBytes((int) n);
    if (bytes.length != n) {
      throw new CheckpointException(file + ": truncated: storage " + (index + 1) + " of " + count + " ends past the "
          + "file's end (" + size + " bytes); download or copy it again");
    }
    return bytes;
  }

  private static boolean isLegacyMagic(Object magic) {
    return magic instanceof java.math.BigInteger b
        && b.equals(java.math.BigInteger.valueOf(LEGACY_MAGIC_HIGH).shiftLeft(64)
            .or(new java.math.BigInteger(Long.toUnsignedString(LEGACY_MAGIC_LOW))));
  }

  private static long number(Object o) {
    return ((Number) o).longValue();
  }

  private static String typeName(Object o) {
    return o == null ? "None" : o.getClass().getSimpleName();
  }

  private static String describe(Object o) {
    return o instanceof Object[] a ? java.util.Arrays.deepToString(a) : String.valueOf(o);
  }

  /** What went wrong reading a checkpoint, said so the user can act on it. */
  public static final class CheckpointException extends RuntimeException {
    CheckpointException(String message) {
      super(message);
    }
  }

  /** A storage type's dtype and element size; registered as the constructor pickle's global resolves to. */
  private record Dtype(String name, int size) implements IObjectConstructor {
    @Override
    public Object construct(Object[] args) {
      throw new PickleException("torch storages are not built by calling their type");
    }
  }

  private static final class Storage {
    final Dtype dtype;
    final long numel;
    byte[] bytes;

    Storage(Dtype dtype, long numel) {
      this.dtype = dtype;
      this.numel = numel;
    }
  }

  /** torch._utils._rebuild_tensor_v2's arguments, materialised once the storages are read. */
  private record TensorRef(Storage storage, long offset, long[] shape, long[] stride) {
    static TensorRef of(Object[] args) {
      if (args.length < 4 || !(args[0] instanceof Storage s)) {
        throw new PickleException("a tensor rebuilt from " + describe(args));
      }
      return new TensorRef(s, number(args[1]), longs(args[2]), longs(args[3]));
    }

    private static long[] longs(Object tuple) {
      Object[] items = (Object[]) tuple;
      long[] out = new long[items.length];
      for (int i = 0; i < items.length; i++) {
        out[i] = number(items[i]);
      }
      return out;
    }

    /** {@code root} with every tensor reference replaced by its values. */
    static Object resolve(Object root, Path file) {
      if (root instanceof TensorRef t) {
        return t.materialise(file);
      }
      if (root instanceof Map<?, ?> map) {
        Map<Object, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, resolve(v, file)));
        return out;
      }
      if (root instanceof List<?> list) {
        List<Object> out = new ArrayList<>();
        list.forEach(v -> out.add(resolve(v, file)));
        return out;
      }
      if (root instanceof Object[] tuple) {
        Object[] out = new Object[tuple.length];
        for (int i = 0; i < tuple.length; i++) {
          out[i] = resolve(tuple[i], file);
        }
        return out;
      }
      return root;
    }

    TorchTensor materialise(Path file) {
      String dtype = storage.dtype.name;
      boolean floating = dtype.startsWith("float") || dtype.equals("bfloat16");
      long count = 1;
      long last = offset;
      for (int d = 0; d < shape.length; d++) {
        count *= shape[d];
        last += shape[d] == 0 ? 0 : (shape[d] - 1) * stride[d];
      }
      if (count > 0 && (offset < 0 || last >= storage.numel)) {
        throw new CheckpointException(file + ": a tensor of shape " + java.util.Arrays.toString(shape)
            + " reaches past its storage of " + storage.numel + " elements; the file is damaged");
      }
      if (!floating) {
        return new TorchTensor(dtype, shape, null);
      }
      ByteBuffer bytes = ByteBuffer.wrap(storage.bytes).order(ByteOrder.LITTLE_ENDIAN);
      float[] values = new float[Math.toIntExact(count)];
      int[] index = new int[shape.length];
      for (int i = 0; i < values.length; i++) {
        long element = offset;
        for (int d = 0; d < shape.length; d++) {
          element += index[d] * stride[d];
        }
        values[i] = read(bytes, dtype, (int) element);
        for (int d = shape.length - 1; d >= 0 && ++index[d] == shape[d]; d--) {
          index[d] = 0;
        }
      }
      return new TorchTensor(dtype, shape, values);
    }

    private static float read(ByteBuffer bytes, String dtype, int element) {
      return switch (dtype) {
        case "float32" -> bytes.getFloat(element * 4);
        case "float64" -> (float) bytes.getDouble(element * 8);
        case "float16" -> halfToFloat(bytes.getShort(element * 2));
        case "bfloat16" -> Float.intBitsToFloat((bytes.getShort(element * 2) & 0xffff) << 16);
        default -> throw new IllegalStateException(dtype);
      };
    }

    /** IEEE 754 binary16 to float (Float.float16ToFloat is Java 20's). */
    private static float halfToFloat(short half) {
      int bits = half & 0xffff;
      int sign = (bits & 0x8000) << 16;
      int exponent = (bits >>> 10) & 0x1f;
      int mantissa = bits & 0x3ff;
      if (exponent == 0x1f) {
        return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
      }
      if (exponent == 0) {
        float value = mantissa / 1024f / 16384f; // subnormal: mantissa · 2^-24
        return sign == 0 ? value : -value;
      }
      return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
  }

  /** Pickle's persistent ids name tensor storages; each becomes a {@link Storage}, filled in afterwards. */
  private static final class StorageUnpickler extends Unpickler {
    private final java.util.function.Function<Object, Storage> storages;

    StorageUnpickler(java.util.function.Function<Object, Storage> storages) {
      this.storages = storages;
    }

    @Override
    protected Object persistentLoad(Object pid) {
      return storages.apply(pid);
    }
  }

  /** collections.OrderedDict as pickle rebuilds it; a state dict's {@code _metadata} attribute is dropped. */
  public static final class OrderedDict extends LinkedHashMap<Object, Object> {
    public void __setstate__(HashMap<?, ?> state) {
      // attributes of the dict object (state_dict's _metadata: module versions), not entries
    }
  }
}
