package dev.ibex.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.model.PassCounter;
import dev.ibex.api.model.Stage;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.Options;
import dev.ibex.api.options.StandardOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Chunks sized by a memory budget: the explicit override, the measured probe, the fallback. */
class MemoryBudgetTest {
  private static final long MIB = 1 << 20;
  private static final OptionSchema SCHEMA =
      OptionSchema.of(
          StandardOptions.INTERNAL_BATCH_SIZE.withDefault(null), StandardOptions.MEMORY_BUDGET);

  private NDManager manager;
  private ExplainableModel model;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    model = new NoModel(manager);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /** Runs {@code total} rows and returns each chunk's [from, to). */
  private List<int[]> chunks(long total, MemoryBudget budget) {
    List<int[]> seen = new ArrayList<>();
    Chunks.forEach(total, budget, manager, (from, to, chunk) -> seen.add(new int[] {from, to}));
    return seen;
  }

  /** A probe whose rows cost the 32 MiB of float64 values each makes (written: pages touched). */
  private static MemoryBudget.Probe thirtyTwoMibPerRow(List<Integer> runs) {
    return (rows, m) -> {
      runs.add(rows);
      m.zeros(new Shape(rows, 4 * MIB), DataType.FLOAT64).addi(1);
    };
  }

  @Test
  void anExplicitInternalBatchSizeWinsAndCalibratesNothing() {
    Options o = SCHEMA.defaults().with("internal-batch-size", 4).with("memory-budget", 1);
    List<Integer> runs = new ArrayList<>();
    MemoryBudget budget =
        MemoryBudget.of(o, model, "rows", manager.zeros(new Shape(1, 8)), thirtyTwoMibPerRow(runs));
    assertThat(budget.explicitRows()).hasValue(4);
    assertThat(budget.bytesPerRow()).isEmpty();
    assertThat(chunks(10, budget))
        .containsExactly(new int[] {0, 4}, new int[] {4, 8}, new int[] {8, 10});
    assertThat(runs).isEmpty();
    assertThat(MemoryBudget.calibrations(model)).isEmpty();
  }

  @Test
  void theProbeIsMeasuredOncePerKindOfRowAndSizesEveryChunk() {
    assumeTrue(NativeHeap.available(), "glibc's mallinfo2 (64-bit Linux)");
    Options o = SCHEMA.defaults().with("memory-budget", 256);
    List<Integer> runs = new ArrayList<>();
    // rows of 256 KiB: the fallback puts 2 of them at 64 MiB, so the probe measures 2 rows
    NDArray like = manager.zeros(new Shape(1, 1 << 16));
    MemoryBudget budget = MemoryBudget.of(o, model, "rows", like, thirtyTwoMibPerRow(runs));
    // a warm-up row, then the measured rows twice
    assertThat(runs).containsExactly(1, 2, 2);
    long cost = budget.bytesPerRow().orElseThrow();
    System.out.printf("measured %.3f MiB per row of 32 MiB%n", cost / (double) MIB);
    // within the heap's noise (the JVM's compiler threads allocate and free in it too)
    assertThat(cost).isBetween(28 * MIB, 44 * MIB);
    int rows = MemoryBudget.rows(256 * MIB, cost, Long.MAX_VALUE);
    assertThat(rows).isBetween(5, 9);
    List<int[]> seen = chunks(20, budget);
    assertThat(seen.get(0)).containsExactly(0, rows);
    assertThat(seen.get(1)).containsExactly(rows, 2 * rows);
    // calibrated once per model and kind of row
    MemoryBudget again = MemoryBudget.of(o, model, "rows", like, thirtyTwoMibPerRow(runs));
    assertThat(runs).hasSize(3);
    assertThat(again.bytesPerRow()).hasValue(cost);
    assertThat(MemoryBudget.calibrations(model)).containsOnly(entry(budget.key(), cost));
    assertThat(budget.key()).isEqualTo("rows (65536) float32 on cpu()");
    // another row shape is another kind of row; a larger budget, more rows
    MemoryBudget wider =
        MemoryBudget.of(
            o.with("memory-budget", 2560),
            model,
            "rows",
            manager.zeros(new Shape(1, 1 << 17)),
            thirtyTwoMibPerRow(runs));
    assertThat(runs).hasSize(6);
    assertThat(wider.rows(1000)).isBetween(58, 92);
  }

