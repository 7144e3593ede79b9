package io.hilnat.host.data;

import java.util.List;

/**
 * A labelled image set held in memory. Images are CHW; {@link #image(int)} gives values in [0, 1].
 * Implementations store 8 bits per value ({@link ByteImages}).
 */
public interface ImageDataset {

  /** Number of images. */
  int size();

  int channels();

  int height();

  int width();

  int numClasses();

  /** One name per class, index = label. */
  List<String> classNames();

  /** Image {@code i} as CHW floats in [0, 1]. */
  float[] image(int i);

  int label(int i);

  /** All labels, index = image. */
  int[] labels();

  /** The images at {@code indices}, in that order. */
  ImageDataset subset(int[] indices);
}
