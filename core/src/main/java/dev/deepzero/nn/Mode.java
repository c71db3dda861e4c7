package dev.deepzero.nn;

/**
 * Whether a forward pass is for training or for evaluation. Passed explicitly to every
 * {@link Layer#forward} call rather than kept as global state, so one model can be evaluated while being
 * trained. Dropout drops only in {@link #TRAIN}; BatchNorm uses batch statistics (and updates its running
 * ones) only in {@link #TRAIN}.
 */
public enum Mode {
  /** Training: stochastic layers are active and batch statistics are used. */
  TRAIN,
  /** Evaluation and inference: deterministic, uses running statistics. */
  EVAL
}
