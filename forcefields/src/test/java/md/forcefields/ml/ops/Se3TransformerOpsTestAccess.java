package md.forcefields.ml.ops;

import java.util.Random;

/** Test helpers of {@link Se3TransformerOpsTest} for tests in other packages. */
public final class Se3TransformerOpsTestAccess {
    private Se3TransformerOpsTestAccess() {}

    /** A random rotation matrix (row-major). */
    public static double[] rotation(Random rng) { return Se3TransformerOpsTest.rotation(rng); }
}
