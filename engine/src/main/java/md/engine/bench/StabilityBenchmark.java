package md.engine.bench;

import md.engine.bench.stability.StabilityBenchmarkRunner;

/**
 * {@code md bench stability}: the MD17 stability benchmark of Fu et al., "Forces are not Enough"
 * (TMLR 2023), with this engine's run loop and analysis. Options: {@code md bench stability --help};
 * protocol, outputs, resume and concurrency: docs/stability.md.
 */
public final class StabilityBenchmark {
    private StabilityBenchmark() {}

    public static int run(String[] args) throws Exception {
        return StabilityBenchmarkRunner.run(args, System.out);
    }
}
