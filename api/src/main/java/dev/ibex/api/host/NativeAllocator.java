package dev.ibex.api.host;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Keeps glibc's allocator from handing libtorch's large blocks back to the system after every pass.
 *
 * <p>libtorch allocates each activation, gradient and reordered weight of a pass with {@code
 * malloc} and frees it at the end. glibc serves blocks above its mmap threshold with fresh {@code
 * mmap}s and returns the top of its heap to the system above its trim threshold, so a process that
 * attributes batch after batch page-faults its whole working set in again on every pass: on a
 * ResNet-18 at 224² that is ~20 % to 50 % of the time of a saliency map on a 2-core machine, and
 * the time varies from run to run. Raising both thresholds lets freed blocks be reused; the price
 * is that the resident memory stays at its peak instead of falling between passes. (A thread other
 * than the process's first allocates in heaps of 64 MiB, and glibc unmaps a heap that becomes
 * wholly free whatever the thresholds: a pass much larger than that still faults some pages in.)
 *
 * <p>The setting is the process's, so it is the host's decision: the {@code ibex} CLI and the Spark
 * job's executors make it; a Java host calls {@link #keepFreedBlocks()} once at start-up, before
 * its first attribution. It is the same as starting the process with {@code
 * GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824}.
 * Elsewhere than glibc on Linux it does nothing.
 */
public final class NativeAllocator {
  /**
   * System property: {@code keep} (the default) lets {@link #keepFreedBlocks()} raise the
   * thresholds, {@code system} leaves glibc's defaults.
   */
  public static final String PROPERTY = "ibex.native-allocator";

  /** The mmap threshold set: the highest glibc accepts on 64-bit systems (32 MiB). */
  public static final int MMAP_THRESHOLD = 32 << 20;

  /** The trim threshold set (1 GiB): free memory at the heap's top kept for the next pass. */
  public static final int TRIM_THRESHOLD = 1 << 30;

  // glibc's malloc.h
  private static final int M_TRIM_THRESHOLD = -1;
  private static final int M_MMAP_THRESHOLD = -3;

  private static boolean kept;

  private NativeAllocator() {}

  /** The C library function used. */
  public interface LibC extends Library {
    /**
     * @param param which setting
     * @param value its value
     * @return 1 on success, 0 on error
     */
    int mallopt(int param, int value);
  }

  /**
   * Raises glibc's mmap and trim thresholds for this process, once; later calls return the first
   * call's answer. Does nothing when the {@value #PROPERTY} property is {@code system}, when the
   * process was started with {@code GLIBC_TUNABLES} (the person who set them decided), or off
   * glibc.
   *
   * @return whether the thresholds are raised
   */
  public static synchronized boolean keepFreedBlocks() {
    if (kept) {
      return true;
    }
    if ("system".equals(System.getProperty(PROPERTY, "keep"))
        || System.getenv("GLIBC_TUNABLES") != null
        || !Platform.isLinux()
        || Native.POINTER_SIZE != 8) {
      return false;
    }
    try {
      LibC c = Native.load("c", LibC.class);
      // the mmap threshold first: setting either one turns off glibc's dynamic threshold
      kept =
          c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
              && c.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1;
    } catch (LinkageError | RuntimeException e) {
      kept = false; // another C library: nothing to tune
    }
    return kept;
  }
}
