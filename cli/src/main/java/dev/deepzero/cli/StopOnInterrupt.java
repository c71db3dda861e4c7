package dev.deepzero.cli;

import dev.deepzero.train.TrainingListener;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C during training: the first interrupt asks the trainer to stop after the current batch and keeps the
 * JVM alive until the command has saved its files (or {@value #SAVE_TIMEOUT_SECONDS} s pass).
 *
 * <p>A JVM shutdown hook is the portable way to see SIGINT; the JVM halts when every hook has returned, so
 * the hook waits for {@link #finished()} to be called.
 */
final class StopOnInterrupt implements TrainingListener, AutoCloseable {

  private static final long SAVE_TIMEOUT_SECONDS = 60;

  private volatile boolean stop;
  private final CountDownLatch saved = new CountDownLatch(1);
  private final Thread hook;

  StopOnInterrupt() {
    hook = new Thread(() -> {
      stop = true;
      System.err.println();
      System.err.println("deepzero: interrupted; stopping after this batch and saving...");
      try {
        saved.await(SAVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "deepzero-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  @Override
  public boolean stopRequested() {
    return stop;
  }

  /** Whether training was interrupted. */
  boolean interrupted() {
    return stop;
  }

  /** Called once the command has written everything: lets an interrupted JVM exit. */
  void finished() {
    saved.countDown();
  }

  @Override
  public void close() {
    finished();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already exiting because of the interrupt; the hook has been released by finished().
    }
  }
}
