// Writes a synthetic image-folder dataset of ten shape classes, for label-scarce experiments on images that are not
// Fashion-MNIST: DIR/train/<class>/*.png and DIR/test/<class>/*.png, SIZE x SIZE RGB. Each image draws one shape at
// a random scale and position, with pixel noise, in one of two STYLEs:
// - colour (the default): a random colour on another, at any rotation. Colour says nothing about the class, but a
//   pair of random colours tells one image from all others, which contrastive learning latches onto instead of shape.
// - muted: a light or dark shade on the other, faintly tinted, turned at most 20 degrees either way, like objects
//   photographed upright. What is left to tell images apart is mostly the shape.
// Run: java scripts/MakeShapesFolder.java OUT [SIZE] [TRAIN_PER_CLASS] [SEED] [colour|muted]
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

public class MakeShapesFolder {
  static final String[] CLASSES = {"disc", "ring", "square", "triangle", "cross", "diamond", "bars", "two-discs",
      "l-shape", "star"};

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    int perClass = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    Random random = new Random(args.length > 3 ? Long.parseLong(args[3]) : 1);
    String style = args.length > 4 ? args[4] : "colour";
    if (!style.equals("colour") && !style.equals("muted")) {
      throw new IllegalArgumentException("STYLE must be colour or muted, got " + style);
    }
    boolean muted = style.equals("muted");
    for (String split : new String[] {"train", "test"}) {
      int count = split.equals("train") ? perClass : Math.max(1, perClass / 4);
      for (int label = 0; label < CLASSES.length; label++) {
        Path dir = out.resolve(split).resolve(CLASSES[label]);
        Files.createDirectories(dir);
        for (int i = 0; i < count; i++) {
          ImageIO.write(draw(label, size, muted, random), "png", dir.resolve(split + "-" + i + ".png").toFile());
        }
      }
    }
    System.out.println("wrote " + out + " (" + size + "x" + size + " RGB PNG, " + CLASSES.length + " shape classes, "
        + perClass + " training images each, " + style + ")");
  }

  static BufferedImage draw(int label, int size, boolean muted, Random random) {
    float[] bg = new float[3];
    float[] fg = new float[3];
    if (muted) {
      float dark = 0.1f + 0.25f * random.nextFloat();
      float light = 0.65f + 0.25f * random.nextFloat();
      boolean lightShape = random.nextBoolean();
      for (int c = 0; c < 3; c++) {
        float tint = 0.05f * (random.nextFloat() * 2 - 1);
        fg[c] = (lightShape ? light : dark) + tint;
        bg[c] = (lightShape ? dark : light) + tint;
      }
    } else {
      // the draw order of the first version, so its folders are made again exactly
      for (int c = 0; c < 3; c++) {
        bg[c] = random.nextFloat();
      }
      do {
        for (int c = 0; c < 3; c++) {
          fg[c] = random.nextFloat();
        }
      } while (Math.abs(luma(fg) - luma(bg)) < 0.25);
    }
    double scale = 0.28 + 0.14 * random.nextDouble(); // radius as a share of the image
    double cx = 0.5 + (random.nextDouble() - 0.5) * (1 - 2 * scale) * 0.8;
    double cy = 0.5 + (random.nextDouble() - 0.5) * (1 - 2 * scale) * 0.8;
    double angle = muted ? Math.toRadians(40 * random.nextDouble() - 20) : random.nextDouble() * 2 * Math.PI;
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        // 2x2 supersampling keeps edges smooth at small sizes
        double inside = 0;
        for (int s = 0; s < 4; s++) {
          double px = (x + 0.25 + 0.5 * (s % 2)) / size - cx;
          double py = (y + 0.25 + 0.5 * (s / 2)) / size - cy;
          double u = (px * Math.cos(angle) + py * Math.sin(angle)) / scale;
          double v = (-px * Math.sin(angle) + py * Math.cos(angle)) / scale;
          inside += inShape(label, u, v) ? 0.25 : 0;
        }
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
          double value = inside * fg[c] + (1 - inside) * bg[c] + 0.06 * random.nextGaussian();
          rgb = (rgb << 8) | (int) Math.max(0, Math.min(255, Math.round(255 * value)));
        }
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }

  /** Whether (u, v), in units of the shape's radius around its centre and in its own rotated frame, is inside. */
  static boolean inShape(int label, double u, double v) {
    double r = Math.hypot(u, v);
    switch (CLASSES[label]) {
      case "disc":
        return r <= 1;
      case "ring":
        return r <= 1 && r >= 0.6;
      case "square":
        return Math.abs(u) <= 0.8 && Math.abs(v) <= 0.8;
      case "triangle":
        // apex at (0, -1), base from (-0.87, 0.5) to (0.87, 0.5)
        return v <= 0.5 && Math.abs(u) <= (v + 1) / 1.5 * 0.87;
      case "cross":
        return Math.abs(u) <= 1 && Math.abs(v) <= 1 && (Math.abs(u) <= 0.28 || Math.abs(v) <= 0.28);
      case "diamond": // twice as tall as wide, so no rotation makes it the square
        return 2 * Math.abs(u) + Math.abs(v) <= 1;
      case "bars":
        return Math.abs(u) <= 1 && Math.abs(v) <= 1 && ((int) Math.floor((v + 1) * 2.5)) % 2 == 0;
      case "two-discs":
        return Math.hypot(u - 0.5, v) <= 0.42 || Math.hypot(u + 0.5, v) <= 0.42;
      case "l-shape":
        return u >= -0.8 && u <= 0.8 && v >= -0.8 && v <= 0.8 && (u <= -0.3 || v >= 0.3);
      case "star": {
        double theta = Math.atan2(v, u);
        double edge = 0.45 + 0.55 * Math.pow(Math.abs(Math.cos(2.5 * theta)), 3);
        return r <= edge;
      }
      default:
        throw new IllegalStateException(CLASSES[label]);
    }
  }

  static double luma(float[] rgb) {
    return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
  }
}
