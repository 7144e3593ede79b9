package io.hilnat.host.android;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A phone that adb sees, ready for the agent: authorized, 64-bit Arm, Android 8.0 or later. */
public record AndroidDevice(Adb adb, String serial) {

  /** The agent's natives are built for this ABI only. */
  static final String ABI = "arm64-v8a";
  /** Android 8.0: what the agent's dex and app_process launch are built for. */
  static final int MIN_SDK = 26;

  /**
   * The attached device {@code serial}, or the only attached one when {@code serial} is null or empty, checked
   * that it can run the agent. Each refusal says what is wrong and what to do.
   */
  public static AndroidDevice pick(Adb adb, String serial) {
    AndroidDevice device = new AndroidDevice(adb, choose(adb, serial));
    device.checkPlatform();
    return device;
  }

  /** The serial of the device to use, after checking adb can talk to it; see {@link #pick}. */
  static String choose(Adb adb, String serial) {
    Map<String, String> states = states(adb.run("devices"));
    boolean any = serial == null || serial.isEmpty();
    if (states.isEmpty()) {
      throw new AndroidException("no Android device is attached: connect a phone with USB debugging on (Settings > "
          + "System > Developer options) and accept its prompt, or use adb over Wi-Fi (adb connect HOST:PORT); "
          + "`adb devices` shows what adb sees");
    }
    if (any && states.size() > 1) {
      throw new AndroidException("several Android devices are attached (" + String.join(", ", states.keySet())
          + "): pick one with --serial S or adb:S");
    }
    String chosen = any ? states.keySet().iterator().next() : serial;
    String state = states.get(chosen);
    if (state == null) {
      throw new AndroidException("no Android device " + chosen + " is attached; attached: "
          + describe(states) + " (`adb devices` lists them)");
    }
    if (state.equals("unauthorized")) {
      throw new AndroidException("the Android device " + chosen + " has not authorized this computer: unlock the "
          + "phone and accept 'Allow USB debugging?', then try again");
    }
    if (!state.equals("device")) {
      throw new AndroidException("the Android device " + chosen + " is " + state + ", not ready: try `adb "
          + "reconnect` (or replug the cable, or `adb kill-server`), then check `adb devices` says 'device'");
    }
    return chosen;
  }

  /** Serial to state from {@code adb devices}: lines {@code SERIAL<TAB>STATE} after the header. */
  static Map<String, String> states(String devicesOutput) {
    Map<String, String> states = new LinkedHashMap<>();
    for (String line : devicesOutput.split("\n")) {
      String l = line.strip();
      // adb mixes notes about its daemon ("* daemon started successfully") into what it prints
      if (l.isEmpty() || l.startsWith("*") || l.startsWith("List of devices attached")) {
        continue;
      }
      String[] parts = l.split("\t", 2);
      if (parts.length < 2) {
        parts = l.split("\\s+", 2);
      }
      states.put(parts[0], parts.length == 2 ? parts[1].strip() : "in an unknown state");
    }
    return states;
  }

  private static String describe(Map<String, String> states) {
    List<String> names = new ArrayList<>();
    states.forEach((s, state) -> names.add(state.equals("device") ? s : s + " (" + state + ")"));
    return String.join(", ", names);
  }

  private void checkPlatform() {
    String abis = getprop("ro.product.cpu.abilist");
    List<String> list = Arrays.asList(abis.split(","));
    if (!list.contains(ABI)) {
      boolean arm32 = !abis.isEmpty() && list.stream().allMatch(a -> a.startsWith("armeabi"));
      throw new AndroidException("the Android device " + serial + " cannot run the agent: "
          + (arm32 ? "it is 32-bit only (ABIs: " + abis + ")" : "its ABIs are '" + abis + "'") + ", and the agent "
          + "needs " + ABI + " (64-bit Arm); use a 64-bit Arm phone");
    }
    String sdk = getprop("ro.build.version.sdk");
    int level;
    try {
      level = Integer.parseInt(sdk);
    } catch (NumberFormatException e) {
      throw new AndroidException("the Android device " + serial + " reports API level '" + sdk
          + "', not a number; the agent needs Android 8.0 (API " + MIN_SDK + ") or later");
    }
    if (level < MIN_SDK) {
      String release = getprop("ro.build.version.release");
      throw new AndroidException("the Android device " + serial + " runs API level " + level
          + (release.isEmpty() ? "" : " (Android " + release + ")") + "; the agent needs Android 8.0 (API "
          + MIN_SDK + ") or later: update the phone or use a newer one");
    }
  }

  /** A system property of the device, stripped; empty when unset. */
  public String getprop(String name) {
    return shell("getprop", name).strip();
  }

  /** {@code adb -s SERIAL shell ARGS}'s stdout; adb joins the arguments with spaces for the device's shell. */
  public String shell(String... args) {
    List<String> command = new ArrayList<>(List.of("-s", serial, "shell"));
    command.addAll(List.of(args));
    return adb.run(command, Adb.TIMEOUT);
  }
}
