package io.hilnat.host.data;

/** A training set and a test set of one dataset. */
public record TrainTest(ByteImages train, ByteImages test) {

  /** The older {@link Datasets.Splits} form (square images). */
  public Datasets.Splits toSplits() {
    return new Datasets.Splits(train.toImageSet(), test.toImageSet(), train.classNames());
  }
}
