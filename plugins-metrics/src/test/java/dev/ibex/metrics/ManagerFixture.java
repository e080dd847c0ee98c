package dev.ibex.metrics;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The base of the tests that build arrays: one {@link NDManager} per test class, opened before its
 * first test and closed after its last (after the subclass's own {@code @AfterAll}).
 */
abstract class ManagerFixture {
  static NDManager manager;

  @BeforeAll
  static void openManager() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void closeManager() {
    manager.close();
  }
}
