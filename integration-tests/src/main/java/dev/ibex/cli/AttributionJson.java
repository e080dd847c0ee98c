package dev.ibex.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.gson.GsonBuilder;
import dev.ibex.api.Attribution;
import dev.ibex.api.Layout;
import dev.ibex.api.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An attribution as JSON: method, shape, passes, target and, for token ids, each sample's tokens
 * (id, word piece when the text is known, score), so a reader sees words rather than ids.
 */
final class AttributionJson {
  private AttributionJson() {}

  /**
   * Writes the JSON file.
   *
   * @param file where it goes
   * @param a the attribution
   * @param x the input it explains
   * @param text the texts' word pieces, or null when the input was ids or pixels
   * @throws IOException if it cannot be written
   */
  static void write(Path file, Attribution a, NDArray x, TextTokens text) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("method", a.method());
    root.put("target", a.target());
    root.put("shape", a.values().getShape().getShape());
    root.put("forward_per_sample", a.forwardPassesPerSample());
    root.put("backward_per_sample", a.backwardPassesPerSample());
    if (a.layout() == Layout.TOKEN && x.getShape().dimension() == 2) {
      int n = (int) x.getShape().get(0);
      int len = (int) x.getShape().get(1);
      long[] ids = x.toType(DataType.INT64, false).toLongArray();
      double[] scores = a.values().toType(DataType.FLOAT64, false).toDoubleArray();
      List<List<Map<String, Object>>> samples = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        List<Map<String, Object>> tokens = new ArrayList<>();
        for (int t = 0; t < len; t++) {
          Map<String, Object> token = new LinkedHashMap<>();
          token.put("id", ids[i * len + t]);
          if (text != null) {
            token.put("token", text.piece(i, t));
          }
          token.put("score", scores[i * len + t]);
          tokens.add(token);
        }
        samples.add(tokens);
      }
      root.put("samples", samples);
    }
    String json =
        new GsonBuilder()
            .setPrettyPrinting()
            .serializeSpecialFloatingPointValues()
            .create()
            .toJson(root);
    AtomicFiles.write(file, json.getBytes(StandardCharsets.UTF_8));
  }
}
