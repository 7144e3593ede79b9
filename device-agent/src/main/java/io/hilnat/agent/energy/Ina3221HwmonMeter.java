package io.hilnat.agent.energy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Jetson INA3221 on JetPack 5 and later: {@code /sys/class/hwmon/hwmon*} with {@code name} = ina3221,
 * channels {@code in{N}_label}, voltage {@code in{N}_input} (mV), current {@code curr{N}_input} (mA).
 */
public final class Ina3221HwmonMeter implements EnergyMeter {

  private final Path voltage;
  private final Path current;

  public Ina3221HwmonMeter(Path hwmonClass, List<String> rails) throws IOException {
    if (!Files.isDirectory(hwmonClass)) {
      throw new IOException(hwmonClass + " does not exist: no hwmon devices on this system");
    }
    try (Stream<Path> devices = Files.list(hwmonClass).sorted()) {
      for (Path device : (Iterable<Path>) devices::iterator) {
        Path name = device.resolve("name");
        if (!Files.isRegularFile(name) || !Sysfs.text(name).startsWith("ina3221")) {
          continue;
        }
        for (int n = 1; n <= 8; n++) {
          Path label = device.resolve("in" + n + "_label");
          if (Files.isRegularFile(label) && rails.contains(Sysfs.text(label))) {
            this.voltage = device.resolve("in" + n + "_input");
            this.current = device.resolve("curr" + n + "_input");
            return;
          }
        }
      }
    }
    throw new IOException("no ina3221 channel labelled " + rails + " under " + hwmonClass);
  }

  @Override
  public String kind() {
    return "ina3221-hwmon";
  }

  @Override
  public double powerMilliwatts() throws IOException {
    return Sysfs.number(voltage) * Sysfs.number(current) / 1000.0; // mV * mA = µW
  }
}
