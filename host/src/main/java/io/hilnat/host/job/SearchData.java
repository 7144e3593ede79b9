package io.hilnat.host.job;

import io.hilnat.host.data.Batches;
import io.hilnat.host.data.DataSplit;
import io.hilnat.host.data.Datasets;
import io.hilnat.host.data.ImageSet;

/**
 * A search's data: the training set less a stratified validation split (NAT scores subnets on held-out
 * training images, never on the test set), and the test set for the final report. All are normalised
 * with the training set's statistics. A label-scarce search sees only {@code labelled}'s labels.
 */
public record SearchData(ImageSet trainSet, Batches train, Batches validation, Batches test, Batches labelled,
    java.util.List<String> classNames) {

  /** {@code labels}: the share of training images whose labels may be used (a stratified subset). */
  public static SearchData load(String spec, int validationImages, double labels, long seed) {
    Datasets.Splits splits = Datasets.load(spec);
    DataSplit split = validationSplit(splits.train(), validationImages, seed);
    ImageSet trainSet = splits.train().subset(split.train());
    if (!(labels > 0 && labels <= 1)) {
      throw new IllegalArgumentException("the labelled share must be in (0, 1], got " + labels);
    }
    ImageSet labelled = labels == 1 ? trainSet
        : trainSet.subset(DataSplit.stratified(trainSet.labels(), labels, seed + 1).validation());
    return new SearchData(trainSet, new Batches(trainSet, trainSet),
        new Batches(splits.train().subset(split.validation()), trainSet), new Batches(splits.test(), trainSet),
        new Batches(labelled, trainSet), splits.classNames());
  }

  /** The stratified split of about {@code validationImages} (at most half) that a search holds out of {@code train}. */
  public static DataSplit validationSplit(ImageSet train, int validationImages, long seed) {
    return DataSplit.stratified(train.labels(), Math.min(0.5, (double) validationImages / train.count()), seed);
  }
}
