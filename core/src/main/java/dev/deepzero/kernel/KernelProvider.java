package dev.deepzero.kernel;

import java.util.Locale;
import java.util.logging.Logger;

/**
 * Picks the {@link Kernels} implementation once per JVM.
 *
 * <p>The Vector API implementation is used when the {@code jdk.incubator.vector} module is in the boot layer
 * (the JVM was started with {@code --add-modules jdk.incubator.vector}); otherwise one warning naming that
 * flag is logged and {@link ScalarKernels} is used. The system property {@value #PROPERTY} set to
 * {@code scalar} or {@code panama} forces a choice, for tests and benchmarks.
 */
public final class KernelProvider {

  /** System property that forces an implementation: {@code scalar} or {@code panama}. */
  public static final String PROPERTY = "dev.deepzero.kernels";

  private static final String PANAMA_CLASS = "dev.deepzero.kernel.PanamaKernels";
  private static final Logger LOG = Logger.getLogger(KernelProvider.class.getName());

  private KernelProvider() {}

  /** Returns the implementation chosen for this JVM. */
  public static Kernels get() {
    return Holder.INSTANCE;
  }

  /** Returns the Vector API implementation, or {@code null} when the module is absent. For tests. */
  public static Kernels panamaOrNull() {
    return PanamaHolder.INSTANCE;
  }

  // Holder idiom: the choice (and its one warning) happens on first use, not at class load of callers,
  // and is thread-safe without locks because class initialisation is.
  private static final class Holder {
    static final Kernels INSTANCE = choose();
  }

  private static final class PanamaHolder {
    static final Kernels INSTANCE = loadPanama();
  }

  private static Kernels choose() {
    String forced = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
    switch (forced) {
      case "scalar":
        return ScalarKernels.INSTANCE;
      case "panama":
        Kernels panama = panamaOrNull();
        if (panama == null) {
          throw new IllegalStateException(PROPERTY + "=panama needs the JVM flag "
              + "--add-modules jdk.incubator.vector");
        }
        return panama;
      case "":
        break;
      default:
        throw new IllegalStateException(PROPERTY + " must be 'scalar' or 'panama', not '" + forced + "'");
    }
    Kernels panama = panamaOrNull();
    if (panama != null) {
      return panama;
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      return ScalarKernels.INSTANCE; // loadPanama has already said why
    }
    LOG.warning("jdk.incubator.vector is not available: using scalar kernels. "
        + "Start the JVM with --add-modules jdk.incubator.vector for SIMD speed.");
    return ScalarKernels.INSTANCE;
  }

  private static Kernels loadPanama() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      // Reflection keeps this class free of a compile-time link to the incubator module.
      var ctor = Class.forName(PANAMA_CLASS).getDeclaredConstructor();
      ctor.setAccessible(true);
      return (Kernels) ctor.newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      LOG.warning("SIMD kernels could not be loaded (" + e + "): using scalar kernels.");
      return null;
    }
  }
}
