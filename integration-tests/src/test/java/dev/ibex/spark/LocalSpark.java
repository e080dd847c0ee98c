package dev.ibex.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A real SparkSession in {@code local[2]} for tests, quiet and offline, that records which jobs and
 * tasks started.
 */
final class LocalSpark implements AutoCloseable {
  private static final String PROBE = "probe-";

  final SparkSession spark;
  private final List<String> events = new ArrayList<>();
  private final Set<Integer> probeStages = ConcurrentHashMap.newKeySet();

  LocalSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("ibex-spark-test")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    spark
        .sparkContext()
        .addSparkListener(
            new SparkListener() {
              @Override
              public void onJobStart(SparkListenerJobStart job) {
                String group = job.properties().getProperty("spark.jobGroup.id");
                if (group != null && group.startsWith(PROBE)) {
                  for (Object id : CollectionConverters.asJava(job.stageIds())) {
                    probeStages.add((Integer) id);
                  }
                  probeSeen(group);
                } else {
                  record("job " + job.jobId());
                }
              }

              @Override
              public void onTaskStart(SparkListenerTaskStart task) {
                if (!probeStages.contains(task.stageId())) {
                  record("task of stage " + task.stageId());
                }
              }
            });
  }

  private synchronized void record(String event) {
    events.add(event);
  }

  private synchronized void probeSeen(String group) {
    events.add(group);
  }

  /**
   * The jobs and tasks that started since the last call, once the listener has seen all of them: a
   * probe job (not itself counted) is run and its start awaited (a listener gets events in order).
   */
  List<String> startedSinceLastCall() throws InterruptedException {
    String probe = PROBE + System.nanoTime();
    spark.sparkContext().setJobGroup(probe, "probe", false);
    try {
      spark.range(1).count();
    } finally {
      spark.sparkContext().clearJobGroup();
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      synchronized (this) {
        int at = events.indexOf(probe);
        if (at >= 0) {
          // a probe may run more than one job: none of them counts
          List<String> before =
              events.subList(0, at).stream().filter(e -> !e.startsWith(PROBE)).toList();
          events.subList(0, at + 1).clear();
          return before;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the listener never saw the probe job");
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() {
    spark.stop();
  }
}
