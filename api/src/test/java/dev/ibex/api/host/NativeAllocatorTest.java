package dev.ibex.api.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NativeAllocatorTest {
  private static final int PASSES = 20;

  /** getrusage(2), for the calling thread's own page faults (not the JVM's other threads'). */
  interface Usage extends Library {
    int getrusage(int who, long[] usage);
  }

  /** Minor page faults of the calling thread so far. */
  private static long threadMinorFaults(Usage c) {
    long[] usage = new long[18]; // struct rusage: two timevals, then 14 longs
    assertThat(c.getrusage(1 /* RUSAGE_THREAD */, usage)).isZero();
    return usage[4 + 4]; // ru_minflt, after ru_maxrss, ru_ixrss, ru_idrss, ru_isrss
  }

  /**
   * A pass's worth of blocks: 1 to 8 MiB, as a network's activations, written, freed together; 36
   * MiB in all, within one of glibc's 64 MiB per-thread heaps (see {@link NativeAllocator}).
   */
  private static void pass(NDManager parent) {
    try (NDManager m = parent.newSubManager()) {
      List<NDArray> blocks = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        blocks.add(m.zeros(new Shape((1 + i % 8) << 18)).addi(1));
      }
    }
  }

  /**
   * The fewest faults of three rounds of {@link #PASSES} passes: the JVM's own work on this thread
   * (fresh pages of the Java heap) adds faults now and then, never takes any away.
   */
  private static long faultsOverPasses(Usage c, NDManager manager) {
    pass(manager);
    long fewest = Long.MAX_VALUE;
    for (int round = 0; round < 3; round++) {
      long before = threadMinorFaults(c);
      for (int i = 0; i < PASSES; i++) {
        pass(manager);
      }
      fewest = Math.min(fewest, threadMinorFaults(c) - before);
    }
    return fewest;
  }

  @Test
  void passAfterPassReusesFreedBlocksInsteadOfFaultingThemInAgain() {
    assumeTrue(Platform.isLinux() && Native.POINTER_SIZE == 8, "64-bit Linux");
    assumeTrue(System.getenv("GLIBC_TUNABLES") == null, "glibc's settings left to the environment");
    Usage c = Native.load("c", Usage.class);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      // the host's choice first: with the property at system nothing changes
      System.setProperty(NativeAllocator.PROPERTY, "system");
      try {
        assertThat(NativeAllocator.keepFreedBlocks()).isFalse();
      } finally {
        System.clearProperty(NativeAllocator.PROPERTY);
      }
      // glibc's defaults, for the record: its dynamic threshold sometimes keeps the blocks, often
      // not (0 to ~6,000 faults here), which is why the benchmarks vary from run to run
      long untuned = faultsOverPasses(c, manager);
      assumeTrue(NativeAllocator.keepFreedBlocks(), "glibc");
      long kept = faultsOverPasses(c, manager);
      System.out.printf(
          "minor faults of %d passes of 36 MiB: %d with glibc's defaults, %d kept%n",
          PASSES, untuned, kept);
      // kept blocks are faulted in once, in the first pass, and reused by every later one; a wrong
      // setting (say the trim threshold alone) faults in every block of every pass: 20 x 9,216
      // pages.
      // The slack is for the JVM's own work on this thread (about 140 faults seen)
      long pagesOfOnePass = (36L << 20) / 4096;
      assertThat(kept).isLessThan(pagesOfOnePass / 8);
      // later calls give the first call's answer
      assertThat(NativeAllocator.keepFreedBlocks()).isTrue();
    }
  }
}
