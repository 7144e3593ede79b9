package io.hilnat.host.export;

import com.google.flatbuffers.FlatBufferBuilder;
import org.tensorflow.lite.support.metadata.schema.AssociatedFile;
import org.tensorflow.lite.support.metadata.schema.AssociatedFileType;
import org.tensorflow.lite.support.metadata.schema.ColorSpaceType;
import org.tensorflow.lite.support.metadata.schema.Content;
import org.tensorflow.lite.support.metadata.schema.ContentProperties;
import org.tensorflow.lite.support.metadata.schema.ImageProperties;
import org.tensorflow.lite.support.metadata.schema.ModelMetadata;
import org.tensorflow.lite.support.metadata.schema.NormalizationOptions;
import org.tensorflow.lite.support.metadata.schema.ProcessUnit;
import org.tensorflow.lite.support.metadata.schema.ProcessUnitOptions;
import org.tensorflow.lite.support.metadata.schema.Stats;
import org.tensorflow.lite.support.metadata.schema.SubGraphMetadata;
import org.tensorflow.lite.support.metadata.schema.TensorMetadata;

/**
 * TFLite model metadata (metadata_schema.fbs, as TFLite's Task library and Android Studio read it) for an image
 * classifier: the input's NormalizationOptions say how an app's 0–255 pixels become its values (mean 0, std 255
 * for a float32 input in [0, 1]; mean 0, std 1 for uint8 pixels as they are), since the training set's own
 * normalisation is inside the graph or, for int8, in the input's quantisation; the output names its labels file.
 */
public final class ModelMetadataWriter {

  public static final String LABELS_FILE = "labels.txt";

  private ModelMetadataWriter() {}

  public static byte[] write(ModelCard card, int channels) {
    FlatBufferBuilder b = new FlatBufferBuilder(1024);
    int input = input(b, channels, Precision.isInt8(card.precision()));
    int labelsName = b.createString(LABELS_FILE);
    int labelsDescription = b.createString("one class label per line, line i = output i");
    AssociatedFile.startAssociatedFile(b);
    AssociatedFile.addName(b, labelsName);
    AssociatedFile.addDescription(b, labelsDescription);
    AssociatedFile.addType(b, AssociatedFileType.TENSOR_AXIS_LABELS);
    int labels = AssociatedFile.endAssociatedFile(b);
    int outputName = b.createString("logits");
    int outputDescription = b.createString("one score (logit) per class; the highest is the prediction");
    int outputFiles = TensorMetadata.createAssociatedFilesVector(b, new int[] {labels});
    TensorMetadata.startTensorMetadata(b);
    TensorMetadata.addName(b, outputName);
    TensorMetadata.addDescription(b, outputDescription);
    TensorMetadata.addAssociatedFiles(b, outputFiles);
    int output = TensorMetadata.endTensorMetadata(b);

    int inputs = SubGraphMetadata.createInputTensorMetadataVector(b, new int[] {input});
    int outputs = SubGraphMetadata.createOutputTensorMetadataVector(b, new int[] {output});
    SubGraphMetadata.startSubGraphMetadata(b);
    SubGraphMetadata.addInputTensorMetadata(b, inputs);
    SubGraphMetadata.addOutputTensorMetadata(b, outputs);
    int subgraph = SubGraphMetadata.endSubGraphMetadata(b);

    int name = b.createString(card.name());
    int description = b.createString(card.description());
    int author = b.createString("hilnat");
    int subgraphs = ModelMetadata.createSubgraphMetadataVector(b, new int[] {subgraph});
    int parser = b.createString("1.0.0");
    ModelMetadata.startModelMetadata(b);
    ModelMetadata.addName(b, name);
    ModelMetadata.addDescription(b, description);
    ModelMetadata.addAuthor(b, author);
    ModelMetadata.addSubgraphMetadata(b, subgraphs);
    ModelMetadata.addMinParserVersion(b, parser);
    ModelMetadata.finishModelMetadataBuffer(b, ModelMetadata.endModelMetadata(b));
    return b.sizedByteArray();
  }

  private static int input(FlatBufferBuilder b, int channels, boolean int8) {
    int name = b.createString("image");
    int description = b.createString(int8
        ? "image, NHWC uint8, pixels as they are; the training set's normalisation is the input's quantisation"
        : "image, NHWC float32, value = pixel / 255; the training set's normalisation is applied inside the model");
    ImageProperties.startImageProperties(b);
    ImageProperties.addColorSpace(b, channels == 1 ? ColorSpaceType.GRAYSCALE : ColorSpaceType.RGB);
    int image = ImageProperties.endImageProperties(b);
    Content.startContent(b);
    Content.addContentPropertiesType(b, ContentProperties.ImageProperties);
    Content.addContentProperties(b, image);
    int content = Content.endContent(b);
    float[] zeros = new float[channels];
    float[] full = new float[channels];
    float[] ones = new float[channels];
    // pixels go in as they are (uint8) or divided by 255 (float32)
    java.util.Arrays.fill(full, int8 ? 1f : 255f);
    java.util.Arrays.fill(ones, int8 ? 255f : 1f);
    int mean = NormalizationOptions.createMeanVector(b, zeros);
    int std = NormalizationOptions.createStdVector(b, full);
    int normalization = NormalizationOptions.createNormalizationOptions(b, mean, std);
    int unit = ProcessUnit.createProcessUnit(b, ProcessUnitOptions.NormalizationOptions, normalization);
    int units = TensorMetadata.createProcessUnitsVector(b, new int[] {unit});
    int stats = Stats.createStats(b, Stats.createMaxVector(b, ones), Stats.createMinVector(b, zeros));
    TensorMetadata.startTensorMetadata(b);
    TensorMetadata.addName(b, name);
    TensorMetadata.addDescription(b, description);
    TensorMetadata.addContent(b, content);
    TensorMetadata.addProcessUnits(b, units);
    TensorMetadata.addStats(b, stats);
    return TensorMetadata.endTensorMetadata(b);
  }
}
