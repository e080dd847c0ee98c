package dev.ibex.training.engine;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * Receives a {@link Trainer}'s progress; the host decides what to show (the trainer prints
 * nothing). Every method does nothing by default. Events of a {@link Trainer#fit} arrive in this
 * order: {@link #onResume} (when continuing a checkpoint), then per epoch every {@link #onBatch},
 * the validation's {@link #onEvaluation} (when there is a validation set), {@link #onEpoch} and
 * {@link #onCheckpoint} (when checkpointing). {@link Trainer#evaluate} reports {@link
 * #onEvaluation} too.
 */
public interface TrainingListener {
  /** A listener that ignores everything. */
  TrainingListener NONE = new TrainingListener() {};

  /**
   * @param checkpoint the checkpoint a resumed run continues from
   */
  default void onResume(Checkpoint checkpoint) {}

  /**
   * @param batch one optimisation step's numbers
   */
  default void onBatch(BatchReport batch) {}

  /**
   * @param evaluation an evaluation's numbers
   */
  default void onEvaluation(Evaluation evaluation) {}

  /**
   * @param epoch one epoch's numbers
   */
  default void onEpoch(EpochReport epoch) {}

  /**
   * @param checkpoint the checkpoint just written
   */
  default void onCheckpoint(Checkpoint checkpoint) {}

  /**
   * One listener that passes every event to each of several, in order.
   *
   * @param listeners the listeners
   * @return the combined listener
   */
  static TrainingListener all(List<TrainingListener> listeners) {
    ImmutableList<TrainingListener> each = ImmutableList.copyOf(listeners);
    if (each.isEmpty()) {
      return NONE;
    }
    if (each.size() == 1) {
      return each.get(0);
    }
    return new TrainingListener() {
      @Override
      public void onResume(Checkpoint checkpoint) {
        each.forEach(l -> l.onResume(checkpoint));
      }

      @Override
      public void onBatch(BatchReport batch) {
        each.forEach(l -> l.onBatch(batch));
      }

      @Override
      public void onEvaluation(Evaluation evaluation) {
        each.forEach(l -> l.onEvaluation(evaluation));
      }

      @Override
      public void onEpoch(EpochReport epoch) {
        each.forEach(l -> l.onEpoch(epoch));
      }

      @Override
      public void onCheckpoint(Checkpoint checkpoint) {
        each.forEach(l -> l.onCheckpoint(checkpoint));
      }
    };
  }
}
