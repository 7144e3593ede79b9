package io.hilnat.host.cli;

import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.transfer.OfaImport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hilnat supernet import-ofa FILE}: a Once-for-All MobileNetV3 checkpoint as a hilnat supernet. */
@Command(name = "import-ofa", mixinStandardHelpOptions = true,
    description = {"Import a Once-for-All MobileNetV3 supernet (ofa_mbv3_d234_e346_k357_w1.0 or _w1.2, as OFA",
        "publishes it: torch.save'd, legacy or zip format) with its batch-norm statistics and kernel transforms.",
        "Start a search or a training from it with --supernet / --from: NAT's transfer."})
final class ImportOfaCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "FILE", description = "the checkpoint, e.g. ofa_mbv3_d234_e346_k357_w1.0")
  Path checkpoint;

  @Option(names = "--out", description = "supernet folder to write (default supernets/FILE-NAME); never overwritten")
  Path out;

  @Option(names = "--space", defaultValue = "ofa-mbv3", description = {"OFA's MobileNetV3 space, or a copy of its "
      + "file with other resolutions (default ${DEFAULT-VALUE}); the", "supernet keeps the checkpoint's width only"})
  String space;

  @Option(names = "--mean", split = ",", defaultValue = "0.485,0.456,0.406", description = {"RGB mean the "
      + "checkpoint was trained with, in [0, 1] (default ImageNet's, as OFA's: ${DEFAULT-VALUE});",
      "exports put it inside the model"})
  float[] mean;

  @Option(names = "--std", split = ",", defaultValue = "0.229,0.224,0.225", description = "RGB standard deviation "
      + "likewise (default ${DEFAULT-VALUE})")
  float[] std;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path folder = out != null ? out : Path.of("supernets", checkpoint.getFileName().toString().replaceFirst(
        "\\.(pth|pt|tar)$", ""));
    OfaImport.importTo(checkpoint, folder, SearchSpaceLoader.load(space), mean, std, spec.commandLine().getOut());
    return 0;
  }
}
