package dev.deepzero.train;

/** Thrown when the training loss becomes NaN or infinite; the message names the epoch and batch. */
public final class TrainingDivergedException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** An exception with the given message. */
  public TrainingDivergedException(String message) {
    super(message);
  }
}
