/**
 * Pictures for people: line charts (learning curves, precision-recall curves) and heatmaps (confusion
 * matrices) drawn with Java2D and written as PNG. Headless-safe; no dependency beyond the JDK's
 * {@code java.desktop} module.
 *
 * <p>Depends on: the JDK only.
 */
package dev.deepzero.plot;
