package dev.ibex.api.spi;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.model.PassCounter;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.options.StandardOptions;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many rows a batch-expanding method (path points, noise draws, masks, occluded inputs) sends
 * through the model at a time: {@code internal-batch-size} when the call gives it, otherwise as
 * many as fit in {@code memory-budget} MiB at the measured cost of one row. {@link Chunks} runs the
 * rows in chunks of that size.
 *
 * <p>The cost of a row is calibrated once per model, kind of row, row shape, type and device,
 * before the first chunk of the first call: the method's {@link Probe} runs its per-row work on one
 * row (a warm-up) and then on {@value #PROBE_ROWS} rows while a sampling thread follows the bytes
 * in live allocations of the native heap (glibc's {@code mallinfo2}, where libtorch's CPU tensors
 * live); the rise of the peak over those rows is the cost of a row: activations kept for the
 * backward pass, gradients, the method's own arrays, and the call's fixed overhead shared over the
 * probe's rows, so the estimate errs high. Live bytes, unlike the resident set, do not depend on
 * what the allocator kept from earlier work. The probe's passes are taken back off the model's
 * counter, and its results are discarded: every call, the first included, chunks its rows alike.
 * Where the cost cannot be measured (a GPU, another allocator or system, or a measurement below the
 * row's own size), a row is taken to cost {@value #FALLBACK_ROW_MULTIPLE} times its own bytes,
 * above what the CNNs measured here need (22 to 83 times).
 *
 * <p>The chunk size changes how rows are grouped, never what the methods compute: they reduce rows
 * in an order that does not depend on it (bit for bit where the model's output on a row does not
 * depend on the other rows of its batch).
 *
 * <p>The default, 128 MiB, is small on purpose: larger chunks are not faster on a CPU. A chunk's
 * largest activations grow with its rows, and past glibc's mmap threshold (32 MiB at most, see
 * {@link dev.ibex.api.host.NativeAllocator}) every one of them is a fresh {@code mmap}, faulted in
 * page by page on every pass: integrated gradients on a ResNet-18 at 224² ran at 0.38 images/s with
 * 6 rows per chunk (128 MiB), 0.30 with 49 (1024 MiB) and 0.15 with 64, on 2 cores. Other threads'
 * allocations during a calibration count towards it; give {@code internal-batch-size} for a fixed
 * grouping.
 */
public final class MemoryBudget {
  /** The fewest rows of the measured probe. */
  public static final int PROBE_ROWS = 2;

  /** The most rows of the measured probe. */
  public static final int MAX_PROBE_ROWS = 64;

  /** What the probe aims to allocate, by the fallback estimate. */
  public static final long PROBE_BYTES = 64L << 20;

  /** A row's cost, in multiples of its own bytes, where it cannot be measured. */
  public static final long FALLBACK_ROW_MULTIPLE = 128;

  private static final long MIB = 1L << 20;

  // per model, its calibrated kinds of rows: bytes per row; weak, so a closed model's entry goes
  private static final Map<ExplainableModel, Map<String, Long>> CALIBRATIONS =
      Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * A method's per-row work on {@code rows} rows (copies of one sample, say), run only to measure
   * what it costs: its results are discarded and its passes taken back.
   */
  @FunctionalInterface
  public interface Probe {
    /**
     * @param rows how many rows to process at once
     * @param manager where the work's arrays go; closed after the call
     */
    void run(int rows, NDManager manager);
  }

  private final int explicitRows; // 0: none, size from the budget
  private final long budgetBytes;
  private final long bytesPerRow; // 0 when explicit
  private final String key;

  private MemoryBudget(int explicitRows, long budgetBytes, long bytesPerRow, String key) {
    this.explicitRows = explicitRows;
    this.budgetBytes = budgetBytes;
    this.bytesPerRow = bytesPerRow;
    this.key = key;
  }

  /**
   * The budget of an attribution call: its {@code internal-batch-size} if given, else its {@code
   * memory-budget} (or the standard default when the method declares neither), calibrating the cost
   * of a row with the probe if this model has not seen this kind of row.
   *
   * @param ctx the call
   * @param rows what the rows are, e.g. "integrated-gradients path points" (with the row shape,
   *     type and device of {@code like}, the key of the calibration)
   * @param like an array whose rows have the shape, type and device of the rows
   * @param probe the method's per-row work, run once if the cost must be measured
   * @return the budget
   */
  public static MemoryBudget of(AttributionContext ctx, String rows, NDArray like, Probe probe) {
    return of(ctx.options(), ctx.model(), rows, like, probe);
  }

  /**
   * The budget of a call with these options on this model.
   *
   * @param options the call's options
   * @param model the model the rows go through
   * @param rows what the rows are
   * @param like an array whose rows have the shape, type and device of the rows
   * @param probe the method's per-row work, run once if the cost must be measured
   * @return the budget
   */
  public static MemoryBudget of(
      Options options, ExplainableModel model, String rows, NDArray like, Probe probe) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(probe, "probe");
    int mib =
        declared(options, StandardOptions.MEMORY_BUDGET)
            ? options.getInt(StandardOptions.MEMORY_BUDGET.name())
            : (Integer) StandardOptions.MEMORY_BUDGET.defaultValue();
    Shape row = like.getShape().slice(1);
    Device device = like.getDevice();
    String key = rows + " " + row + " " + like.getDataType() + " on " + device;
    Object explicit =
        declared(options, StandardOptions.INTERNAL_BATCH_SIZE)
            ? options.get(StandardOptions.INTERNAL_BATCH_SIZE.name()).orElse(null)
            : null;
    if (explicit != null) {
      return new MemoryBudget((Integer) explicit, mib * MIB, 0, key);
    }
    Map<String, Long> calibrated;
    synchronized (CALIBRATIONS) {
      calibrated = CALIBRATIONS.computeIfAbsent(model, m -> new ConcurrentHashMap<>());
    }
    long rowBytes = Math.max(1, row.size() * like.getDataType().getNumOfBytes());
    Long known = calibrated.get(key);
    if (known == null) {
      boolean measurable = NativeHeap.available() && Device.Type.CPU.equals(device.getDeviceType());
      long measured =
          measurable ? measure(model, like.getManager(), probe, probeRows(rowBytes, mib * MIB)) : 0;
      long cost = measured >= rowBytes ? measured : FALLBACK_ROW_MULTIPLE * rowBytes;
      known = calibrated.merge(key, cost, (first, later) -> first);
    }
    return new MemoryBudget(0, mib * MIB, known, key);
  }

  /**
   * Bytes per row of the probe: a warm-up row, then the larger peak growth of two runs of {@link
   * #probeRows} rows. The heap is the process's, and the JVM's compiler threads allocate in it too
   * (a few MiB, either way): the probe is made large enough to stand above that, and the larger run
   * errs on the safe side.
   */
  private static long measure(ExplainableModel model, NDManager parent, Probe probe, int rows) {
    PassCounter.Mark mark = model.passes().mark();
    try {
      try (NDManager warm = parent.newSubManager()) {
        probe.run(1, warm);
      }
      long growth = 0;
      for (int run = 0; run < 2; run++) {
        growth =
            Math.max(
                growth,
                NativeHeap.peakGrowth(
                    () -> {
                      try (NDManager m = parent.newSubManager()) {
                        probe.run(rows, m);
                      }
                    }));
      }
      return growth / rows;
    } finally {
      // the probe is not the method's work: a call reports only its own passes
      model.passes().countForward(-mark.forward());
      model.passes().countBackward(-mark.backward());
    }
  }

  /**
   * Rows of the measured probe: enough that the fallback estimate of their cost reaches {@value
   * #PROBE_BYTES} bytes or the budget, whichever is less, within [{@value #PROBE_ROWS}, {@value
   * #MAX_PROBE_ROWS}].
   *
   * @param rowBytes the bytes of a row itself
   * @param budgetBytes the budget
   * @return the rows
   */
  static int probeRows(long rowBytes, long budgetBytes) {
    long target = Math.min(PROBE_BYTES, budgetBytes);
    long rows = target / (FALLBACK_ROW_MULTIPLE * Math.max(1, rowBytes));
    return (int) Math.max(PROBE_ROWS, Math.min(MAX_PROBE_ROWS, rows));
  }

  private static boolean declared(Options options, OptionSpec spec) {
    return options.schema().specs().stream().anyMatch(s -> s.name().equals(spec.name()));
  }

  /**
   * The calibrations made on a model so far: bytes per row by kind of row ("what, row shape, type
   * on device"), measured or taken from the fallback.
   *
   * @param model a model
   * @return a copy, empty when nothing was calibrated on it
   */
  public static Map<String, Long> calibrations(ExplainableModel model) {
    Map<String, Long> c = CALIBRATIONS.get(model);
    return c == null ? Map.of() : Map.copyOf(c);
  }

  /**
   * The bytes in live allocations of the native heap now, where libtorch's CPU tensors live: what a
   * long-running host can watch for leaks (unlike the resident set, it does not count memory the
   * allocator keeps after frees).
   *
   * @return the bytes (glibc's {@code mallinfo2}), or empty where they cannot be read
   */
  public static OptionalLong liveNativeBytes() {
    return NativeHeap.available() ? OptionalLong.of(NativeHeap.liveBytes()) : OptionalLong.empty();
  }

  /**
   * Rows per chunk for a budget and a cost per row: {@code budget / cost}, at least 1 and at most
   * the rows left.
   *
   * @param budgetBytes the budget
   * @param bytesPerRow the cost of one row, at least 1
   * @param remaining rows left, at least 1
   * @return the rows of the next chunk
   */
  public static int rows(long budgetBytes, long bytesPerRow, long remaining) {
    long rows = budgetBytes / Math.max(1, bytesPerRow);
    return (int) Math.max(1, Math.min(Math.min(rows, remaining), Integer.MAX_VALUE));
  }

  /**
   * The rows of the next chunk.
   *
   * @param remaining rows left, at least 1
   * @return {@code internal-batch-size}, or the budget over the cost of a row; at most the rows
   *     left
   */
  public int rows(long remaining) {
    if (explicitRows > 0) {
      return (int) Math.min(explicitRows, remaining);
    }
    return rows(budgetBytes, bytesPerRow, remaining);
  }

  /**
   * @return the budget in bytes (unused when rows are given explicitly)
   */
  public long budgetBytes() {
    return budgetBytes;
  }

  /**
   * @return the rows per chunk given by {@code internal-batch-size}, or empty when the budget sizes
   *     chunks
   */
  public OptionalLong explicitRows() {
    return explicitRows > 0 ? OptionalLong.of(explicitRows) : OptionalLong.empty();
  }

  /**
   * @return the cost of one row the budget sizes chunks with, or empty when rows are given
   *     explicitly
   */
  public OptionalLong bytesPerRow() {
    return explicitRows > 0 ? OptionalLong.empty() : OptionalLong.of(bytesPerRow);
  }

  /**
   * @return the key of this kind of row in {@link #calibrations}
   */
  public String key() {
    return key;
  }
}
