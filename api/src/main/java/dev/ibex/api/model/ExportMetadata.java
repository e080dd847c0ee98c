package dev.ibex.api.model;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.ibex.api.IbexException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * What {@code ibex-export} records in a TorchScript archive ({@code <archive>/extra/ibex.json}):
 * the split points with their method names and the number of tensors that cross each, the outputs,
 * and the sample input. Files written by hand have none; their split points are then found by name
 * and their crossing tensors counted on first use.
 *
 * @param format the metadata format (1)
 * @param layers the split points, in the order they were given to the exporter
 * @param outputs the names of the forward's outputs when it returns a dict or tuple, else empty
 * @param input the sample input the exporter checked the file on
 */
public record ExportMetadata(int format, List<Layer> layers, List<String> outputs, Input input) {

  /**
   * A split point.
   *
   * @param name the dotted module path, as given to the exporter
   * @param method the method suffix: {@code to_<method>}, {@code from_<method>}
   * @param extraTensors how many tensors besides the activation cross the split ({@code to_}
   *     returns them after it, {@code from_} takes them back in that order)
   * @param shape the activation's shape on the sample input
   */
  public record Layer(String name, String method, int extraTensors, List<Long> shape) {}

  /**
   * The sample input.
   *
   * @param shape its shape
   * @param dtype {@code float32}, {@code float64} or {@code int64}
   */
  public record Input(List<Long> shape, String dtype) {}

  private static final Gson GSON =
      new GsonBuilder()
          .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
          .create();

  /**
   * Reads the metadata of a TorchScript file.
   *
   * @param file a TorchScript archive
   * @return its metadata, or empty when it has none (not written by {@code ibex-export})
   * @throws IbexException if the metadata is present but unreadable
   */
  public static Optional<ExportMetadata> read(Path file) {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        if (e.getName().endsWith("/extra/ibex.json")) {
          try (Reader r = new InputStreamReader(zip.getInputStream(e), StandardCharsets.UTF_8)) {
            return Optional.of(valid(GSON.fromJson(r, ExportMetadata.class), file));
          }
        }
      }
      return Optional.empty();
    } catch (ZipException e) {
      return Optional.empty(); // not an archive: loading the model says what is wrong with it
    } catch (JsonParseException | IOException e) {
      throw new IbexException("cannot read ibex.json in " + file + ": " + e.getMessage(), e);
    }
  }

  private static ExportMetadata valid(ExportMetadata m, Path file) {
    if (m == null || m.layers() == null || m.format() != 1) {
      throw new IbexException(
          "ibex.json in "
              + file
              + " is not ibex-export's format 1: export the model again with this ibex");
    }
    return new ExportMetadata(
        m.format(), m.layers(), m.outputs() == null ? List.of() : m.outputs(), m.input());
  }

  /**
   * The method suffix of a split point: the name with every character other than a letter, digit or
   * {@code _} replaced by {@code _} ({@code features.18} → {@code to_features_18}), the rule the
   * exporter applies.
   *
   * @param layer a split point's name
   * @return the suffix of its {@code to_} and {@code from_} methods
   */
  public static String methodSuffix(String layer) {
    return layer.replaceAll("[^0-9A-Za-z_]", "_");
  }

  /**
   * @param name a split point's name
   * @return that split point, if the exporter wrote it
   */
  public Optional<Layer> layer(String name) {
    return layers.stream().filter(l -> l.name().equals(name)).findFirst();
  }
}