  @Test
  void liveNativeBytesFollowAllocationsAndFrees() {
    assumeTrue(NativeHeap.available(), "glibc's mallinfo2 (64-bit Linux)");
    // the heap is the process's: the JVM's compiler threads allocate and free in it too, hence
    // the slack either way (up to 9 MiB seen)
    long before = MemoryBudget.liveNativeBytes().orElseThrow();
    NDArray big = manager.zeros(new Shape(16, MIB), DataType.FLOAT64); // 128 MiB
    long holding = MemoryBudget.liveNativeBytes().orElseThrow();
    big.close();
    long after = MemoryBudget.liveNativeBytes().orElseThrow();
    assertThat(holding - before).isBetween(112 * MIB, 144 * MIB);
    assertThat(Math.abs(after - before)).isLessThan(16 * MIB);
  }

  @Test
  void theProbeIsLargeEnoughToStandAboveTheHeapsNoiseButWithinTheBudget() {
    // 24 kB rows (the parity CNN's 3x32x32 float64): 21 of them reach 64 MiB by the fallback
    assertThat(MemoryBudget.probeRows(24_576, 1024 * MIB)).isEqualTo(21);
    assertThat(MemoryBudget.probeRows(24_576, 16 * MIB)).isEqualTo(5);
    assertThat(MemoryBudget.probeRows(100, 1024 * MIB)).isEqualTo(MemoryBudget.MAX_PROBE_ROWS);
    assertThat(MemoryBudget.probeRows(602_112, 1024 * MIB)).isEqualTo(MemoryBudget.PROBE_ROWS);
  }

  @Test
  void theProbesPassesAreTakenBack() {
    PassCounter.Mark mark = model.passes().mark();
    MemoryBudget.of(
        SCHEMA.defaults(),
        model,
        "rows",
        manager.zeros(new Shape(1, 8)),
        (rows, m) -> {
          model.passes().countForward(rows);
          model.passes().countBackward(rows);
        });
    assertThat(mark.forward()).isZero();
    assertThat(mark.backward()).isZero();
    assertThat(model.passes().forward()).isZero();
  }

  @Test
  void aMeasurementBelowTheRowsOwnSizeFallsBackToAMultipleOfIt() {
    Options o = SCHEMA.defaults().with("memory-budget", 2048);
    // rows of 4 MiB (float32) whose probe allocates nothing: not a plausible cost
    MemoryBudget budget =
        MemoryBudget.of(o, model, "rows", manager.zeros(new Shape(1, MIB)), (r, m) -> {});
    long fallback = MemoryBudget.FALLBACK_ROW_MULTIPLE * 4 * MIB;
    assertThat(budget.bytesPerRow()).hasValue(fallback);
    assertThat(chunks(10, budget).get(0)).containsExactly(0, 4);
  }

  @Test
  void rowsAreTheBudgetOverTheCostBetweenOneAndTheRowsLeft() {
    assertThat(MemoryBudget.rows(100, 30, 1000)).isEqualTo(3);
    assertThat(MemoryBudget.rows(100, 300, 1000)).isEqualTo(1);
    assertThat(MemoryBudget.rows(100, 3, 10)).isEqualTo(10);
    assertThat(MemoryBudget.rows(Long.MAX_VALUE, 1, Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void theBudgetIsAStandardOptionInMib() {
    assertThat(StandardOptions.ALL).containsEntry("memory-budget", StandardOptions.MEMORY_BUDGET);
    assertThat(SCHEMA.defaults().getInt("memory-budget")).isEqualTo(128);
    assertThat(SCHEMA.defaults().get("internal-batch-size")).isEmpty();
    assertThatThrownBy(() -> SCHEMA.defaults().with("memory-budget", 0))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("memory-budget");
  }

  /** A model that is only a key of the calibrations. */
  private static final class NoModel implements ExplainableModel {
    private final NDManager manager;
    private final PassCounter passes = new PassCounter();

    NoModel(NDManager manager) {
      this.manager = manager;
    }

    @Override
    public NDManager manager() {
      return manager;
    }

    @Override
    public NDArray forward(NDArray input) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<String> layers() {
      return List.of();
    }

    @Override
    public NDArray toLayer(String layer, NDArray input) {
      throw new UnsupportedOperationException();
    }

    @Override
    public NDArray fromLayer(String layer, NDArray activation) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<List<Stage>> stages() {
      return Optional.empty();
    }

    @Override
    public PassCounter passes() {
      return passes;
    }

    @Override
    public void close() {}
  }
}
