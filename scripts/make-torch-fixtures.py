#!/usr/bin/python3
"""Writes the small torch.save files the checkpoint reader's tests read (host/src/test/resources/torch/).

Needs PyTorch (Debian's python3-torch 1.13 made the committed ones). Not part of the build: run it only to
remake them. The files are tiny on purpose; the full Once-for-All fixture lives outside the repository.
"""
import collections
import sys

import torch

out = sys.argv[1] if len(sys.argv) > 1 else "host/src/test/resources/torch"


def tensors():
    base = torch.arange(12, dtype=torch.float32).view(3, 4) * 0.5 - 1
    d = collections.OrderedDict()
    d["plain"] = base.clone()
    d["transposed"] = base.t()  # shares base's layout, strides (1, 4)
    shared = torch.arange(10, dtype=torch.float32)
    d["slice"] = shared[3:7]  # a storage offset of 3
    d["same_storage"] = shared
    d["half"] = torch.tensor([1.5, -2.0, 0.25, 65504.0], dtype=torch.float16)
    d["double"] = torch.tensor([[1e-3, 2.0]], dtype=torch.float64)
    d["count"] = torch.tensor(7, dtype=torch.int64)
    d["scalar"] = torch.tensor(3.25)
    return {"state_dict": d}


torch.save(tensors(), f"{out}/tensors-legacy.pt", _use_new_zipfile_serialization=False)
torch.save(tensors(), f"{out}/tensors-zip.pt")
torch.jit.script(torch.nn.Linear(2, 2)).save(f"{out}/torchscript.pt")
# state dicts of Once-for-All's other supernet families, only their key names matter to the importer
resnet = collections.OrderedDict((k, torch.zeros(1)) for k in [
    "input_stem.0.conv.weight", "input_stem.0.bn.weight", "blocks.0.conv1.conv.conv.weight",
    "blocks.0.conv2.conv.conv.weight", "classifier.linear.linear.weight"])
torch.save({"state_dict": resnet}, f"{out}/ofa-resnet-keys.pt")
proxyless = collections.OrderedDict((k, torch.zeros(1)) for k in [
    "first_conv.conv.weight", "first_conv.bn.weight", "blocks.0.mobile_inverted_conv.depth_conv.conv.weight",
    "blocks.1.mobile_inverted_conv.inverted_bottleneck.conv.conv.weight", "feature_mix_layer.conv.weight",
    "feature_mix_layer.bn.weight", "classifier.linear.weight"])
torch.save({"state_dict": proxyless}, f"{out}/ofa-proxyless-keys.pt", _use_new_zipfile_serialization=False)
print("wrote", out)
