package dev.ibex.demo.clip;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class with one libtorch thread, as the demo runs, and restores the setting after: on
 * a shared 2-core machine two spinning OpenMP threads next to other work make the small
 * transformer's steps tens of times slower.
 */
final class OneTorchThread implements BeforeAllCallback, AfterAllCallback {
  private int before;

  @Override
  public void beforeAll(ExtensionContext context) {
    Engine.getEngine("PyTorch");
    before = JniUtils.getNumThreads();
    JniUtils.setNumThreads(1);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    JniUtils.setNumThreads(before);
  }
}
