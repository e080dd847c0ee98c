package dev.ibex.cli;

import dev.ibex.demo.clip.ContrastiveTraining;
import dev.ibex.demo.clip.NibExperiment;
import dev.ibex.demo.clip.NibOutcome;
import dev.ibex.demo.clip.NibOutcome.Score;
import dev.ibex.demo.clip.NibPaper;
import dev.ibex.demo.clip.Retrieval;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The demo report's part for experiment NIB: the contrastively trained CLIP-like model's retrieval
 * and training curve, both sides' scores beside the paper's Table 2 with a verdict, the pointing
 * game against its chance, and heatmaps of the first pairs.
 */
final class NibSection {
  private static final List<String> DROP_INCREASE =
      List.of("confidence-drop", "confidence-increase");

  private final NibOutcome outcome;

  NibSection(NibOutcome outcome) {
    this.outcome = outcome;
  }

  /**
   * @return the template's values of the section
   * @throws IOException if a heatmap cannot be drawn
   */
  Map<String, Object> page() throws IOException {
    Map<String, Object> v = new LinkedHashMap<>();
    Retrieval before = outcome.before();
    Retrieval after = outcome.retrieval();
    v.put(
        "intro",
        String.format(
            Locale.ROOT,
            "Image-caption pairs: one or two Fashion-MNIST garments on a 56x56 canvas over a faint"
                + " random texture, captions naming them (\"a sneaker left of a bag\"); each image is"
                + " explained toward a caption naming one of its garments, whose exact mask the"
                + " pointing game uses. The project's CLIP-like model (OpenAI CLIP ViT-B/32 layout at"
                + " toy width: 7x7 patches + class token, 4 blocks per tower) is trained from seeded"
                + " random weights with CLIP's symmetric InfoNCE loss for %d epochs (%.0f s). Top-1"
                + " retrieval among %d held-out pairs: image→text %.3f, text→image %.3f (before"
                + " training %.3f / %.3f; chance %.3f). Wall time of the experiment %.0f s.",
            outcome.curve().size(),
            outcome.seconds().getOrDefault("training", Double.NaN),
            after.pairs(),
            after.imageToText(),
            after.textToImage(),
            before.imageToText(),
            before.textToImage(),
            after.chance(),
            outcome.seconds().getOrDefault("total", Double.NaN)));
    v.put(
        "imageHeader",
        List.of(
            "method",
            "pairs",
            "confidence drop ↓",
            "confidence increase ↑",
            "pointing game ↑ (all / one garment / two)",
            "images/s",
            "forward / backward per pair",
            "paper drop / increase (CC, ImageNet, Flickr8k)",
            "here vs paper"));
    List<ReportPage.Row> image = new ArrayList<>();
    List<ReportPage.Row> text = new ArrayList<>();
    for (Score s : outcome.scores()) {
      List<String> row = new ArrayList<>();
      row.add(s.method());
      row.add(String.valueOf(s.pairs()));
      for (String metric : DROP_INCREASE) {
        row.add(f(s.common().getOrDefault(metric, Double.NaN)));
      }
      if (s.side().equals("image")) {
        row.add(
            f(s.metrics().getOrDefault("pointing-game", Double.NaN))
                + " / "
                + f(s.pointingByScene().getOrDefault("one-garment", Double.NaN))
                + " / "
                + f(s.pointingByScene().getOrDefault("two-garments", Double.NaN)));
        row.add(String.format(Locale.ROOT, "%.1f", s.imagesPerSecond()));
        row.add(String.format(Locale.ROOT, "%.0f / %.0f", s.forwardPerPair(), s.backwardPerPair()));
      }
      row.add(paper(s));
      List<String> verdicts = new ArrayList<>();
      s.verdicts()
          .forEach(
              (metric, verdict) ->
                  verdicts.add(metric.replace("confidence-", "") + ": " + verdict));
      row.add(String.join("; ", verdicts));
      (s.side().equals("image") ? image : text).add(ReportPage.Row.of(row));
    }
    v.put("imageRows", image);
    v.put(
        "textHeader",
        List.of(
            "method",
            "pairs",
            "confidence drop ↓",
            "confidence increase ↑",
            "paper drop / increase (CC, ImageNet, Flickr8k)",
            "here vs paper"));
    v.put("textRows", text);
    v.put(
        "pointingChance",
        String.format(
            Locale.ROOT,
            "Drop and increase are over the %d pairs every method explained (rise's); the pointing"
                + " game over each method's pairs. A map whose maximum falls on a random pixel hits"
                + " the named garment with probability %.3f (its share of the canvas; %.3f on the"
                + " common pairs; one-garment scenes %.3f, two-garment scenes %.3f).",
            outcome.config().expensivePairs(),
            outcome.pointingChance(),
            outcome.pointingChanceExpensive(),
            outcome.pointingChanceByScene().getOrDefault("one-garment", Double.NaN),
            outcome.pointingChanceByScene().getOrDefault("two-garments", Double.NaN)));
    v.put("curves", curves());
    v.put("images", grids());
    return v;
  }

