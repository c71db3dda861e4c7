package dev.deepzero.cli;

import dev.deepzero.data.DataSources;
import dev.deepzero.data.Downloader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code deepzero download}: fetches the official Fashion-MNIST files into the per-user data folder. */
@Command(name = "download", mixinStandardHelpOptions = true,
    description = "Download the four official Fashion-MNIST files (about 30 MB) into a folder, check them, and only"
        + " then replace what was there. Training then finds them without --data.")
final class DownloadCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Folder to save into (default: ~/.deepzero/data/fashion-mnist, where training looks).")
  Path dir;

  @Option(names = "--base-url", paramLabel = "URL",
      description = "Folder URL holding the four .gz files: http:, https: or file: (default: the zalandoresearch"
          + "/fashion-mnist repository's data/fashion folder on GitHub).")
  URI baseUrl;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path target = dir != null ? dir : DataSources.standard().userFashionMnistDir();
    URI base = baseUrl != null ? baseUrl : Downloader.FASHION_MNIST_URL;
    Downloader downloader = Downloader.create(line -> {
      out.println(line);
      out.flush();
    });
    downloader.download(base, target, Downloader.FASHION_MNIST_TRAIN, Downloader.FASHION_MNIST_TEST);
    if (dir != null) {
      out.println("use it with --data " + target);
    }
    return 0;
  }
}
