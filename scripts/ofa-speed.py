#!/usr/bin/python3
"""Training-step throughput of Once-for-All's own MobileNetV3 supernet (PyTorch eager, fp32, CPU), subnet by subnet.

The reference `hilnat benchmark supernet --reference ofa` runs beside hilnat's own figures, on the same steps:
1 input channel, 10 classes, one SGD step (Nesterov momentum 0.9, weight decay 3e-5, cross-entropy with label
smoothing 0.1) per batch of random images, on OFA's supernet of the subnet's width with set_active_subnet.
Needs OFA's model code (its `ofa` package; give the folder that holds it) and PyTorch (Debian: python3-torch).

Usage: ofa-speed.py OFA_SOURCE BATCH STEPS THREADS SUBNETS.json   -> JSON on stdout
SUBNETS.json: [{"name": .., "width": 1.2, "ks": [20], "e": [20], "d": [5], "resolution": 256}, ...]
"""
import json
import sys
import time

source, batch, steps, threads, subnets = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
sys.dont_write_bytecode = True
sys.path.insert(0, source)
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from ofa.imagenet_classification.elastic_nn.networks import OFAMobileNetV3  # noqa: E402

torch.set_num_threads(threads)
torch.manual_seed(0)


def supernet(width):
    net = OFAMobileNetV3(n_classes=10, dropout_rate=0, width_mult=width, ks_list=[3, 5, 7],
                         expand_ratio_list=[3, 4, 6], depth_list=[2, 3, 4])
    c = net.first_conv.conv
    net.first_conv.conv = nn.Conv2d(1, c.out_channels, 3, 2, 1, bias=False)
    return net.train()


nets = {}
out = {"engine": "PyTorch %s eager (Once-for-All's code)" % torch.__version__, "threads": threads, "batch": batch,
       "steps": steps, "subnets": []}
for s in json.load(open(subnets)):
    net = nets.setdefault(s["width"], supernet(s["width"]))
    net.set_active_subnet(ks=s["ks"], e=s["e"], d=s["d"])
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=3e-5)
    x = torch.randn(batch, 1, s["resolution"], s["resolution"])
    y = torch.randint(0, 10, (batch,))
    loss = nn.CrossEntropyLoss(label_smoothing=0.1)
    for i in range(steps + 2):
        if i == 2:
            start = time.perf_counter()
        opt.zero_grad()
        loss(net(x), y).backward()
        opt.step()
    seconds = time.perf_counter() - start
    out["subnets"].append({"name": s["name"], "images_per_s": batch * steps / seconds, "step_s": seconds / steps,
                           "resolution": s["resolution"], "width": s["width"]})
print(json.dumps(out))
