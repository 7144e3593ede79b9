// Writes a colour image-folder dataset from Fashion-MNIST, for trying hilnat on "your own images":
// DIR/train/<class>/*.png and DIR/test/<class>/*.png, SIZE x SIZE RGB, each garment tinted with a random
// colour on a random background tint. Run: java scripts/MakeColourFolder.java OUT [SIZE] [PER_CLASS]
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;

public class MakeColourFolder {
  static final String[] CLASSES = {"t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker",
      "bag", "ankle-boot"};

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    int perClass = args.length > 2 ? Integer.parseInt(args[2]) : 600;
    Path src = Path.of("/usr/share/datasets/fashion-mnist");
    Random random = new Random(1);
    for (String split : new String[] {"train", "test"}) {
      String prefix = split.equals("train") ? "train" : "t10k";
      byte[][] images = read(src.resolve(prefix + "-images-idx3-ubyte.gz"), true);
      byte[][] labels = read(src.resolve(prefix + "-labels-idx1-ubyte.gz"), false);
      int limit = split.equals("train") ? perClass : Math.max(1, perClass / 6);
      int[] written = new int[10];
      for (int i = 0; i < images.length; i++) {
        int label = labels[0][i];
        if (written[label] >= limit) {
          continue;
        }
        Path dir = out.resolve(split).resolve(CLASSES[label]);
        Files.createDirectories(dir);
        float[] fg = {random.nextFloat(), random.nextFloat(), random.nextFloat()};
        float[] bg = {0.2f * random.nextFloat(), 0.2f * random.nextFloat(), 0.2f * random.nextFloat()};
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
          for (int x = 0; x < size; x++) {
            float v = (images[i][(y * 28 / size) * 28 + (x * 28 / size)] & 0xff) / 255f;
            int rgb = 0;
            for (int c = 0; c < 3; c++) {
              rgb = (rgb << 8) | Math.min(255, (int) (255 * (v * (0.4f + 0.6f * fg[c]) + (1 - v) * bg[c])));
            }
            img.setRGB(x, y, rgb);
          }
        }
        ImageIO.write(img, "png", dir.resolve(split + "-" + i + ".png").toFile());
        written[label]++;
      }
    }
    System.out.println("wrote " + out + " (" + size + "x" + size + " RGB PNG, train/ and test/, one folder per class)");
  }

  /** IDX images as one row per image, or labels as one row. */
  static byte[][] read(Path file, boolean images) throws IOException {
    try (DataInputStream in = new DataInputStream(new GZIPInputStream(new FileInputStream(file.toFile())))) {
      in.readInt();
      int n = in.readInt();
      if (!images) {
        byte[] labels = new byte[n];
        in.readFully(labels);
        return new byte[][] {labels};
      }
      int rows = in.readInt();
      int cols = in.readInt();
      byte[][] out = new byte[n][rows * cols];
      for (byte[] row : out) {
        in.readFully(row);
      }
      return out;
    }
  }
}
