package io.hilnat.agent.profile;

import java.util.List;
import java.util.Locale;

/** The OS and CPU the agent really runs on, in the names hardware profiles and packages use. */
public final class Platform {

  public static final List<String> KNOWN = List.of("linux-x86_64", "linux-arm64", "android-arm64");

  private Platform() {}

  /** e.g. {@code linux-arm64}; from the JVM's own properties, so an emulated JVM reports what it emulates. */
  public static String current() {
    return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""),
        System.getProperty("java.vm.vendor", "") + " " + System.getProperty("java.vendor", ""));
  }

  static String of(String osName, String osArch, String vendor) {
    String os = vendor.contains("Android") ? "android" : osName.toLowerCase(Locale.ROOT).replace(' ', '_');
    String arch = switch (osArch.toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "arm64";
      default -> osArch.toLowerCase(Locale.ROOT);
    };
    return os + "-" + arch;
  }
}
