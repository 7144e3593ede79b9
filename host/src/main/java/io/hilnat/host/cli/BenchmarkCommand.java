package io.hilnat.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hilnat.host.bench.AgentOverheadBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code hilnat benchmark NAME}: the project's own performance benchmarks, printing JSON. */
// the project's own measurements, not a user's task (that is `bench`): out of the main help, listed by its own
@Command(name = "benchmark", mixinStandardHelpOptions = true, hidden = true,
    description = {"Research benchmarks of hilnat itself, each against a named reference in the same run (JSON on",
        "stdout, progress on stderr). To measure a model on a device, use `hilnat bench`."},
    subcommands = {BenchmarkCommand.Runtime.class, BenchmarkCommand.FleetThroughput.class,
        BenchmarkCommand.Precision.class, BenchmarkCommand.AgentOverhead.class,
            BenchmarkCommand.WeightPreservation.class,
        BenchmarkCommand.SearchHypervolume.class, BenchmarkCommand.LabelScarce.class,
            BenchmarkCommand.ProxyRanking.class,
        BenchmarkCommand.SupernetTraining.class, BenchmarkCommand.FineTuneRank.class,
            BenchmarkCommand.SearchMemory.class})
public final class BenchmarkCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A benchmark's report as pretty JSON on stdout (progress went to stderr). */
  static int print(picocli.CommandLine.Model.CommandSpec spec, com.fasterxml.jackson.databind.JsonNode report)
      throws com.fasterxml.jackson.core.JsonProcessingException {
    spec.commandLine().getOut().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
    return 0;
  }

  @Command(name = "runtime", mixinStandardHelpOptions = true, description = {
      "p50 of 10 exported subnets with TFLite's builtin kernels (cpu) and with XNNPACK, same threads, same run,",
      "and the agent's XNNPACK p50 against the C API invoked in a bare loop in another process."})
  static final class Runtime implements Callable<Integer> {
    @Option(names = "--threads", defaultValue = "1", description = "interpreter threads (default ${DEFAULT-VALUE})")
    int threads;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return print(spec, io.hilnat.host.bench.RuntimeBench.run(Files.createTempDirectory("hilnat-bench"), threads,
          System.err));
    }
  }

  @Command(name = "precision", mixinStandardHelpOptions = true, description = {
      "int8 / fp32 p50 of 10 exported subnets on a local agent, same delegate and threads, same run."})
  static final class Precision implements Callable<Integer> {
    @Option(names = "--threads", defaultValue = "1", description = "interpreter threads (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--delegate", defaultValue = "xnnpack", description = "delegate (default ${DEFAULT-VALUE})")
    String delegate;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return print(spec, io.hilnat.host.bench.PrecisionBench.run(Files.createTempDirectory("hilnat-bench"), threads,
          delegate, System.err));
    }
  }

  @Command(name = "fleet", mixinStandardHelpOptions = true, description = {
      "Fleet throughput (JSON): a batch of small benchmark jobs on 1, 4 and N agents on 127.0.0.1, each job checked "
          + "to complete once and be credited to one agent; jobs/s against one agent's."})
  static final class FleetThroughput implements Callable<Integer> {
    @Option(names = "--agents", defaultValue = "16", description = "agents started (default ${DEFAULT-VALUE})")
    int agents;

    @Option(names = "--jobs", defaultValue = "1000", description = "jobs per batch (default ${DEFAULT-VALUE})")
    int jobs;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return print(spec, io.hilnat.host.bench.FleetBench.run(Files.createTempDirectory("hilnat-bench"), agents, jobs,
          System.err));
    }
  }

  @Command(name = "agent-overhead", mixinStandardHelpOptions = true,
      description = "Agent-reported p50 vs the C API's bare-loop p50, p50 spread over repeats, upload and set-up cost.")
  static final class AgentOverhead implements Callable<Integer> {
    @Option(names = "--threads", defaultValue = "1", description = "interpreter threads (default ${DEFAULT-VALUE})")
    int threads;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Path work = Files.createTempDirectory("hilnat-bench");
      var report = AgentOverheadBench.run(work, threads, System.err);
      return print(spec, report);
    }
  }

  @Command(name = "weight-preservation", mixinStandardHelpOptions = true,
      description = "Test-set top-1 of subnets by the host vs their exported .tflite in the TFLite runtime.")
  static final class WeightPreservation implements Callable<Integer> {
    @Mixin ComputeDeviceOption computeDevice;

    @Option(names = "--supernet", required = true, description = "trained supernet folder")
    Path supernet;

    @Option(names = "--subnets", defaultValue = "10", description = "subnets: largest, smallest, random (default "
        + "${DEFAULT-VALUE})")
    int subnets;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      var report = io.hilnat.host.bench.WeightPreservationBench.run(supernet, subnets,
          Files.createTempDirectory("hilnat-bench"), System.err);
      return print(spec, report);
    }
  }

  @Command(name = "search-hypervolume", mixinStandardHelpOptions = true, description = {
      "Hypervolume (top-1 error, measured latency) of NAT after N real evaluations, random search after 3N and",
      "NSGA-II without surrogates after N, on one trained supernet and a local agent."})
  static final class SearchHypervolume implements Callable<Integer> {
    @Mixin ComputeDeviceOption computeDevice;

    @Option(names = "--supernet", required = true, description = "trained supernet folder")
    Path supernet;

    @Option(names = "--evaluations", defaultValue = "40", description = "N, NAT's real evaluations (default "
        + "${DEFAULT-VALUE})")
    int evaluations;

    @Option(names = "--proxy-seeded", description = "also NAT with its initial archive chosen by the TE-NAS proxies")
    boolean proxySeeded;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      var report = io.hilnat.host.bench.SearchHypervolumeBench.run(supernet, evaluations, proxySeeded,
          Files.createTempDirectory("hilnat-bench"), System.err);
      return print(spec, report);
    }
  }

  @Command(name = "search-memory", mixinStandardHelpOptions = true, description = {
      "Peak resident memory of a supervised search and of a label-free (--ssl) one on the same data and",
      "settings, each in its own process; the search settings follow -- (e.g. -- --data folder:DIR --batch 128)."})
  static final class SearchMemory implements Callable<Integer> {
    @Option(names = "--labels", defaultValue = "10%", description = "labelled share of the label-free search "
        + "(default ${DEFAULT-VALUE})")
    String labels;

    @picocli.CommandLine.Parameters(paramLabel = "SEARCH-OPTION", description = "options of both searches")
    java.util.List<String> search = new java.util.ArrayList<>();

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      var report = io.hilnat.host.bench.SearchMemoryBench.run(search, labels,
          Files.createTempDirectory("hilnat-search-memory"), System.err);
      return print(spec, report);
    }
  }

  @Command(name = "label-scarce", mixinStandardHelpOptions = true, description = {
      "Fine-tune a subnet on few labels from its preserved supernet weights vs from random initialisation and",
      "from a supernet trained with those labels alone; test top-1 of each (SSWP-NAS)."})
  static final class LabelScarce implements Callable<Integer> {
    @Mixin ComputeDeviceOption computeDevice;

    @Option(names = "--supernet", required = true, description = "trained (e.g. self-supervised) supernet folder")
    Path supernet;

    @Option(names = "--arch", defaultValue = "largest", description = "subnet (default ${DEFAULT-VALUE})")
    String arch;

    @Option(names = "--labels", split = ",", defaultValue = "1%,10%", description = "label shares (default "
        + "${DEFAULT-VALUE})")
    java.util.List<String> labels;

    @Option(names = "--epochs", defaultValue = "10", description = "epochs over the labelled images (default "
        + "${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--seeds", defaultValue = "1", description = "repeats, each with another labelled subset, order "
        + "and random initialisation; mean and std over them (default ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--supervised-steps", defaultValue = "200", description = "sandwich steps of the supernet trained "
        + "with labels on the labelled share alone, whose subnet is the second baseline; 0 leaves it out (default "
        + "${DEFAULT-VALUE})")
    int supervisedSteps;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (seeds < 1 || supervisedSteps < 0) {
        throw new IllegalArgumentException("--seeds must be at least 1 and --supervised-steps at least 0, not " + seeds
            + " and " + supervisedSteps);
      }
      var report = io.hilnat.host.bench.LabelScarceBench.run(supernet, arch,
          labels.stream().map(SearchCommand::share).toList(), epochs, seeds, supervisedSteps,
          Files.createTempDirectory("hilnat-bench"),
          System.err);
      return print(spec, report);
    }
  }

  @Command(name = "proxies", mixinStandardHelpOptions = true, description = {
      "Kendall tau of the TE-NAS proxies (NTK condition number, linear regions, rank sum) against the",
      "inherited-weight accuracy of random subnets of a trained supernet, and each proxy's cost."})
  static final class ProxyRanking implements Callable<Integer> {
    @Mixin ComputeDeviceOption computeDevice;

    @Option(names = "--supernet", required = true, description = "trained supernet folder")
    Path supernet;

    @Option(names = "--subnets", defaultValue = "50", description = "random subnets (default ${DEFAULT-VALUE})")
    int subnets;

    @Option(names = "--inputs", defaultValue = "400", description = "points on the regions' segment (default "
        + "${DEFAULT-VALUE})")
    int inputs;

    @Option(names = "--ntk-batch", defaultValue = "16", description = "images per NTK (default ${DEFAULT-VALUE})")
    int ntkBatch;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      var report = io.hilnat.host.bench.ProxyBench.run(supernet, subnets, inputs, ntkBatch, System.err);
      return print(spec, report);
    }
  }

  @Command(name = "supernet", mixinStandardHelpOptions = true, description = {
      "Supernet training images/s (smallest, largest, sandwich step) and resident memory over many steps."})
  static final class SupernetTraining implements Callable<Integer> {
    @Mixin ComputeDeviceOption computeDevice;

    @Option(names = "--space", defaultValue = "tiny-mbv3", description = "search space (default ${DEFAULT-VALUE})")
    String space;

    @Option(names = "--batch", defaultValue = "64", description = "batch (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--steps", defaultValue = "20", description = "timed steps per figure (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--memory-steps", defaultValue = "1000", description = "sandwich steps watched for memory "
        + "(default ${DEFAULT-VALUE})")
    int memorySteps;

    @Option(names = "--memory-batch", defaultValue = "16", description = "batch of the memory steps (default "
        + "${DEFAULT-VALUE})")
    int memoryBatch;

    @Option(names = "--reference", description = {"ofa: time Once-for-All's own supernet on the same subnets, batch "
        + "and steps in the same run", "(scripts/ofa-speed.py; needs /usr/bin/python3 with PyTorch) and report "
        + "hilnat ÷ OFA"})
    String reference;

    @Option(names = "--ofa-source", defaultValue = "${env:HILNAT_OFA_SOURCE:-../shared/reference/ofa}",
        description = "folder holding OFA's `ofa` package (default ${DEFAULT-VALUE}; env HILNAT_OFA_SOURCE)")
    Path ofaSource;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (reference != null && !reference.equals("ofa")) {
        throw new ParameterException(spec.commandLine(), "--reference knows only ofa, got " + reference);
      }
      var report = io.hilnat.host.bench.SupernetBench.run(space, batch, steps, memorySteps, memoryBatch,
          reference != null ? ofaSource : null, System.err);
      return print(spec, report);
    }
  }

  @Command(name = "fine-tune-rank", mixinStandardHelpOptions = true, description = {
      "Kendall tau between subnets' test top-1 with inherited weights and after fine-tuning each alone from",
      "them (smallest, largest, then random subnets)."})
  static final class FineTuneRank implements Callable<Integer> {
    @Mixin ComputeDeviceOption computeDevice;

    @Option(names = "--supernet", required = true, description = "trained supernet folder")
    Path supernet;

    @Option(names = "--subnets", defaultValue = "20", description = "subnets (default ${DEFAULT-VALUE})")
    int subnets;

    @Option(names = "--epochs", defaultValue = "1", description = "fine-tuning epochs per subnet (default "
        + "${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--train-images", description = "fine-tune on a random subset of so many training images "
        + "(default: all)")
    Integer trainImages;

    @Option(names = "--test-images", description = "evaluate on a random subset of so many test images (default: all)")
    Integer testImages;

    @Option(names = "--seed", defaultValue = "1", description = "picks the random subnets and subsets (default "
        + "${DEFAULT-VALUE})")
    long seed;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      var report = io.hilnat.host.bench.FineTuneRankBench.run(supernet, subnets, epochs,
          trainImages == null ? Integer.MAX_VALUE : trainImages, testImages == null ? Integer.MAX_VALUE : testImages,
          seed, System.err);
      return print(spec, report);
    }
  }
}
