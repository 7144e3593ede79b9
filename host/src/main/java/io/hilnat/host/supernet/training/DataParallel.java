package io.hilnat.host.supernet.training;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.hilnat.host.supernet.Supernet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A supernet trained data-parallel over the devices of one host, the way PyTorch's DataParallel does it. The supernet
 * on the first device keeps the weights and the optimiser; every further device holds a replica. A step gives each
 * device a shard of its batch (batch norms normalise over their own shard, as without SyncBatchNorm), adds the
 * replicas' gradients into the first device's, steps there, and copies the updated weights back out. The running
 * statistics that count are the first device's, as DataParallel keeps its first replica's buffers.
 */
final class DataParallel {

  private final List<Supernet> replicas = new ArrayList<>();

  /**
   * {@code net} on {@code devices}, the first of which must be {@code net}'s own; the replicas live in sub-managers of
   * {@code manager} and close with it. One device (or none named) means no replicas at all.
   */
  DataParallel(Supernet net, List<Device> devices, NDManager manager) {
    replicas.add(net);
    if (devices.size() <= 1) {
      return;
    }
    if (!devices.get(0).equals(net.device())) {
      throw new IllegalArgumentException("data-parallel devices " + devices + " must start with the supernet's own, "
          + net.device());
    }
    for (Device device : devices.subList(1, devices.size())) {
      replicas.add(net.replicate(manager.newSubManager(device)));
    }
  }

  /** How many devices share each step. */
  int size() {
    return replicas.size();
  }

  /** The supernet on device {@code i}: the first is the one being trained, the others its replicas. */
  Supernet replica(int i) {
    return replicas.get(i);
  }

  /** Where device {@code i}'s shard of {@code count} images starts: as even as can be, the first devices one more. */
  int shardStart(int i, int count) {
    int size = replicas.size();
    return i * (count / size) + Math.min(i, count % size);
  }

  /** How many of {@code count} images device {@code i} computes. */
  int shardSize(int i, int count) {
    return shardStart(i + 1, count) - shardStart(i, count);
  }

  /** Adds every replica's gradients of parameters {@code names} into the first device's, zeroing the replicas'. */
  void gatherGradients(Collection<String> names) {
    for (Supernet replica : replicas.subList(1, replicas.size())) {
      replica.moveGradients(replicas.get(0), names);
    }
  }

  /** Gives every replica the first device's values of {@code names} (parameters or statistics; null: all). */
  void broadcast(Collection<String> names) {
    for (Supernet replica : replicas.subList(1, replicas.size())) {
      replica.copyFrom(replicas.get(0), names);
    }
  }
}
