package dev.deepzero.tensor;

/**
 * A legal request that the heap cannot hold, refused by {@link Limits#requireHeap} before it is allocated: its
 * message says how much it would need and how much there is, and how to give Java more.
 */
public final class InsufficientMemoryException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final long requestedBytes;
  private final long freeBytes;

  /**
   * @param message the whole message
   * @param requestedBytes what the request would allocate
   * @param freeBytes what the heap had free
   */
  public InsufficientMemoryException(String message, long requestedBytes, long freeBytes) {
    super(message);
    this.requestedBytes = requestedBytes;
    this.freeBytes = freeBytes;
  }

  /** The bytes the request would allocate. */
  public long requestedBytes() {
    return requestedBytes;
  }

  /** The bytes the heap had free when the request was refused. */
  public long freeBytes() {
    return freeBytes;
  }
}
