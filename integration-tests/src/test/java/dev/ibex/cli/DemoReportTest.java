package dev.ibex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DemoReportTest {
  @Test
  void statsAreMeanAndSampleStd() {
    DemoReport.Stat s = DemoReport.Stat.of(List.of(1.0, 2.0, 3.0));
    assertThat(s.mean()).isEqualTo(2.0);
    assertThat(s.std()).isEqualTo(1.0);
    assertThat(s.text()).isEqualTo("2.0000 ± 1.0000");
    assertThat(DemoReport.Stat.of(List.of(0.5)).text()).isEqualTo("0.5000");
  }

  @Test
  void differencesPairRunsBySeedOverTheRunsBothHave() {
    DemoReport.Stat d = DemoReport.Stat.ofDifferences(List.of(2.0, 5.0, 9.0), List.of(1.0, 2.0));
    assertThat(d.n()).isEqualTo(2);
    assertThat(d.mean()).isEqualTo(2.0);
  }

  @Test
  void verdictsTellDirectionFromNoise() {
    // per-seed changes 1, 2, 3: mean 2, standard error 1/sqrt(3) = 0.58, beyond two of them
    DemoReport.Stat up = DemoReport.Stat.of(List.of(1.0, 2.0, 3.0));
    assertThat(DemoReport.verdict(up, 13.17)).isEqualTo("agrees in direction");
    assertThat(DemoReport.verdict(up, -3.6)).startsWith("DISAGREES");
    DemoReport.Stat noise = DemoReport.Stat.of(List.of(-1.0, 0.5, 1.0));
    assertThat(DemoReport.verdict(noise, 13.17))
        .isEqualTo("no difference beyond noise here (paper: +13.17) - does not reproduce");
    assertThat(DemoReport.verdict(DemoReport.Stat.of(List.of(2.0)), 1)).startsWith("one seed");
  }
}