  private static String f(double x) {
    return Double.isNaN(x) ? "" : String.format(Locale.ROOT, "%.3f", x);
  }

  private static String paper(Score s) {
    List<String> parts = new ArrayList<>();
    for (String metric : DROP_INCREASE) {
      Optional<double[]> p = NibPaper.value(s.method(), s.side(), metric);
      p.ifPresent(a -> parts.add(String.format(Locale.ROOT, "%.2f, %.2f, %.2f", a[0], a[1], a[2])));
    }
    return parts.isEmpty() ? "not reported" : String.join(" / ", parts);
  }

  private List<ReportPage.Figure> curves() {
    List<Double> loss = new ArrayList<>();
    List<Double> i2t = new ArrayList<>();
    List<Double> t2i = new ArrayList<>();
    for (ContrastiveTraining.Epoch e : outcome.curve()) {
      loss.add(e.loss());
      i2t.add(e.retrieval().imageToText());
      t2i.add(e.retrieval().textToImage());
    }
    return List.of(
        new ReportPage.Figure(
            LineChart.svg(
                "contrastive loss",
                "epochs",
                List.of(new LineChart.Series("InfoNCE", "#1f5fbf", "", loss)),
                1),
            List.of("symmetric InfoNCE per epoch")),
        new ReportPage.Figure(
            LineChart.svg(
                "held-out top-1 retrieval",
                "epochs",
                List.of(
                    new LineChart.Series("image→text", "#1f5fbf", "", i2t),
                    new LineChart.Series("text→image", "#c0392b", "6,3", t2i)),
                1),
            List.of(String.format(Locale.ROOT, "chance %.3f", outcome.retrieval().chance()))));
  }

  private List<ReportPage.FigureGroup> grids() throws IOException {
    List<ReportPage.FigureGroup> groups = new ArrayList<>();
    int side = 56;
    int scale = 2;
    for (NibOutcome.Example e : outcome.examples()) {
      List<ReportPage.Figure> figures = new ArrayList<>();
      figures.add(
          new ReportPage.Figure(Heatmaps.tile(e.image(), null, side, scale), List.of("input")));
      figures.add(
          new ReportPage.Figure(
              Heatmaps.tile(e.image(), e.namedMask(), side, scale), List.of("named garment")));
      for (String method : NibExperiment.METHODS) {
        float[] map = e.imageMaps().get(method);
        if (map != null) {
          figures.add(
              new ReportPage.Figure(Heatmaps.tile(e.image(), map, side, scale), List.of(method)));
        }
      }
      StringBuilder heading =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "Pair %d: \"%s\", image explained toward \"%s\"",
                  e.index(),
                  e.caption(),
                  e.namedCaption()));
      for (Map.Entry<String, float[]> t : e.tokenScores().entrySet()) {
        heading.append("; ").append(t.getKey()).append(" on the caption: ");
        List<String> words = new ArrayList<>();
        for (int i = 0; i < Math.min(e.tokens().size(), t.getValue().length); i++) {
          words.add(String.format(Locale.ROOT, "%s %.2f", e.tokens().get(i), t.getValue()[i]));
        }
        heading.append(String.join(", ", words));
      }
      groups.add(new ReportPage.FigureGroup(heading.toString(), figures));
    }
    return groups;
  }
}
