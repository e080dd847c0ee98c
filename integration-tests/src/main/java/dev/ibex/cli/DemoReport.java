package dev.ibex.cli;

import ai.djl.engine.Engine;
import com.google.gson.GsonBuilder;
import dev.ibex.api.Direction;
import dev.ibex.api.Metric;
import dev.ibex.api.host.Ibex;
import dev.ibex.api.io.AtomicFiles;
import dev.ibex.demo.AibExperiment;
import dev.ibex.demo.FashionMnist;
import dev.ibex.demo.ResidualCnn;
import dev.ibex.demo.SibConfig;
import dev.ibex.demo.SibExperiment;
import dev.ibex.demo.SibExperiment.Run;
import dev.ibex.demo.SibPaper;
import dev.ibex.demo.Textures;
import dev.ibex.demo.clip.NibOutcome;
import dev.ibex.training.engine.EpochReport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's report: {@code results.json} with every number, and the self-contained {@code
 * index.html} (setup, accuracy and weight-choice tables, the score table with mean ± std over seeds
 * and the paper's numbers beside, training curves, heatmap grids plain vs s-ib).
 */
final class DemoReport {
  private static final List<String> VARIANTS = List.of("plain", "s-ib");

  /** What the demo does not run, said on the page and in the JSON. */
  private static final List<String> NOT_RUN =
      List.of(
          "The S-IB step cost (item 8) is measured by the separate benchmark dev.ibex.demo.SibBenchmark, not here.",
          "Experiment NIB runs one seed (one trained CLIP-like model): its differences between"
              + " methods carry no noise estimate.");

  private final Ibex ibex;
  private final SibConfig config;
  private final SibExperiment.Outcome outcome;
  private final AibExperiment.Outcome aib;
  private final NibOutcome nib;
  private final Map<String, Object> machineAtStart;
  private final Map<String, Object> machineAtEnd;
  private final boolean quick;
  private final String date = Instant.now().toString();

  DemoReport(
      Ibex ibex,
      SibConfig config,
      SibExperiment.Outcome outcome,
      AibExperiment.Outcome aib,
      NibOutcome nib,
      Map<String, Object> machineAtStart,
      Map<String, Object> machineAtEnd,
      boolean quick) {
    this.ibex = ibex;
    this.config = config;
    this.outcome = outcome;
    this.aib = aib;
    this.nib = nib;
    this.machineAtStart = machineAtStart;
    this.machineAtEnd = machineAtEnd;
    this.quick = quick;
  }

  /** Mean and sample standard deviation (NaN for one value). */
  record Stat(double mean, double std, int n) {
    static Stat of(List<Double> values) {
      int n = values.size();
      double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
      double ss = 0;
      for (double v : values) {
        ss += (v - mean) * (v - mean);
      }
      return new Stat(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN, n);
    }

    /**
     * The per-pair differences {@code after[i] - before[i]} (runs paired by seed), over the pairs
     * both lists have.
     */
    static Stat ofDifferences(List<Double> after, List<Double> before) {
      List<Double> d = new ArrayList<>();
      for (int i = 0; i < Math.min(after.size(), before.size()); i++) {
        d.add(after.get(i) - before.get(i));
      }
      return of(d);
    }

    String text() {
      return Double.isNaN(std)
          ? String.format(Locale.ROOT, "%.4f", mean)
          : String.format(Locale.ROOT, "%.4f ± %.4f", mean, std);
    }

    Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("mean", num(mean));
      m.put("std", num(std));
      m.put("n", n);
      return m;
    }
  }

  /** The machine now: cores, load, memory, CPU model, OS. */
  static Map<String, Object> machine(int threads) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("libtorchThreads", threads);
    m.put(
        "loadAverage1min",
        num(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    m.put("cpu", cpuModel());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    m.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
    m.put("onednnMaxCpuIsa", String.valueOf(System.getenv("ONEDNN_MAX_CPU_ISA")));
    m.put("time", Instant.now().toString());
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      m.put("processCpuSeconds", num(os.getProcessCpuTime() / 1e9));
    }
    return m;
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private Map<String, Object> versions() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("java", System.getProperty("java.version"));
    v.put("djl", Engine.getDjlVersion());
    v.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
    String ibexVersion = DemoReport.class.getPackage().getImplementationVersion();
    v.put("ibex", ibexVersion == null ? "development build" : ibexVersion);
    return v;
  }

  private List<Run> runs(String variant) {
    return outcome.runs().stream().filter(r -> r.variant().equals(variant)).toList();
  }

  private Stat stat(String variant, java.util.function.ToDoubleFunction<Run> f) {
    return Stat.of(runs(variant).stream().map(r -> f.applyAsDouble(r)).toList());
  }

  private Stat score(String variant, String method, String metric) {
    return Stat.of(runs(variant).stream().map(r -> r.scores().get(method).get(metric)).toList());
  }

  /** s-ib minus plain, per seed (runs pair by seed). */
  private Stat change(java.util.function.ToDoubleFunction<Run> f) {
    return Stat.ofDifferences(
        runs("s-ib").stream().map(f::applyAsDouble).toList(),
        runs("plain").stream().map(f::applyAsDouble).toList());
  }

  /**
   * How a change measured here compares with the paper's change: beyond noise (|mean| above two
   * standard errors of the per-seed differences) in the paper's direction, against it, or no
   * measurable difference.
   */
  static String verdict(Stat here, double paperChange) {
    if (Double.isNaN(here.std())) {
      return "one seed: no noise estimate, no verdict";
    }
    double se = here.std() / Math.sqrt(here.n());
    if (Math.abs(here.mean()) <= 2 * se) {
      return "no difference beyond noise here (paper: "
          + String.format(Locale.ROOT, "%+.2f", paperChange)
          + ") - does not reproduce";
    }
    boolean same = Math.signum(here.mean()) == Math.signum(paperChange);
    return same ? "agrees in direction" : "DISAGREES: opposite direction to the paper";
  }

  void writeJson(Path file) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("experiments", List.of("s-ib", "aib", "nib"));
    root.put("date", date);
    root.put("quick", quick);
    root.put("seconds", num(outcome.seconds()));
    root.put("machineAtStart", machineAtStart);
    root.put("machineAtEnd", machineAtEnd);
    root.put("versions", versions());
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("trainSize", config.trainSize());
    cfg.put("validSize", config.validSize());
    cfg.put("testSize", config.testSize());
    cfg.put("evalSize", config.evalSize());
    cfg.put("epochs", config.epochs());
    cfg.put("batchSize", config.batchSize());
    cfg.put("learningRate", config.learningRate());
    cfg.put("optimizer", "adam, cosine schedule");
    cfg.put("model", "ResidualCnn width " + config.width());
    cfg.put("canvas", config.canvas());
    cfg.put("cueProbability", config.cue());
    cfg.put("dataSeed", config.dataSeed());
    cfg.put("seeds", config.seeds());
    cfg.put("candidates", config.candidates());
    cfg.put("selectionSize", config.selectionSize());
    cfg.put("curveSteps", config.curveSteps());
    cfg.put("igSteps", config.igSteps());
    root.put("config", cfg);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("trainCueAgreement", num(outcome.data().train().cueAgreement()));
    data.put("testCueAgreement", num(outcome.data().test().cueAgreement()));
    data.put("testShiftedCueAgreement", num(outcome.data().testShifted().cueAgreement()));
    root.put("data", data);
    List<Object> candidates = new ArrayList<>();
    for (SibExperiment.Candidate c : outcome.candidates()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("options", c.options());
      m.put("share", num(c.share()));
      m.put("validAccuracy", num(c.validAccuracy()));
      m.put("validShiftedAccuracy", num(c.validShifted()));
      candidates.add(m);
    }
    root.put("candidates", candidates);
    root.put("chosen", outcome.chosen());
    List<Object> runs = new ArrayList<>();
    for (Run r : outcome.runs()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("variant", r.variant());
      m.put("seed", r.seed());
      m.put("options", r.options());
      m.put("accuracy", num(r.accuracy()));
      m.put("shiftedAccuracy", num(r.shiftedAccuracy()));
      m.put("validAccuracy", num(r.validAccuracy()));
      m.put("validShiftedAccuracy", num(r.validShiftedAccuracy()));
      m.put("share", num(r.share()));
      m.put("trainSeconds", num(r.seconds()));
      List<Object> history = new ArrayList<>();
      for (EpochReport e : r.history()) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("epoch", e.epoch());
        Map<String, Object> terms = new LinkedHashMap<>();
        e.terms().forEach((k, v) -> terms.put(k, num(v)));
        h.put("terms", terms);
        h.put("trainAccuracy", num(e.trainAccuracy()));
        h.put("validAccuracy", num(e.validAccuracy()));
        h.put("seconds", num(e.seconds()));
        h.put("cpuSeconds", num(e.cpuSeconds()));
        history.add(h);
      }
      m.put("history", history);
      m.put("scores", numbers(r.scores()));
      runs.add(m);
    }
    root.put("runs", runs);
    Map<String, Object> summary = new LinkedHashMap<>();
    for (String v : VARIANTS) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("accuracy", stat(v, Run::accuracy).json());
      s.put("shiftedAccuracy", stat(v, Run::shiftedAccuracy).json());
      s.put("share", stat(v, Run::share).json());
      Map<String, Object> scores = new LinkedHashMap<>();
      for (String method : SibExperiment.METHODS) {
        Map<String, Object> byMetric = new LinkedHashMap<>();
        for (String metric : SibExperiment.METRICS) {
          byMetric.put(metric, score(v, method, metric).json());
        }
        scores.put(method, byMetric);
      }
      s.put("scores", scores);
      summary.put(v, s);
    }
    root.put("summary", summary);
    Map<String, Object> sanity = new LinkedHashMap<>();
    outcome
        .sanity()
        .forEach(
            (v, byMethod) -> {
              Map<String, Object> m = new LinkedHashMap<>();
              byMethod.forEach((k, x) -> m.put(k, num(x)));
              sanity.put(v, m);
            });
    root.put("sanityModelRandomisation", sanity);
    root.put("aib", new AibSection(aib).json());
    root.put("nib", finite(nib.toMap()));
    root.put("notRun", NOT_RUN);
    String json =
        new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root) + "\n";
    AtomicFiles.write(file, json.getBytes(StandardCharsets.UTF_8));
  }

  static Map<String, Object> numbers(Map<String, Map<String, Double>> scores) {
    Map<String, Object> out = new LinkedHashMap<>();
    scores.forEach(
        (method, byMetric) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          byMetric.forEach((k, v) -> m.put(k, num(v)));
          out.put(method, m);
        });
    return out;
  }

  /** A tree of maps, lists and values with every non-finite number replaced by null. */
  static Object finite(Object tree) {
    if (tree instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(k, finite(x)));
      return out;
    }
    if (tree instanceof List<?> l) {
      return l.stream().map(DemoReport::finite).toList();
    }
    if (tree instanceof Double d) {
      return num(d);
    }
    if (tree instanceof Float f) {
      return num(f);
    }
    return tree;
  }

  /** JSON has no NaN: null instead. */
  static Object num(double v) {
    return Double.isFinite(v) ? v : null;
  }

  ReportPage page() throws IOException {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(
        "title",
        "ibex demo: experiments S-IB (plain vs s-ib), AIB (plain vs aib) and NIB (eight methods on a"
            + " trained CLIP-like model)");
    values.put(
        "intro",
        String.format(
            Locale.ROOT,
            "%s. The residual CNN (ResNet-style, width %d, %d epochs of Adam %.0e with a cosine"
                + " schedule, batch %d) is trained plain and with s-ib for each seed %s. Maps of the"
                + " first %d in-distribution test scenes, explaining the true class, are scored"
                + " against the exact garment masks. Mean ± standard deviation over seeds.%s",
            config.describeData(),
            config.width(),
            config.epochs(),
            config.learningRate(),
            config.batchSize(),
            config.seeds(),
            config.evalSize(),
            quick ? " QUICK RUN: too small to read anything into the numbers." : ""));
    values.put("experiment", true);
    values.put("setup", setup());
    values.put(
        "accuracyHeader",
        List.of(
            "model",
            "test accuracy (cue as in training)",
            "test accuracy (cue shuffled)",
            "validation",
            "validation (cue shuffled)",
            "s-ib share of the loss",
            "training s"));
    List<ReportPage.Row> acc = new ArrayList<>();
    for (String v : VARIANTS) {
      acc.add(
          ReportPage.Row.of(
              List.of(
                  v,
                  stat(v, Run::accuracy).text(),
                  stat(v, Run::shiftedAccuracy).text(),
                  stat(v, Run::validAccuracy).text(),
                  stat(v, Run::validShiftedAccuracy).text(),
                  stat(v, Run::share).text(),
                  String.format(Locale.ROOT, "%.0f", stat(v, Run::seconds).mean()))));
    }
    Stat accChange = change(Run::accuracy);
    acc.add(
        ReportPage.Row.of(
            List.of(
                "s-ib − plain",
                accChange.text(),
                change(Run::shiftedAccuracy).text(),
                change(Run::validAccuracy).text(),
                change(Run::validShiftedAccuracy).text(),
                "",
                "")));
    values.put("accuracyRows", acc);
    values.put(
        "accuracyPaper",
        accuracyAgainstPaper(
            SibPaper.SOURCE, SibPaper.TOP1.baseline(), SibPaper.TOP1.sib(), accChange));
    values.put(
        "candidateHeader",
        List.of(
            "s-ib options",
            "share of the loss",
            "validation accuracy",
            "validation (cue shuffled)",
            "chosen"));
    List<ReportPage.Row> cands = new ArrayList<>();
    for (SibExperiment.Candidate c : outcome.candidates()) {
      cands.add(
          ReportPage.Row.of(
              List.of(
                  c.options().toString(),
                  String.format(Locale.ROOT, "%.4f", c.share()),
                  String.format(Locale.ROOT, "%.4f", c.validAccuracy()),
                  String.format(Locale.ROOT, "%.4f", c.validShifted()),
                  c.options().equals(outcome.chosen()) ? "yes" : "")));
    }
    values.put("candidateRows", cands);
    values.put("selectionSize", config.selectionSize());
    values.put("minShare", String.format(Locale.ROOT, "%.2f", SibExperiment.MIN_SHARE));
    // the score table
    List<String> header =
        new ArrayList<>(
            List.of(
                "method",
                "metric",
                "plain",
                "s-ib",
                "s-ib − plain (per seed)",
                "paper (baseline → S-IB, %)",
                "here vs paper"));
    List<ReportPage.Row> rows = new ArrayList<>();
    Map<String, String> arrows = new LinkedHashMap<>();
    List<ReportPage.Definition> definitions = new ArrayList<>();
    for (String name : SibExperiment.METRICS) {
      Metric metric = ibex.plugins().metric(name);
      boolean lower = metric.direction() == Direction.LOWER_IS_BETTER;
      arrows.put(name, lower ? " ↓" : " ↑");
      definitions.add(
          new ReportPage.Definition(
              name, metric.description() + "; " + (lower ? "lower" : "higher") + " is better"));
    }
    for (String method : SibExperiment.METHODS) {
      for (String metric : SibExperiment.METRICS) {
        Stat d = change(r -> r.scores().get(method).get(metric));
        Optional<SibPaper.Pair> paper = SibPaper.of(method, metric);
        rows.add(
            ReportPage.Row.of(
                List.of(
                    method,
                    metric + arrows.get(metric),
                    score("plain", method, metric).text(),
                    score("s-ib", method, metric).text(),
                    d.text(),
                    paper
                        .map(
                            p ->
                                String.format(
                                    Locale.ROOT,
                                    "%.2f → %.2f (%+.2f)",
                                    p.baseline(),
                                    p.sib(),
                                    p.change()))
                        .orElse("not reported"),
                    paper.map(p -> verdict(scaled(d), p.change())).orElse(""))));
      }
    }
    values.put("header", header);
    values.put("rows", rows);
    values.put("metrics", definitions);
    values.put("curves", curves());
    values.put(
        "colourBar",
        new ReportPage.ColourBar(
            "map minimum",
            "map maximum",
            "Each tile is the input blended half and half with one map in these colours; every map"
                + " is scaled by its own minimum and maximum, so colours compare places within one"
                + " map, not across maps. Maps explain the true class; plain and s-ib of the first"
                + " seed side by side."));
    values.put("images", grids());
    values.put("sanityHeader", List.of("method", "plain", "s-ib"));
    List<ReportPage.Row> sanityRows = new ArrayList<>();
    for (String method : SibExperiment.METHODS) {
      List<String> row = new ArrayList<>(List.of(method));
      for (String v : VARIANTS) {
        Double x = outcome.sanity().getOrDefault(v, Map.of()).get(method);
        row.add(x == null ? "" : String.format(Locale.ROOT, "%.4f", x));
      }
      sanityRows.add(ReportPage.Row.of(row));
    }
    values.put("sanityRows", sanityRows);
    values.put(
        "sanityIntro",
        String.format(
            Locale.ROOT,
            "Model randomisation (Adebayo et al. 2018) on the first seed's models, %d test scenes:"
                + " the layers with parameters are re-initialised from the output down (cascading) and"
                + " the mean Spearman correlation of the absolute maps before and after is shown. Lower:"
                + " the map depends more on the learnt weights; near 1: the method fails the check.",
            Math.min(SibExperiment.SANITY_IMAGES, config.evalSize())));
    values.put("aib", new AibSection(aib).page());
    values.put("nib", new NibSection(nib).page());
    values.put("notRun", NOT_RUN);
    return new ReportPage("demo", values);
  }

  /**
   * The sentence that sets the in-distribution accuracy change beside the paper's top-1 change.
   *
   * @param source the paper and its setting
   * @param baseline the paper's top-1 without the method, in percent
   * @param method the paper's top-1 with it
   * @param change the per-seed accuracy changes here, in [0, 1] units
   * @return the sentence with its verdict
   */
  static String accuracyAgainstPaper(String source, double baseline, double method, Stat change) {
    return String.format(
        Locale.ROOT,
        "Paper (%s): top-1 %.2f → %.2f (%+.2f points). Here (in distribution, points): %+.2f; %s.",
        source,
        baseline,
        method,
        method - baseline,
        100 * change.mean(),
        verdict(scaled(change), method - baseline));
  }

  /** A change in [0, 1] units as points (percent), to compare with the paper's percentages. */
  static Stat scaled(Stat s) {
    return new Stat(100 * s.mean(), 100 * s.std(), s.n());
  }

  private List<ReportPage.Definition> setup() {
    List<ReportPage.Definition> d = new ArrayList<>();
    d.add(new ReportPage.Definition("date", date));
    d.add(
        new ReportPage.Definition(
            "data",
            String.format(
                Locale.ROOT,
                "%s; share of scenes on their class's texture: training %.3f, test %.3f, cue-shuffled"
                    + " test %.3f; textures: %s",
                config.describeData(),
                outcome.data().train().cueAgreement(),
                outcome.data().test().cueAgreement(),
                outcome.data().testShifted().cueAgreement(),
                String.join(", ", Textures.NAMES))));
    d.add(
        new ReportPage.Definition(
            "model",
            "ResidualCnn (stem conv-BN-ReLU-pool, residual blocks of "
                + config.width()
                + "/"
                + 2 * config.width()
                + "/"
                + 4 * config.width()
                + " channels at 28/14/7 px, global average pooling, linear); CAM layer "
                + ResidualCnn.CAM_LAYER));
    d.add(
        new ReportPage.Definition(
            "seeds", config.seeds() + " (data seed " + config.dataSeed() + ")"));
    d.add(
        new ReportPage.Definition(
            "s-ib weights",
            "chosen on the validation splits among "
                + config.candidates()
                + ": "
                + outcome.chosen()));
    List<String> methods = new ArrayList<>();
    for (String m : SibExperiment.METHODS) {
      methods.add(m + " " + new SibExperiment(ibex, config, l -> {}, null).methodOptions(m));
    }
    d.add(new ReportPage.Definition("methods", String.join("; ", methods)));
    d.add(
        new ReportPage.Definition(
            "metrics",
            "insertion/deletion with "
                + config.curveSteps()
                + " steps (blurred baseline); gradient maps reduced by absolute sum over channels"));
    d.add(new ReportPage.Definition("versions", versions().toString()));
    d.add(new ReportPage.Definition("machine at start", machineAtStart.toString()));
    d.add(new ReportPage.Definition("machine at end", machineAtEnd.toString()));
    d.add(
        new ReportPage.Definition(
            "wall time",
            String.format(Locale.ROOT, "%.0f s for the experiment", outcome.seconds())));
    return d;
  }

  private List<ReportPage.Figure> curves() {
    List<LineChart.Series> ce = new ArrayList<>();
    List<LineChart.Series> share = new ArrayList<>();
    List<LineChart.Series> acc = new ArrayList<>();
    String[] dashes = {"", "6,3", "2,2", "8,2,2,2"};
    int longest = 1;
    for (Run r : outcome.runs()) {
      int k = config.seeds().indexOf(r.seed());
      String colour = r.variant().equals("plain") ? "#1f5fbf" : "#c0392b";
      String dash = dashes[Math.max(0, k) % dashes.length];
      String name = r.variant() + ", seed " + r.seed();
      ce.add(new LineChart.Series(name, colour, dash, r.curve().crossEntropy()));
      acc.add(new LineChart.Series(name, colour, dash, r.curve().accuracy()));
      if (r.variant().equals("s-ib")) {
        share.add(new LineChart.Series(name, colour, dash, r.curve().shares()));
      }
      longest = Math.max(longest, r.curve().crossEntropy().size());
    }
    for (AibExperiment.Run r : aib.runs()) {
      if (r.variant().equals("aib")) {
        int k = config.seeds().indexOf(r.seed());
        ce.add(
            new LineChart.Series(
                "aib, seed " + r.seed(),
                "#1e8449",
                dashes[Math.max(0, k) % dashes.length],
                r.crossEntropy()));
      }
    }
    int window = Math.max(1, longest / 40);
    String x = "batches (moving mean of " + window + ")";
    List<ReportPage.Figure> out = new ArrayList<>();
    out.add(
        new ReportPage.Figure(
            LineChart.svg("training cross-entropy", x, ce, window),
            List.of("cross-entropy per batch")));
    out.add(
        new ReportPage.Figure(
            LineChart.svg("training batch accuracy", x, acc, window),
            List.of("accuracy of each training batch")));
    out.add(
        new ReportPage.Figure(
            LineChart.svg("s-ib share of the loss", x, share, window),
            List.of("(|bg-weight·L_bg| + |fg-weight·HSIC|) / (CE + both)")));
    return out;
  }

  private List<ReportPage.FigureGroup> grids() throws IOException {
    SibExperiment.Shown s = outcome.shown();
    List<ReportPage.FigureGroup> groups = new ArrayList<>();
    int scale = 2;
    for (int i = 0; i < s.labels().length; i++) {
      List<ReportPage.Figure> figures = new ArrayList<>();
      figures.add(
          new ReportPage.Figure(
              Heatmaps.tile(s.images()[i], null, s.side(), scale), List.of("input")));
      figures.add(
          new ReportPage.Figure(
              Heatmaps.tile(s.images()[i], s.masks()[i], s.side(), scale),
              List.of("garment mask")));
      for (String method : SibExperiment.METHODS) {
        for (String v : VARIANTS) {
          Map<String, float[][]> byMethod = s.maps().get(v);
          if (byMethod == null || !byMethod.containsKey(method)) {
            continue;
          }
          figures.add(
              new ReportPage.Figure(
                  Heatmaps.tile(s.images()[i], byMethod.get(method)[i], s.side(), scale),
                  List.of(method, v)));
        }
      }
      for (Map.Entry<String, Map<String, float[][]>> byVariant : aib.maps().entrySet()) {
        if (byVariant.getKey().equals("plain")) {
          continue; // experiment S-IB's plain maps are already shown
        }
        for (Map.Entry<String, float[][]> map : byVariant.getValue().entrySet()) {
          figures.add(
              new ReportPage.Figure(
                  Heatmaps.tile(s.images()[i], map.getValue()[i], s.side(), scale),
                  List.of(map.getKey(), byVariant.getKey())));
        }
      }
      StringBuilder heading =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "Test scene %d: %s on %s (%s)",
                  i,
                  className(s.labels()[i]),
                  Textures.NAMES[s.textures()[i]],
                  s.textures()[i] == s.labels()[i]
                      ? "its class's texture"
                      : "another class's texture"));
      for (Map.Entry<String, int[]> p : s.predicted().entrySet()) {
        heading.append("; ").append(p.getKey()).append(" predicts ");
        heading.append(className(p.getValue()[i]));
      }
      groups.add(new ReportPage.FigureGroup(heading.toString(), figures));
    }
    return groups;
  }

  private static String className(int label) {
    return label >= 0 && label < FashionMnist.CLASS_NAMES.length
        ? FashionMnist.CLASS_NAMES[label]
        : "class " + label;
  }
}
