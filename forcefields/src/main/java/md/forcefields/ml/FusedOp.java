package md.forcefields.ml;

import java.util.List;

import md.forcefields.ml.ops.Ops;

/**
 * An op that fuses a sequence of other ops into one kernel for speed (e.g. a linear layer with its bias,
 * or attention messages). {@link #unfused} is the same function from the separate ops: an executor
 * without a kernel for the fused op (an accelerator backend) traces those instead, so it runs exactly what
 * it ran before the fusion existed.
 */
public interface FusedOp extends Op {
    /** This op's result from the separate ops, on any executor. */
    <T> T unfused(Ops<T> ops, List<T> inputs);
}
