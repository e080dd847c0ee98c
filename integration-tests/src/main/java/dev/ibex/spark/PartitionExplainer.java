package dev.ibex.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.Attribution;
import dev.ibex.api.IbexException;
import dev.ibex.api.MetricResult;
import dev.ibex.api.Target;
import dev.ibex.api.host.Explanation;
import dev.ibex.api.host.Pipeline;
import dev.ibex.api.model.TorchScriptModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Explains one partition on an executor: reads its files, explains their samples in batches of one
 * shape, and yields the rows as they are ready (a partition is never held in memory whole).
 */
final class PartitionExplainer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final ImageExplainer job;

  PartitionExplainer(ImageExplainer job) {
    this.job = job;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> files) {
    TorchScriptModel model = ExecutorModels.model(job.model());
    Map<String, Pipeline> pipelines = job.pipelines(ExecutorModels.ibex());
    return new Rows(files, model, pipelines);
  }

  /** The partition's output rows, computed a batch at a time. */
  private final class Rows implements Iterator<Row> {
    private final Iterator<Row> files;
    private final TorchScriptModel model;
    private final Map<String, Pipeline> pipelines;
    private final Deque<Row> ready = new ArrayDeque<>();
    private final Deque<Sample> decoded = new ArrayDeque<>();

    Rows(Iterator<Row> files, TorchScriptModel model, Map<String, Pipeline> pipelines) {
      this.files = files;
      this.model = model;
      this.pipelines = pipelines;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && (!decoded.isEmpty() || files.hasNext())) {
        List<Sample> batch = nextBatch();
        if (!batch.isEmpty()) {
          ready.addAll(explain(batch, pipelines.keySet()));
        }
      }
      return !ready.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    /** Up to a batch of samples of the first one's shape; files that fail give error rows. */
    private List<Sample> nextBatch() {
      List<Sample> batch = new ArrayList<>();
      while (batch.size() < job.batchSize()) {
        if (decoded.isEmpty() && !decodeNextFile()) {
          break;
        }
        if (decoded.isEmpty()) {
          continue; // that file failed, or held no sample
        }
        if (!batch.isEmpty() && !decoded.peek().sameShape(batch.get(0))) {
          break;
        }
        batch.add(decoded.poll());
      }
      return batch;
    }

    /** Decodes the next file into {@link #decoded}, or into error rows; false at the end. */
    private boolean decodeNextFile() {
      if (!files.hasNext()) {
        return false;
      }
      Row file = files.next();
      String path = file.getString(0);
      try {
        decoded.addAll(job.reader().read(path, (byte[]) file.get(1), model.manager()));
      } catch (RuntimeException e) { // a corrupt file is a row with its error, never a failed job
        Sample whole = new Sample(path, 0, new float[0], new long[0]);
        for (String method : pipelines.keySet()) {
          ready.add(errorRow(whole, method, e));
        }
      }
      return true;
    }

    /**
     * Explains a batch with the given methods. A method that fails on the batch is run again on
     * each sample alone; a sample that fails alone gets an error row.
     */
    private List<Row> explain(List<Sample> batch, Collection<String> methods) {
      List<Row> rows = new ArrayList<>();
      try (NDManager m = model.manager().newSubManager()) {
        NDArray x = stack(batch, m);
        int[] classes;
        try {
          classes = classes(x);
        } catch (RuntimeException e) {
          return alone(batch, methods, e);
        }
        for (String method : methods) {
          Explanation e;
          try {
            e = pipelines.get(method).run(model, x, target());
          } catch (RuntimeException failure) {
            rows.addAll(alone(batch, List.of(method), failure));
            continue;
          }
          for (int i = 0; i < batch.size(); i++) {
            rows.add(resultRow(batch.get(i), method, classes[i], x, e, i));
          }
        }
      }
      return rows;
    }

    private List<Row> alone(List<Sample> batch, Collection<String> methods, RuntimeException e) {
      List<Row> rows = new ArrayList<>();
      if (batch.size() == 1) {
        for (String method : methods) {
          rows.add(errorRow(batch.get(0), method, e));
        }
        return rows;
      }
      for (Sample s : batch) {
        rows.addAll(explain(List.of(s), methods));
      }
      return rows;
    }

    private Target target() {
      return job.targetClass() == null ? Target.predicted() : Target.ofClass(job.targetClass());
    }

    /** The class each sample is explained for: given, or predicted (one forward pass). */
    private int[] classes(NDArray x) {
      int n = (int) x.getShape().get(0);
      if (job.targetClass() != null) {
        int[] k = new int[n];
        Arrays.fill(k, job.targetClass());
        return k;
      }
      try (NDArray out = model.forward(x)) {
        return Target.predicted().resolve(out).classes().orElseThrow();
      }
    }

    private NDArray stack(List<Sample> batch, NDManager m) {
      long[] shape = batch.get(0).shape();
      int size = batch.get(0).values().length;
      float[] all = new float[size * batch.size()];
      for (int i = 0; i < batch.size(); i++) {
        System.arraycopy(batch.get(i).values(), 0, all, i * size, size);
      }
      return m.create(all, new Shape(batch.size(), shape[0], shape[1], shape[2]));
    }

    private Row resultRow(Sample s, String method, int cls, NDArray x, Explanation e, int i) {
      Attribution a = e.attribution();
      MapWriter.Written files = new MapWriter.Written(null, null);
      if (job.maps() != null) {
        try {
          files = job.maps().write(s, method, x, a.values(), i);
        } catch (IOException failed) {
          // the output directory, not the sample: the task fails and Spark reports it
          throw new UncheckedIOException(failed);
        }
      }
      List<Object> v = new ArrayList<>();
      v.add(s.path());
      v.add(s.index());
      v.add(method);
      v.add(cls);
      for (String metric : job.metricNames()) {
        MetricResult r = e.score(metric);
        v.add(r.perSample().length == 0 ? r.value() : r.perSample()[i]);
      }
      v.add(a.forwardPassesPerSample());
      v.add(a.backwardPassesPerSample());
      v.add(files.png());
      v.add(files.npy());
      v.add(null);
      if (job.keepAttributions()) {
        NDArray values = a.values().get(i);
        v.add(values.toType(DataType.FLOAT32, false).toFloatArray());
        v.add(Arrays.stream(values.getShape().getShape()).mapToInt(d -> (int) d).toArray());
      }
      return RowFactory.create(v.toArray());
    }

    private Row errorRow(Sample s, String method, RuntimeException e) {
      List<Object> v = new ArrayList<>();
      v.add(s.path());
      v.add(s.index());
      v.add(method);
      v.add(null);
      for (int k = 0; k < job.metricNames().size(); k++) {
        v.add(null);
      }
      v.add(null);
      v.add(null);
      v.add(null);
      v.add(null);
      v.add(message(e));
      if (job.keepAttributions()) {
        v.add(null);
        v.add(null);
      }
      return RowFactory.create(v.toArray());
    }
  }

  /** One line: ibex's own message, else the exception's kind and first line. */
  static String message(RuntimeException e) {
    String m = String.valueOf(e.getMessage());
    String first = m.lines().findFirst().orElse("").trim();
    return e instanceof IbexException ? first : e.getClass().getSimpleName() + ": " + first;
  }
}
