package io.hilnat.agent.energy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Jetson INA3221 on older JetPack: {@code /sys/bus/i2c/drivers/ina3221x/<addr>/iio:device<k>/} with
 * {@code rail_name_{N}} and {@code in_power{N}_input} (mW).
 */
public final class Ina3221IioMeter implements EnergyMeter {

  private final Path power;

  public Ina3221IioMeter(Path driver, List<String> rails) throws IOException {
    if (!Files.isDirectory(driver)) {
      throw new IOException(driver + " does not exist: the ina3221x driver is not loaded");
    }
    try (Stream<Path> files = Files.walk(driver, 3)) {
      for (Path file : (Iterable<Path>) files.sorted()::iterator) {
        String name = file.getFileName().toString();
        if (name.startsWith("rail_name_") && rails.contains(Sysfs.text(file))) {
          this.power = file.resolveSibling("in_power" + name.substring("rail_name_".length()) + "_input");
          return;
        }
      }
    }
    throw new IOException("no ina3221x rail named " + rails + " under " + driver);
  }

  @Override
  public String kind() {
    return "ina3221-iio";
  }

  @Override
  public double powerMilliwatts() throws IOException {
    return Sysfs.number(power);
  }
}
