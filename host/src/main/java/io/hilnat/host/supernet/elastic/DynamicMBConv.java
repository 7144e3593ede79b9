package io.hilnat.host.supernet.elastic;

import ai.djl.ndarray.NDArray;
import io.hilnat.host.net.Activation;
import io.hilnat.host.net.DjlForward;
import io.hilnat.host.net.Node;
import io.hilnat.host.net.Residual;
import io.hilnat.host.space.SubnetBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * An MBConv layer of elastic kernel, expand ratio and width: 1×1 expand (absent for ratio 1),
 * depthwise, optional squeeze-excite, 1×1 project; residual when stride 1 keeps the channels.
 */
public final class DynamicMBConv {

  private final DynamicConv expand;
  private final DynamicBatchNorm expandBn;
  public final DynamicDepthwise depthwise;
  private final DynamicBatchNorm depthwiseBn;
  private final DynamicSqueezeExcite se;
  private final DynamicConv project;
  private final DynamicBatchNorm projectBn;
  private final Activation.Kind activation;
  private final int stride;

  public DynamicMBConv(Weights w, String name, int maxIn, int maxOut, List<Integer> kernels, int maxExpand, int stride,
      boolean squeezeExcite, Activation.Kind activation, boolean channelsLast) {
    int maxMid = maxExpand == 1 ? maxIn : SubnetBuilder.expandedChannels(maxIn, maxExpand);
    this.expand = maxExpand == 1 ? null : new DynamicConv(w, name + ".expand", maxIn, maxMid, 1, 1,
        channelsLast);
    this.expandBn = maxExpand == 1 ? null : new DynamicBatchNorm(w, name + ".expand.bn", maxMid);
    this.depthwise = new DynamicDepthwise(w, name + ".depthwise", maxMid, kernels, stride);
    this.depthwiseBn = new DynamicBatchNorm(w, name + ".depthwise.bn", maxMid);
    this.se = squeezeExcite ? new DynamicSqueezeExcite(w, name + ".se", maxMid) : null;
    this.project = new DynamicConv(w, name + ".project", maxMid, maxOut, 1, 1, channelsLast);
    this.projectBn = new DynamicBatchNorm(w, name + ".project.bn", maxOut);
    this.activation = activation;
    this.stride = stride;
  }

  private static int mid(int in, int expandRatio) {
    return expandRatio == 1 ? in : SubnetBuilder.expandedChannels(in, expandRatio);
  }

  public NDArray forward(NDArray x, int kernel, int expandRatio, int out, boolean training) {
    int in = (int) x.getShape().get(1);
    NDArray h = x;
    if (expandRatio != 1) {
      h = DjlForward.activate(activation, expandBn.forward(expand.forward(h, mid(in, expandRatio)), training));
    }
    h = DjlForward.activate(activation, depthwiseBn.forward(depthwise.forward(h, kernel), training));
    if (se != null) {
      h = se.forward(h);
    }
    h = projectBn.forward(project.forward(h, out), training);
    return stride == 1 && in == out ? h.add(x) : h;
  }

  public List<Node> describe(int in, int kernel, int expandRatio, int out) {
    int mid = mid(in, expandRatio);
    List<Node> body = new ArrayList<>();
    if (expandRatio != 1) {
      body.add(expand.describe(in, mid));
      body.add(expandBn.describe(mid));
      body.add(new Activation(activation));
    }
    body.add(depthwise.describe(mid, kernel));
    body.add(depthwiseBn.describe(mid));
    body.add(new Activation(activation));
    if (se != null) {
      body.add(se.describe(mid));
    }
    body.add(project.describe(mid, out));
    body.add(projectBn.describe(out));
    return stride == 1 && in == out ? List.of(new Residual(body)) : body;
  }

  /**
   * OFA's re_organize_middle_weights: orders the expanded channels by importance, the L1 norm of the project
   * conv's weights reading each, so that smaller expand ratios keep the most important ones, and everything
   * holding those channels follows; the squeeze-excite's reduced channels are sorted likewise. The largest
   * subnet computes the same function afterwards. Nothing to sort without an expand conv (ratio 1): the
   * middle channels are then the block's input.
   */
  public List<AxisPermutation> sortMiddleChannels() {
    if (expand == null) {
      return List.of();
    }
    int[] order = AxisPermutation.descending(AxisPermutation.l1Norms(project.weight, 1));
    List<AxisPermutation> all = new ArrayList<>();
    all.add(expand.permuteOutputs(order));
    all.addAll(expandBn.permuteChannels(order));
    all.add(depthwise.permuteChannels(order));
    all.addAll(depthwiseBn.permuteChannels(order));
    if (se != null) {
      all.addAll(se.permuteChannels(order));
      all.addAll(se.sortReducedChannels());
    }
    all.add(project.permuteInputs(order));
    return all;
  }

  public List<DynamicBatchNorm> batchNorms() {
    List<DynamicBatchNorm> all = new ArrayList<>();
    if (expandBn != null) {
      all.add(expandBn);
    }
    all.add(depthwiseBn);
    all.add(projectBn);
    return all;
  }
}
