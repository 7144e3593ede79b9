package io.hilnat.host.data;

/** Datasets by name on the command line, in the {@link DatasetSpec} forms, for the square-image {@link Batches}. */
public final class Datasets {

  /** A training and a test split, and the class names (index = label). */
  public record Splits(ImageSet train, ImageSet test, java.util.List<String> classNames) {}

  private Datasets() {}

  /** Any {@link DatasetSpec} form ({@value DatasetSpec#FORMS}) as square {@link ImageSet}s. */
  public static Splits load(String spec) {
    return DatasetSpec.parse(spec).load().toSplits();
  }
}
