package io.hilnat.host.cli;

import io.hilnat.host.supernet.SupernetCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which subnet of which trained supernet, on which dataset: what the {@code subnet} commands share. */
public final class SubnetOptions {

  @Option(names = "--supernet", required = true, description = "supernet folder (e.g. a search's supernet/iter-NNN)")
  Path supernet;

  @Option(names = "--arch", required = true, description = "smallest, largest, random:SEED, JSON or genes")
  String arch;

  @Option(names = "--data", description = "dataset (default: the one the supernet was trained on)")
  String data;

  /** The dataset asked for, else the supernet's own. */
  String dataset() throws IOException {
    if (data != null) {
      return data;
    }
    String trained = SupernetCheckpoint.metadata(supernet).get("data").asText();
    if (trained.equals(SupernetCheckpoint.IMPORTED_DATA)) {
      throw new IllegalArgumentException("the supernet in " + supernet + " was imported and its training images are "
          + "not here: name a dataset with --data (its class count must match), or adapt it first with hilnat "
          + "supernet train --from " + supernet);
    }
    return trained;
  }
}
