package io.hilnat.agent.energy;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raspberry Pi 5 PMIC through {@code vcgencmd pmic_read_adc}: per-rail lines such as
 * {@code VDD_CORE_A current(7)=2.10000000A} and {@code VDD_CORE_V volt(15)=0.80000000V}. Power is the
 * sum of V×A over rails that report both. The board's input current is not measured by the PMIC.
 */
public final class Pi5PmicMeter implements EnergyMeter {

  private static final Pattern LINE =
      Pattern.compile("^\\s*(\\S+)_([AV])\\s+\\w+\\(\\d+\\)=([0-9.eE+-]+)[AV]\\s*$", Pattern.MULTILINE);
  private static final List<String> COMMAND = List.of("vcgencmd", "pmic_read_adc");

  private final CommandRunner runner;

  public Pi5PmicMeter(CommandRunner runner) throws IOException {
    this.runner = runner;
    powerMilliwatts(); // fails now if vcgencmd is missing or prints nothing usable
  }

  @Override
  public String kind() {
    return "pi5-pmic";
  }

  @Override
  public double powerMilliwatts() throws IOException {
    return parseMilliwatts(runner.run(COMMAND));
  }

  static double parseMilliwatts(String output) throws IOException {
    Map<String, Double> amps = new HashMap<>();
    Map<String, Double> volts = new HashMap<>();
    Matcher m = LINE.matcher(output);
    while (m.find()) {
      (m.group(2).equals("A") ? amps : volts).put(m.group(1), Double.parseDouble(m.group(3)));
    }
    double watts = 0;
    int rails = 0;
    for (Map.Entry<String, Double> e : amps.entrySet()) {
      Double v = volts.get(e.getKey());
      if (v != null) {
        watts += v * e.getValue();
        rails++;
      }
    }
    if (rails == 0) {
      throw new IOException("vcgencmd pmic_read_adc printed no rail with both current and voltage");
    }
    return watts * 1000.0;
  }
}
