package dev.deepzero.cli;

import dev.deepzero.models.Models;
import java.util.Iterator;

/** The built-in model names, for picocli's help of {@code train --model} and {@code bench --model}. */
final class ModelNames implements Iterable<String> {
  @Override
  public Iterator<String> iterator() {
    return Models.NAMES.iterator();
  }
}
