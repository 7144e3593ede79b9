package io.hilnat.host.job;

import io.hilnat.host.search.Evaluator;
import io.hilnat.host.search.Measurement;
import io.hilnat.host.space.Architecture;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;

/** Times every real evaluation into the run's metrics, tagged by where it ran. */
final class TimedEvaluator implements Evaluator {

  private final Evaluator inner;
  private final Timer timer;

  TimedEvaluator(Evaluator inner, MeterRegistry registry, String kind) {
    this.inner = inner;
    this.timer = Timer.builder("hilnat.search.evaluation").tag("kind", kind).register(registry);
  }

  @Override
  public List<String> provides() {
    return inner.provides();
  }

  @Override
  public List<Measurement> evaluate(Architecture arch) throws Exception {
    long start = System.nanoTime();
    try {
      return inner.evaluate(arch);
    } finally {
      timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  /** A batch counts as one timing per subnet, each its share of the batch's time. */
  @Override
  public void evaluateAll(List<Architecture> archs, Done done) throws Exception {
    long start = System.nanoTime();
    try {
      inner.evaluateAll(archs, done);
    } finally {
      long each = (System.nanoTime() - start) / Math.max(1, archs.size());
      archs.forEach(a -> timer.record(each, java.util.concurrent.TimeUnit.NANOSECONDS));
    }
  }
}
