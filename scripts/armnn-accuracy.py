#!/usr/bin/python3
"""Top-1 of an exported .tflite in Arm NN (CpuRef), a runtime that shares no code with TFLite or hilnat, on
Fashion-MNIST's 10,000 raw test images or on an image folder. The images go in as an app has them: pixel / 255
for a float32 input, the pixels rounded to whole values for a uint8 (int8 model) input, resized to the model's
input (area averaging when shrinking, bilinear when enlarging, as hilnat resizes); the class labels come from the
model's own metadata (labels.txt zipped onto the model), and a folder's class sub-folders are matched to them by
name.

usage: scripts/armnn-accuracy.py MODEL.tflite [IDX_DIR]        (default IDX_DIR: Debian's dataset-fashion-mnist)
       scripts/armnn-accuracy.py MODEL.tflite --folder DIR     (DIR/<class>/*.png|jpg|jpeg, e.g. a folder's test/)
prints one JSON line: {"top1": ..., "images": ..., "labels": [...], "runtime": ...}
Needs Debian's python3-pyarmnn and python3-numpy (python3-pil for --folder); run with /usr/bin/python3.
"""
import gzip
import io
import json
import math
import os
import sys
import zipfile

import numpy as np

IDX_DIR = "/usr/share/datasets/fashion-mnist"


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def axis_matrix(src, dst):
    """The weights hilnat's Resampler uses along one axis, as a dst x src matrix."""
    m = np.zeros((dst, src), dtype=np.float64)
    scale = src / dst
    if dst >= src:
        for o in range(dst):
            f = max(0.0, (o + 0.5) * scale - 0.5)
            i0 = min(int(f), src - 1)
            i1 = min(i0 + 1, src - 1)
            w1 = min(1.0, f - i0)
            m[o, i0] += 1 - w1
            m[o, i1] += w1
        return m
    for o in range(dst):
        lo, hi = o * scale, (o + 1) * scale
        for i in range(int(math.floor(lo)), int(math.ceil(hi)) + 1):
            if i < src:
                m[o, i] += max(0.0, min(hi, i + 1) - max(lo, i)) / scale
    return m


def folder(root, labels, channels):
    """The images of root/<class>/, each as HWC floats in [0, 1] with the model's channels (PIL's "L" for gray, as
    hilnat converts colour), and the index of its folder's name among the model's labels."""
    from PIL import Image
    images, truth = [], []
    for name in sorted(os.listdir(root)):
        if not os.path.isdir(os.path.join(root, name)):
            continue
        if name not in labels:
            sys.exit("class folder '%s' is not among the model's labels %s" % (name, labels))
        for file in sorted(os.listdir(os.path.join(root, name))):
            if file.lower().endswith((".png", ".jpg", ".jpeg")):
                with Image.open(os.path.join(root, name, file)) as im:
                    pixels = np.asarray(im.convert("L" if channels == 1 else "RGB"), dtype=np.float32) / 255.0
                images.append(pixels.reshape(pixels.shape[0], pixels.shape[1], channels))
                truth.append(labels.index(name))
    if not images:
        sys.exit(root + ": no class sub-folders with .png/.jpg/.jpeg images")
    return images, truth


def labels_of(model_path):
    with zipfile.ZipFile(model_path) as z:
        return z.read("labels.txt").decode("utf-8").splitlines()


def main():
    folder_mode = len(sys.argv) == 4 and sys.argv[2] == "--folder"
    if len(sys.argv) not in (2, 3) and not folder_mode:
        sys.exit(__doc__)
    model_path = sys.argv[1]
    labels = labels_of(model_path)

    import pyarmnn as ann
    parser = ann.ITfLiteParser()
    network = parser.CreateNetworkFromBinaryFile(model_path)
    graph = 0
    input_name = parser.GetSubgraphInputTensorNames(graph)[0]
    output_name = parser.GetSubgraphOutputTensorNames(graph)[0]
    input_binding = parser.GetNetworkInputBindingInfo(graph, input_name)
    output_binding = parser.GetNetworkOutputBindingInfo(graph, output_name)
    shape = input_binding[1].GetShape()
    size, channels = shape[1], shape[3]
    runtime = ann.IRuntime(ann.CreationOptions())
    optimized, _ = ann.Optimize(network, [ann.BackendId("CpuRef")], runtime.GetDeviceSpec(), ann.OptimizerOptions())
    net_id, _ = runtime.LoadNetwork(optimized)

    uint8 = input_binding[1].GetDataType() == ann.DataType_QAsymmU8
    if folder_mode:
        images, truth = folder(sys.argv[3], labels, channels)
    else:
        root = sys.argv[2] if len(sys.argv) == 3 else IDX_DIR
        gray = idx(root + "/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255.0
        images = [np.repeat(g[:, :, None], channels, axis=2) for g in gray]
        truth = idx(root + "/t10k-labels-idx1-ubyte.gz")
    correct = 0
    for i in range(len(images)):
        rows = axis_matrix(images[i].shape[0], size).astype(np.float32)
        cols = axis_matrix(images[i].shape[1], size).astype(np.float32)
        x = np.stack([rows @ images[i][:, :, c] @ cols.T for c in range(channels)], axis=2)
        x = x.reshape(1, size, size, channels)
        # an int8 model takes the resized image's pixels, rounded to whole values as an app's bitmap holds them
        x = np.clip(np.rint(x * 255), 0, 255).astype(np.uint8) if uint8 else x.astype(np.float32)
        inputs = ann.make_input_tensors([input_binding], [x])
        outputs = ann.make_output_tensors([output_binding])
        runtime.EnqueueWorkload(net_id, inputs, outputs)
        logits = ann.workload_tensors_to_ndarray(outputs)[0].reshape(-1)
        if len(logits) != len(labels):
            sys.exit("the model has %d outputs but %d labels in its metadata" % (len(logits), len(labels)))
        correct += int(np.argmax(logits) == truth[i])
    print(json.dumps({"top1": correct / len(images), "images": len(images), "labels": labels,
                      "runtime": "Arm NN %s CpuRef" % ann.ARMNN_VERSION, "input": [size, size, channels],
                      "input_dtype": "uint8" if uint8 else "float32"}))


if __name__ == "__main__":
    main()
