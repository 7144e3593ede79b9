package io.hilnat.host.search;

import com.google.protobuf.util.JsonFormat;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.agent.v1.BenchmarkResult;
import io.hilnat.host.fleet.Fleet;
import io.hilnat.host.fleet.FleetResult;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Latency (and energy, when the device has a meter) measured on a device of a kind: the subnet is
 * exported as a .tflite file and benchmarked in the TFLite runtime of whichever agent of that kind the
 * fleet hands it to. The source names the agent that measured it; the whole result (every run,
 * temperatures, energy) is kept as the measurement's detail.
 */
public final class DeviceEvaluator implements Evaluator {

  private final Fleet fleet;
  private final String device;
  private final SearchSpace space;
  private final Function<Architecture, byte[]> models;
  private final BenchmarkRequest template;
  private final boolean energy;

  /**
   * @param device a device kind of the fleet (its agents' hardware profile)
   * @param models the subnet as the .tflite file that would be shipped (its precision, its weights)
   * @param template benchmark settings; its sha256 is filled in per subnet
   * @param energy whether {@code energy@device} is an objective (then a device without a meter is an error)
   */
  public DeviceEvaluator(Fleet fleet, String device, SearchSpace space,
      Function<Architecture, byte[]> models, BenchmarkRequest template, boolean energy) {
    this.fleet = fleet;
    this.device = device;
    this.space = space;
    this.models = models;
    this.template = template;
    this.energy = energy;
  }

  @Override
  public List<String> provides() {
    return energy ? List.of("latency@" + device, "energy@" + device) : List.of("latency@" + device);
  }

  @Override
  public List<Measurement> evaluate(Architecture arch) throws Exception {
    List<List<Measurement>> out = new ArrayList<>();
    evaluateAll(List.of(arch), (i, values) -> out.add(values));
    return out.get(0);
  }

  /** Submits the whole batch, so every agent of the kind measures at once; results come back in batch order. */
  @Override
  public void evaluateAll(List<Architecture> archs, Done done) throws Exception {
    List<CompletableFuture<FleetResult>> jobs = new ArrayList<>();
    for (Architecture arch : archs) {
      jobs.add(fleet.submit(device, models.apply(arch), ArchitectureFormat.key(space, arch), template));
    }
    try {
      for (int i = 0; i < jobs.size(); i++) {
        done.accept(i, measurements(jobs.get(i).get()));
      }
    } catch (ExecutionException e) {
      jobs.forEach(j -> j.cancel(false)); // queued jobs of a failed batch would only be measured for nothing
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private List<Measurement> measurements(FleetResult measured) throws Exception {
    BenchmarkResult result = measured.result();
    String source = "device:" + result.getDeviceId() + "@" + measured.agentTarget();
    String detail = JsonFormat.printer().omittingInsignificantWhitespace().print(result);
    List<Measurement> out = new ArrayList<>();
    out.add(new Measurement("latency@" + device, result.getStats().getP50Ms(), source, detail));
    if (energy) {
      if (!result.hasEnergy()) {
        throw new IllegalStateException("device " + device + " (" + measured.agentTarget() + ") has no energy meter; "
            + "drop the "
            + "energy objective or run its agent with a profile that names one");
      }
      if (!result.getEnergy().getInvalidReason().isEmpty()) {
        throw new IllegalStateException("device " + device + " (" + measured.agentTarget() + ") measured energy that "
            + "is not the model's: " + result.getEnergy().getInvalidReason());
      }
      out.add(new Measurement("energy@" + device, result.getEnergy().getEnergyPerInferenceMj(), source, ""));
    }
    return out;
  }
}
