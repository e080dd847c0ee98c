package dev.ibex.cli;

import dev.ibex.cli.DemoReport.Stat;
import dev.ibex.demo.AibExperiment;
import dev.ibex.demo.AibExperiment.Run;
import dev.ibex.demo.AibPaper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The demo report's part for experiment AIB: accuracy beside the paper's Table 1, the
 * interpretability scores beside its Table 2, localisation of the maps, and the JSON of every run.
 */
final class AibSection {
  private final AibExperiment.Outcome outcome;

  AibSection(AibExperiment.Outcome outcome) {
    this.outcome = outcome;
  }

  private List<Run> runs(String variant) {
    return outcome.runs().stream().filter(r -> r.variant().equals(variant)).toList();
  }

  private Stat stat(String variant, ToDoubleFunction<Run> f) {
    return Stat.of(runs(variant).stream().map(f::applyAsDouble).toList());
  }

  private Stat score(String variant, String method, String label) {
    return stat(variant, r -> r.scores().get(method).get(label));
  }

  /** aib minus plain, per seed (runs pair by seed). */
  private Stat change(ToDoubleFunction<Run> aib, ToDoubleFunction<Run> plain) {
    return Stat.ofDifferences(
        runs("aib").stream().map(aib::applyAsDouble).toList(),
        runs("plain").stream().map(plain::applyAsDouble).toList());
  }

  private static String attention(String variant) {
    return AibExperiment.METHODS.get(variant).get(0);
  }

  /**
   * @return the template's values of the section
   */
  Map<String, Object> page() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put(
        "intro",
        String.format(
            Locale.ROOT,
            "The same scenes, recipe and seeds as experiment S-IB; the plain runs are experiment"
                + " S-IB's. aib wraps the residual CNN with options %s: the stem's 28x28 feature map is"
                + " attended, the residual blocks are the VIB encoder, Linear-ReLU-Linear the decoder."
                + " The paper scores attention maps; the plain model has none, so its Grad-CAM stands"
                + " in, and saliency is scored on both. %d seed(s); wall time %.0f s (aib training and"
                + " all scoring of this experiment).",
            outcome.options(),
            runs("aib").size(),
            outcome.seconds()));
    v.put(
        "accuracyHeader",
        List.of("model", "test accuracy (cue as in training)", "cue shuffled", "training s"));
    List<ReportPage.Row> acc = new ArrayList<>();
    for (String variant : AibExperiment.VARIANTS) {
      acc.add(
          ReportPage.Row.of(
              List.of(
                  variant,
                  stat(variant, Run::accuracy).text(),
                  stat(variant, Run::shiftedAccuracy).text(),
                  String.format(Locale.ROOT, "%.0f", stat(variant, Run::seconds).mean()))));
    }
    Stat accChange = change(Run::accuracy, Run::accuracy);
    acc.add(
        ReportPage.Row.of(
            List.of(
                "aib − plain",
                accChange.text(),
                change(Run::shiftedAccuracy, Run::shiftedAccuracy).text(),
                "")));
    v.put("accuracyRows", acc);
    v.put(
        "accuracyPaper",
        DemoReport.accuracyAgainstPaper(
            AibPaper.SOURCE, AibPaper.TOP1.baseline(), AibPaper.TOP1.aib(), accChange));
    v.put(
        "scoreHeader",
        List.of(
            "modification (paper → here)",
            "plain: " + attention("plain"),
            "aib: " + attention("aib"),
            "aib − plain (per seed)",
            "plain: saliency",
            "aib: saliency",
            "prediction kept (plain / aib)",
            "paper: VGG-att3 → VGG-aib-qt (%)",
            "here vs paper"));
    List<ReportPage.Row> rows = new ArrayList<>();
    for (AibPaper.Modification mod : AibPaper.MODIFICATIONS) {
      String label = mod.label();
      Stat d =
          change(
              r -> r.scores().get(attention("aib")).get(label),
              r -> r.scores().get(attention("plain")).get(label));
      rows.add(
          ReportPage.Row.of(
              List.of(
                  label + " → " + here(outcome.modifications().get(label)),
                  score("plain", attention("plain"), label).text(),
                  score("aib", attention("aib"), label).text(),
                  d.text(),
                  score("plain", "saliency", label).text(),
                  score("aib", "saliency", label).text(),
                  String.format(
                      Locale.ROOT,
                      "%.2f / %.2f",
                      score("plain", "saliency", AibExperiment.keptLabel(mod)).mean(),
                      score("aib", "saliency", AibExperiment.keptLabel(mod)).mean()),
                  String.format(
                      Locale.ROOT,
                      "%.2f → %.2f (%+.2f)",
                      mod.scores().baseline(),
                      mod.scores().aib(),
                      mod.scores().change()),
                  DemoReport.verdict(DemoReport.scaled(d), mod.scores().change()))));
    }
    v.put("scoreRows", rows);
    v.put("localisationHeader", List.of("model: map", "pointing game ↑", "mAP ↑"));
    List<ReportPage.Row> loc = new ArrayList<>();
    for (String variant : AibExperiment.VARIANTS) {
      for (String method : AibExperiment.METHODS.get(variant)) {
        List<String> row = new ArrayList<>(List.of(variant + ": " + method));
        for (String metric : AibExperiment.LOCALISATION) {
          row.add(score(variant, method, metric).text());
        }
        loc.add(ReportPage.Row.of(row));
      }
    }
    v.put("localisationRows", loc);
    return v;
  }

  /** The modification as run on the canvas, e.g. "block 14 px" or "r < 21". */
  private static String here(Map<String, Object> options) {
    return switch (String.valueOf(options.get("modification"))) {
      case "colour-block" -> "block " + options.get("size") + " px";
      case "high-pass" -> String.format(Locale.ROOT, "r ≥ %.0f", options.get("high-pass-radius"));
      case "low-pass" -> String.format(Locale.ROOT, "r < %.0f", options.get("low-pass-radius"));
      default -> options.toString();
    };
  }

  /**
   * @return every number of the experiment for results.json
   */
  Map<String, Object> json() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("options", outcome.options());
    root.put("modifications", outcome.modifications());
    root.put("seconds", DemoReport.num(outcome.seconds()));
    List<Object> runs = new ArrayList<>();
    for (Run r : outcome.runs()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("variant", r.variant());
      m.put("seed", r.seed());
      m.put("accuracy", DemoReport.num(r.accuracy()));
      m.put("shiftedAccuracy", DemoReport.num(r.shiftedAccuracy()));
      m.put("trainSeconds", DemoReport.num(r.seconds()));
      m.put("scores", DemoReport.numbers(r.scores()));
      runs.add(m);
    }
    root.put("runs", runs);
    Map<String, Object> summary = new LinkedHashMap<>();
    for (String variant : AibExperiment.VARIANTS) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("accuracy", stat(variant, Run::accuracy).json());
      s.put("shiftedAccuracy", stat(variant, Run::shiftedAccuracy).json());
      Map<String, Object> scores = new LinkedHashMap<>();
      for (String method : AibExperiment.METHODS.get(variant)) {
        Map<String, Object> byLabel = new LinkedHashMap<>();
        runs(variant)
            .get(0)
            .scores()
            .get(method)
            .keySet()
            .forEach(label -> byLabel.put(label, score(variant, method, label).json()));
        scores.put(method, byLabel);
      }
      s.put("scores", scores);
      summary.put(variant, s);
    }
    root.put("summary", summary);
    return root;
  }
}
