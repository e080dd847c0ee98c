package dev.ibex.api.spi;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Structure;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The bytes the native heap holds for live allocations, from glibc's {@code mallinfo2()} (in-use
 * arena bytes plus mmapped blocks), where libtorch's CPU tensors live. Unlike the resident set size
 * it does not count memory the allocator keeps after a free, so it measures what a piece of work
 * needs whatever ran before. Available on 64-bit Linux with glibc 2.33 or later; elsewhere (another
 * allocator, another system) {@link #available()} is false.
 */
final class NativeHeap {
  private static final long SAMPLE_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
  private static final LibC LIBC = load();

  private NativeHeap() {}

  /** glibc's {@code struct mallinfo2}: ten {@code size_t} fields. */
  @Structure.FieldOrder({
    "arena",
    "ordblks",
    "smblks",
    "hblks",
    "hblkhd",
    "usmblks",
    "fsmblks",
    "uordblks",
    "fordblks",
    "keepcost"
  })
  public static final class MallInfo2 extends Structure implements Structure.ByValue {
    public long arena;
    public long ordblks;
    public long smblks;
    public long hblks;
    public long hblkhd;
    public long usmblks;
    public long fsmblks;
    public long uordblks;
    public long fordblks;
    public long keepcost;
  }

  /** The C library function used. */
  public interface LibC extends Library {
    /**
     * @return the allocator's statistics over all arenas
     */
    MallInfo2 mallinfo2();
  }

  private static LibC load() {
    if (!Platform.isLinux() || Native.SIZE_T_SIZE != 8) {
      return null;
    }
    try {
      LibC c = Native.load("c", LibC.class);
      c.mallinfo2(); // glibc < 2.33 and other C libraries lack it
      return c;
    } catch (LinkageError | RuntimeException e) {
      return null;
    }
  }

  /**
   * @return whether live heap bytes can be read here
   */
  static boolean available() {
    return LIBC != null;
  }

  /**
   * @return bytes in live allocations of the native heap now (all threads)
   */
  static long liveBytes() {
    MallInfo2 m = LIBC.mallinfo2();
    return m.uordblks + m.hblkhd;
  }

  /**
   * Runs work while a sampling thread follows the live heap, and returns by how much its peak rose
   * above the level at the start. Other threads' allocations during the work count too.
   *
   * @param work what to measure
   * @return the peak growth in bytes (0 if it never rose)
   */
  static long peakGrowth(Runnable work) {
    long start = liveBytes();
    AtomicLong peak = new AtomicLong(start);
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(liveBytes(), Math::max);
                LockSupport.parkNanos(SAMPLE_NANOS);
              }
            },
            "ibex-memory-budget-probe");
    sampler.setDaemon(true);
    sampler.start();
    try {
      work.run();
    } finally {
      sampler.interrupt();
      boolean interrupted = false;
      while (sampler.isAlive()) {
        try {
          sampler.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    peak.accumulateAndGet(liveBytes(), Math::max);
    return Math.max(0, peak.get() - start);
  }
}
