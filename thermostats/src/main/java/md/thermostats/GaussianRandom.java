package md.thermostats;

import java.util.Arrays;

import org.apache.commons.rng.RestorableUniformRandomProvider;
import org.apache.commons.rng.core.RandomProviderDefaultState;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Standard normal numbers from a seeded xoshiro256++ generator whose state can be saved and restored
 * exactly. The ziggurat sampler keeps no state of its own (unlike Box–Muller, which caches a second
 * number), so the generator's state is the whole state and a restored stream continues bit for bit.
 */
public final class GaussianRandom {
    private static final RandomSource SOURCE = RandomSource.XO_SHI_RO_256_PP;

    private final RestorableUniformRandomProvider rng;
    private final ZigguratSampler.NormalizedGaussian gaussian;

    public GaussianRandom(long seed) {
        this.rng = SOURCE.create(seed);
        this.gaussian = ZigguratSampler.NormalizedGaussian.of(rng);
    }

    public double nextGaussian() { return gaussian.sample(); }

    public byte[] saveState() {
        return ((RandomProviderDefaultState) rng.saveState()).getState();
    }

    public void restoreState(byte[] state) {
        byte[] current = saveState();
        if (state.length != current.length)
            throw new IllegalArgumentException("random-number state has " + state.length + " bytes, expected "
                    + current.length + " (a checkpoint from another generator?)");
        rng.restoreState(new RandomProviderDefaultState(Arrays.copyOf(state, state.length)));
    }
}
