package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.Attribution;
import dev.ibex.api.Target;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.TorchScriptModel;
import dev.ibex.api.plugins.Plugins;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 8: an attributor call leaves nothing on the caller's manager but its result (4 arrays a
 * call did).
 */
class AttributorLeakTest {
  @TempDir Path dir;

  private static int arrays(NDManager m) {
    return ((BaseNDManager) m).getManagedArrays().size();
  }

  @ParameterizedTest
  @ValueSource(strings = {"saliency", "input-x-gradient"})
  void aCallLeavesOnlyItsValues(String method) throws IOException {
    Plugins plugins = Plugins.discover(getClass().getClassLoader(), null);
    ModelFiles plain = ModelFiles.plain(dir);
    try (TorchScriptModel model = TorchScriptModel.load(plain.model(), Device.cpu(), List.of());
        NDManager m = model.manager().newSubManager()) {
      NDArray x = Npy.read(plain.input(), m);
      int before = arrays(m);
      for (int i = 0; i < 3; i++) {
        Attribution a = plugins.attributor(method).attribute(model, x, Target.ofClass(3));
        a.values().close();
      }
      assertThat(arrays(m))
          .as("arrays left on the caller's manager by " + method)
          .isEqualTo(before);
    }
  }
}
