package dev.ibex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableMap;
import dev.ibex.training.engine.BatchReport;
import dev.ibex.training.engine.Checkpoint;
import dev.ibex.training.engine.EpochReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The training progress as the CLI prints it: plain lines for logs, one redrawn bar on a terminal.
 */
class ProgressPrinterTest {
  private static final ImmutableMap<String, Double> TERMS =
      ImmutableMap.of("ce", 2.3456789, "s-ib", 1000.0, "loss", 1002.3456789);

  private static String print(boolean bar) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      ProgressPrinter p = new ProgressPrinter(out, 2, bar);
      p.onResume(new Checkpoint(Path.of("/tmp/run/model-0001.params"), 1, 3));
      for (int b = 1; b <= 3; b++) {
        p.onBatch(new BatchReport(2, b, 3, TERMS, 0.0625));
      }
      p.onEpoch(new EpochReport(2, TERMS, 0.5, Double.NaN, Double.NaN, 1.2, 2.5));
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void plainLinesEveryNBatchesThenTheEpochLine() {
    assertThat(print(false))
        .isEqualTo(
            String.join(
                System.lineSeparator(),
                "resumed from model-0001.params after epoch 1",
                "epoch 2 batch 2/3 ce=2.346 s-ib=1000 loss=1002 acc=0.063",
                "epoch 2 ce=2.346 s-ib=1000 loss=1002 train-acc=0.5000 (1.2 s, cpu 2.5 s)",
                ""));
  }

  @Test
  void aTerminalGetsOneBarRedrawnInPlace() {
    String out = print(true);
    String[] lines = out.split(System.lineSeparator());
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).isEqualTo("resumed from model-0001.params after epoch 1");
    assertThat(lines[1])
        .contains("\repoch 2 [==========                    ] 1/3 loss=1002 acc=0.063")
        .contains("\repoch 2 [==============================] 3/3")
        .endsWith("\repoch 2 ce=2.346 s-ib=1000 loss=1002 train-acc=0.5000 (1.2 s, cpu 2.5 s)")
        .doesNotContain("batch");
  }
}
