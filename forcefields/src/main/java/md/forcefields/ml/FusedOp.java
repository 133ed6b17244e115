package md.forcefields.ml;

import java.util.List;

import md.forcefields.autodiff.Tensor;
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

    /** Training differentiates the separate ops: the fused kernels are for the MD step only. */
    @Override default Tensor tape(Graph graph, Tensor... inputs) { return unfused(new TapeOn(graph), List.of(inputs)); }

    /** The ops' differentiable tapes on one graph (no parameters or edge vectors of its own). */
    final class TapeOn extends Ops<Tensor> {
        private final Graph graph;
        TapeOn(Graph graph) { this.graph = graph; }
        @Override protected Tensor applyOp(Op op, List<Tensor> inputs) { return op.tape(graph, inputs.toArray(new Tensor[0])); }
        @Override public Tensor parameter(String name) { throw new UnsupportedOperationException(); }
        @Override public Tensor edgeVectors() { throw new UnsupportedOperationException(); }
        @Override public Shape shape(Tensor value) { throw new UnsupportedOperationException("fused ops give widths explicitly"); }
    }
}
