/**
 * Data sets and mini-batches.
 *
 * <ul>
 *   <li>{@link dev.deepzero.data.Dataset}, {@link dev.deepzero.data.TensorDataset} (floats in memory),
 *       {@link dev.deepzero.data.ByteImageDataset} (8-bit images in memory, converted a batch at a time),
 *       {@link dev.deepzero.data.Batch} and {@link dev.deepzero.data.Batches}, which walks a data set in shuffled
 *       epochs (each a permutation: every sample once, none drawn with replacement);
 *   <li>files: {@link dev.deepzero.data.IdxReader} (IDX, raw or gzip), {@link dev.deepzero.data.Mnist} (MNIST and
 *       Fashion-MNIST), {@link dev.deepzero.data.DataSources} (which data to use, and saying so),
 *       {@link dev.deepzero.data.Downloader} (the official Fashion-MNIST files), {@link dev.deepzero.data.Images}
 *       and {@link dev.deepzero.data.ImageFolderDataset} (PNG/JPEG); a damaged file is a
 *       {@link dev.deepzero.data.DataFileException} naming the file and byte offset;
 *   <li>views: {@link dev.deepzero.data.Datasets} (subsets, seeded stratified validation splits),
 *       {@link dev.deepzero.data.Normalization} (per-channel standardisation) and
 *       {@link dev.deepzero.data.AugmentedDataset} (random shifts for training).
 * </ul>
 *
 * <p>The jar embeds a stratified Fashion-MNIST subset (MIT, Zalando SE) under
 * {@code dev/deepzero/data/fashion-mnist-subset/}, made by {@code scripts/make-embedded-subset.py}.
 *
 * <p>Depends on: {@code dev.deepzero.tensor} and the JDK ({@code java.desktop}'s image I/O, {@code java.net.http}).
 */
package dev.deepzero.data;
