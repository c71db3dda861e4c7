/**
 * Coverage-guided fuzz targets (Jazzer) for every parser of untrusted files: safetensors header and whole model
 * files, JSON, IDX (raw and gzip), PNG/JPEG, VOC XML, YOLO labels, model metadata and architecture JSON. In a
 * plain build they replay the committed corpus under {@code src/test/resources/dev/deepzero/fuzz/}; with
 * {@code JAZZER_FUZZ=1} ({@code scripts/fuzz.sh}) they fuzz. Test-only. May import io, data, detect and inference.
 */
package dev.deepzero.fuzz;
