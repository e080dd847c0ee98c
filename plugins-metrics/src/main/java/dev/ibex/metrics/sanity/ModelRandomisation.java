package dev.ibex.metrics.sanity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import com.google.auto.service.AutoService;
import dev.ibex.api.Direction;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Metric;
import dev.ibex.api.Target;
import dev.ibex.api.model.BlockModel;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.AbstractMetric;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.Scores;
import dev.ibex.api.spi.SpatialMaps;
import dev.ibex.metrics.core.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Model parameter randomisation test (Adebayo et al., "Sanity Checks for Saliency Maps", NeurIPS
 * 2018, §3, cascading randomisation): the layers with parameters are re-initialised one by one from
 * the output towards the input (each step keeps the layers randomised before it unless {@code
 * cascading=false}), the attributor is re-run after each step (target pinned to the original
 * classes), and the Spearman rank correlation between the map of the original and of the randomised
 * model is taken per sample (of absolute maps by default, as the paper's main figures). A method
 * that depends on the model decorrelates: the per-sample score is the mean correlation over layers,
 * and lower is better. Extras: {@code layer:<name>}, the per-sample correlations after each step,
 * in the order of randomisation. Layers are re-drawn with their own DJL initialisers, so the
 * engine's random generator is seeded with {@code seed} (a process-wide side effect; DJL offers no
 * way to save and restore its state).
 *
 * <p>Re-initialisation uses each parameter's own initializer (or a normal draw with the original
 * standard deviation when it has none), after seeding the engine with {@code seed}. Every parameter
 * is restored afterwards, even on failure: the model is left exactly as it was. Only a {@link
 * BlockModel} over a DJL {@link SequentialBlock} exposes its parameters; any other model is refused
 * with an {@link InvalidInputException}.
 */
@AutoService(Metric.class)
public final class ModelRandomisation extends AbstractMetric {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          OptionSpec.bool(
              "cascading",
              true,
              "keep earlier randomised layers (cascading) or randomise one layer at a time"),
          OptionSpec.bool("abs", true, "correlate absolute maps"),
          StandardOptions.SEED,
          StandardOptions.CHANNEL_REDUCTION);

  public ModelRandomisation() {
    super(
        "model-randomisation",
        "Rank correlation of maps before and after randomising layers top-down (Adebayo et al. 2018)",
        Direction.LOWER_IS_BETTER,
        ATTRIBUTOR_RUN,
        OPTIONS);
  }

  @Override
  protected Scores compute(MetricContext ctx) {
    List<Pair<String, Block>> layers = layersTopDown(ctx.model());
    Map<Parameter, float[]> saved = save(layers);
    Options o = ctx.options();
    Target pinned = ctx.pinnedTarget(ctx.resolveTarget());
    boolean abs = o.getBoolean("abs");
    int n = (int) ctx.inputs().getShape().get(0);
    double[] mean = new double[n];
    Map<String, double[]> perLayer = new LinkedHashMap<>();
    try (NDManager m = ctx.scratch().newSubManager()) {
      double[][] original = values(ctx.reattribute(ctx.local(ctx.inputs(), m), pinned), abs);
      ctx.model().manager().getEngine().setRandomSeed(o.getInt("seed"));
      for (Pair<String, Block> layer : layers) {
        if (!o.getBoolean("cascading")) {
          restore(saved);
        }
        for (Pair<String, Parameter> p : layer.getValue().getParameters()) {
          reinitialise(p.getValue(), m);
        }
        try (NDManager step = m.newSubManager()) {
          double[][] randomised =
              values(ctx.reattribute(ctx.local(ctx.inputs(), step), pinned), abs);
          double[] rho = new double[n];
          for (int i = 0; i < n; i++) {
            rho[i] = Stats.spearman(original[i], randomised[i]);
            mean[i] += rho[i] / layers.size();
          }
          perLayer.put("layer:" + layer.getKey(), rho);
        }
      }
    } finally {
      restore(saved);
    }
    Scores s = Scores.perSample(mean);
    perLayer.forEach(s::extra);
    return s;
  }

  /** The model's layers with parameters, the output layer first. */
  private static List<Pair<String, Block>> layersTopDown(ExplainableModel model) {
    if (!(model instanceof BlockModel)
        || !(((BlockModel) model).block() instanceof SequentialBlock)) {
      throw new InvalidInputException(
          "model-randomisation re-initialises layer weights and needs a BlockModel over a SequentialBlock; the "
              + "parameters of a "
              + model.getClass().getSimpleName()
              + " cannot be reached");
    }
    List<Pair<String, Block>> layers = new ArrayList<>();
    for (Pair<String, Block> child : ((BlockModel) model).block().getChildren()) {
      if (!child.getValue().getParameters().isEmpty()) {
        layers.add(child);
      }
    }
    java.util.Collections.reverse(layers);
    if (layers.isEmpty()) {
      throw new InvalidInputException(
          "model-randomisation: the model has no layer with parameters");
    }
    return layers;
  }

  /** A copy of every parameter of the layers, to restore them from. */
  private static Map<Parameter, float[]> save(List<Pair<String, Block>> layers) {
    Map<Parameter, float[]> saved = new LinkedHashMap<>();
    for (Pair<String, Block> layer : layers) {
      for (Pair<String, Parameter> p : layer.getValue().getParameters()) {
        NDArray a = p.getValue().getArray();
        if (a.getDataType() != DataType.FLOAT32) {
          throw new InvalidInputException(
              "model-randomisation supports float32 parameters, got " + a.getDataType());
        }
        saved.put(p.getValue(), a.toFloatArray());
      }
    }
    return saved;
  }

  private static double[][] values(SpatialMaps maps, boolean abs) {
    double[][] v = new double[maps.samples()][];
    for (int i = 0; i < v.length; i++) {
      v[i] = maps.values()[i].clone();
      if (abs) {
        for (int p = 0; p < v[i].length; p++) {
          v[i][p] = Math.abs(v[i][p]);
        }
      }
    }
    return v;
  }

  private static void reinitialise(Parameter p, NDManager m) {
    NDArray a = p.getArray();
    NDArray fresh;
    if (p.getInitializer() != null) {
      fresh = p.getInitializer().initialize(m, a.getShape(), a.getDataType());
    } else {
      double[] v = Stats.toDoubles(a.toFloatArray());
      double mu = Stats.mean(v);
      double var = 0;
      for (double x : v) {
        var += (x - mu) * (x - mu) / v.length;
      }
      fresh =
          m.randomNormal(0, (float) Math.max(Math.sqrt(var), 1e-3), a.getShape(), a.getDataType());
    }
    a.set(fresh.toType(DataType.FLOAT32, false).toFloatArray());
  }

  private static void restore(Map<Parameter, float[]> saved) {
    saved.forEach((p, v) -> p.getArray().set(v));
  }
}
