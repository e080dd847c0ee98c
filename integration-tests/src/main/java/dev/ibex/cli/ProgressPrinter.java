package dev.ibex.cli;

import dev.ibex.training.engine.BatchReport;
import dev.ibex.training.engine.Checkpoint;
import dev.ibex.training.engine.EpochReport;
import dev.ibex.training.engine.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Prints a trainer's progress. Plain lines (what logs and tests see): every {@code everyBatches}
 * batches {@code epoch E batch B/N <terms> acc=A}, then each epoch's {@link EpochReport#line()},
 * and {@code resumed from FILE after epoch E} when a run continues a checkpoint. On a terminal,
 * {@link #to} draws the batches as one progress bar redrawn in place instead.
 */
public final class ProgressPrinter implements TrainingListener {
  /** Batches between two plain progress lines of the CLI. */
  static final int EVERY_BATCHES = 20;

  private static final int BAR_WIDTH = 30;

  private final PrintStream out;
  private final int everyBatches;
  private final boolean bar;
  private int barLength;

  /**
   * A printer of plain lines.
   *
   * @param out where to print
   * @param everyBatches print a batch line every this many batches, at least 1
   */
  public ProgressPrinter(PrintStream out, int everyBatches) {
    this(out, everyBatches, false);
  }

  ProgressPrinter(PrintStream out, int everyBatches, boolean bar) {
    if (everyBatches < 1) {
      throw new IllegalArgumentException("everyBatches must be at least 1");
    }
    this.out = out;
    this.everyBatches = everyBatches;
    this.bar = bar;
  }

  /**
   * The CLI's printer: a progress bar when {@code out} is the standard output of a terminal, plain
   * lines every {@value #EVERY_BATCHES} batches otherwise.
   *
   * @param out where to print
   * @return the printer
   */
  public static ProgressPrinter to(PrintStream out) {
    return new ProgressPrinter(out, EVERY_BATCHES, System.console() != null && out == System.out);
  }

  @Override
  public void onResume(Checkpoint checkpoint) {
    endBar();
    out.println(
        "resumed from " + checkpoint.params().getFileName() + " after epoch " + checkpoint.epoch());
  }

  @Override
  public void onBatch(BatchReport batch) {
    if (bar) {
      drawBar(batch);
    } else if (batch.batch() % everyBatches == 0) {
      out.println(
          String.format(
              Locale.ROOT,
              "epoch %d batch %d/%d %s acc=%.3f",
              batch.epoch(),
              batch.batch(),
              batch.batches(),
              terms(batch.terms()),
              batch.accuracy()));
    }
  }

  @Override
  public void onEpoch(EpochReport epoch) {
    endBar();
    out.println(epoch.line());
  }

  private void drawBar(BatchReport batch) {
    int filled = (int) ((long) BAR_WIDTH * batch.batch() / batch.batches());
    String line =
        String.format(
            Locale.ROOT,
            "epoch %d [%s%s] %d/%d loss=%.4g acc=%.3f",
            batch.epoch(),
            "=".repeat(filled),
            " ".repeat(BAR_WIDTH - filled),
            batch.batch(),
            batch.batches(),
            batch.terms().getOrDefault("loss", Double.NaN),
            batch.accuracy());
    // pad to the previous line's length: '\r' returns to the line's start without clearing it
    out.print("\r" + line + " ".repeat(Math.max(0, barLength - line.length())));
    out.flush();
    barLength = line.length();
  }

  private void endBar() {
    if (barLength > 0) {
      out.print("\r" + " ".repeat(barLength) + "\r");
      barLength = 0;
    }
  }

  private static String terms(Map<String, Double> terms) {
    StringBuilder sb = new StringBuilder();
    terms.forEach(
        (k, v) ->
            sb.append(sb.length() == 0 ? "" : " ")
                .append(String.format(Locale.ROOT, "%s=%.4g", k, v)));
    return sb.toString();
  }
}
