package io.hilnat.host.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.host.net.Dense;
import io.hilnat.host.net.InputNormalization;
import io.hilnat.host.net.NetworkDescription;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * A model an app can ship as it is: it takes the image as the app has it (float32 NHWC in [0, 1]) with the
 * training set's normalisation inside the graph, carries TFLite metadata with its labels file zipped onto its end
 * (as TFLite's metadata writer packs it), and has a sidecar {@code NAME.json} with the same facts and what the
 * run measured for it.
 */
public final class DeployableModel {

  private DeployableModel() {}

  /** Writes {@code file} (an fp32 .tflite) and its sidecar; returns the model's bytes. */
  public static byte[] write(Path file, NetworkDescription net, ModelCard card) throws IOException {
    return write(file, net, card, null);
  }

  /**
   * Writes {@code file} and its sidecar: fp32, or int8 when {@code calibration} is given (then the card's
   * precision must say int8, and its normalisation, the same for every channel, becomes the uint8 input's
   * quantisation). Returns the model's bytes.
   */
  public static byte[] write(Path file, NetworkDescription net, ModelCard card, Int8Calibration calibration)
      throws IOException {
    byte[] packed = bytes(net, card, calibration);
    save(file, packed, net, card);
    return packed;
  }

  /**
   * Writes a model made by {@link #bytes} and its sidecar, so a model measured before it is written is not made
   * twice: {@code card} may now hold what was measured, which only the sidecar carries.
   */
  public static void save(Path file, byte[] model, NetworkDescription net, ModelCard card) throws IOException {
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    Files.write(file, model);
    Files.writeString(sidecar(file), sidecarJson(card, net));
  }

  /** The model {@link #write} writes, without its sidecar: what a search measures is what it ships. */
  public static byte[] bytes(NetworkDescription net, ModelCard card, Int8Calibration calibration) {
    int classes = classes(net);
    if (classes > 0 && card.labels().size() != classes) {
      throw new IllegalArgumentException(card.labels().size() + " labels for a classifier with " + classes
          + " outputs: give one label per class");
    }
    boolean int8 = Precision.isInt8(card.precision());
    if (int8 != (calibration != null)) {
      throw new IllegalArgumentException("a " + card.precision() + " model " + (int8 ? "needs" : "takes no")
          + " int8 calibration");
    }
    byte[] metadata = ModelMetadataWriter.write(card, net.inputChannels());
    byte[] model;
    if (int8) {
      for (int c = 0; c < card.mean().length; c++) {
        if (card.mean()[c] != calibration.mean() || card.std()[c] != calibration.std()) {
          throw new IllegalArgumentException("an int8 model's normalisation is its input's quantisation: it must be "
              + "the calibration's, the same for every channel");
        }
      }
      model = new TfliteExporter().exportInt8(net, calibration, metadata);
    } else {
      model = new TfliteExporter().export(InputNormalization.prepend(net, card.mean(), card.std()), metadata);
    }
    byte[] labels = (String.join("\n", card.labels()) + "\n").getBytes(StandardCharsets.UTF_8);
    return appendStoredZip(model, ModelMetadataWriter.LABELS_FILE, labels);
  }

  /** {@code subnet-x.tflite} → {@code subnet-x.json}. */
  public static Path sidecar(Path model) {
    String name = model.getFileName().toString();
    return model.resolveSibling((name.endsWith(".tflite") ? name.substring(0, name.length() - 7) : name) + ".json");
  }

  private static int classes(NetworkDescription net) {
    return net.nodes().isEmpty() || !(net.nodes().get(net.nodes().size() - 1) instanceof Dense d) ? -1
        : d.outFeatures();
  }

  private static String sidecarJson(ModelCard card, NetworkDescription net) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode().put("name", card.name()).put("description", card.description())
        .put("precision", card.precision());
    ObjectNode input = root.putObject("input");
    boolean int8 = Precision.isInt8(card.precision());
    input.put("layout", "NHWC").put("dtype", int8 ? "uint8" : "float32").put("height", net.inputSize())
        .put("width", net.inputSize()).put("channels", net.inputChannels())
        .put("pixel_mapping", int8 ? "value = pixel (0-255 as they are)" : "value = pixel / 255 (0-255 pixels to [0, "
        + "1])")
        .put("resize", "to height x width as training did: area averaging when shrinking, bilinear "
            + "(align-corners false) when enlarging");
    ObjectNode inside = input.putObject("normalisation_inside_model");
    inside.put("formula", int8 ? "the uint8 input's quantisation: real = (pixel - 255 mean) / (255 std)"
        : "(value - mean) / std per channel");
    var mean = inside.putArray("mean");
    var std = inside.putArray("std");
    for (int c = 0; c < card.mean().length; c++) {
      mean.add(card.mean()[c]);
      std.add(card.std()[c]);
    }
    root.putObject("output").put("dtype", "float32").put("meaning", "logits, one per label");
    var labels = root.putArray("labels");
    card.labels().forEach(labels::add);
    root.set("measured", mapper.valueToTree(card.measured()));
    return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
  }

  /**
   * {@code model} followed by a zip archive holding one stored (uncompressed) file, with offsets counted from the
   * start of the whole file, as zip readers expect of an archive appended to other data.
   */
  static byte[] appendStoredZip(byte[] model, String name, byte[] content) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(content);
    int localOffset = model.length;
    ByteBuffer local = header(30 + nameBytes.length).putInt(0x04034b50).putShort((short) 20).putShort((short) 0)
        .putShort((short) 0).putShort((short) 0).putShort((short) 0x21).putInt((int) crc.getValue())
        .putInt(content.length).putInt(content.length).putShort((short) nameBytes.length).putShort((short) 0)
        .put(nameBytes);
    int centralOffset = localOffset + local.capacity() + content.length;
    ByteBuffer central = header(46 + nameBytes.length).putInt(0x02014b50).putShort((short) 20).putShort((short) 20)
        .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0x21)
        .putInt((int) crc.getValue()).putInt(content.length).putInt(content.length)
        .putShort((short) nameBytes.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
        .putShort((short) 0).putInt(0).putInt(localOffset).put(nameBytes);
    ByteBuffer end = header(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1)
        .putShort((short) 1).putInt(central.capacity()).putInt(centralOffset).putShort((short) 0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(model);
    out.writeBytes(local.array());
    out.writeBytes(content);
    out.writeBytes(central.array());
    out.writeBytes(end.array());
    return out.toByteArray();
  }

  private static ByteBuffer header(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
