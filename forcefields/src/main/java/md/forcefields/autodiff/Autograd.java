package md.forcefields.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation over the graph recorded by {@link Tensor} ops.
 *
 * <p>{@link #grad} walks the graph from the output in reverse topological order and applies each op's
 * vector–Jacobian product. Those products are ordinary tensor ops: with {@code createGraph = true} they
 * are recorded like any forward computation, so the returned gradients can be differentiated again
 * (forces F = −∂E/∂R, then ∂loss(F)/∂θ); with {@code createGraph = false} recording is off and the
 * gradients are plain constants.
 */
public final class Autograd {
    private Autograd() {}

    private static final Tensor[] NO_INPUTS = new Tensor[0];

    /** Gradients of a scalar output, no graph of the gradients. */
    public static Tensor[] grad(Tensor output, Tensor... inputs) {
        return grad(output, inputs, null, false);
    }

    /**
     * Gradients of {@code <output, gradOutput>} with respect to each input (leaves or intermediate
     * tensors of the graph). {@code gradOutput} may be null for a one-element output (then 1).
     * An input the output does not depend on gets zeros.
     */
    public static Tensor[] grad(Tensor output, Tensor[] inputs, Tensor gradOutput, boolean createGraph) {
        if (gradOutput == null) {
            if (output.numel() != 1)
                throw new IllegalArgumentException("grad of a non-scalar output " + Shapes.str(output.shape) + " needs gradOutput");
            gradOutput = Tensor.ones(output.shape);
        } else if (!Arrays.equals(gradOutput.shape, output.shape)) {
            throw new IllegalArgumentException("gradOutput shape " + Shapes.str(gradOutput.shape) + " differs from output shape " + Shapes.str(output.shape));
        }
        Set<Tensor> targets = Collections.newSetFromMap(new IdentityHashMap<>());
        targets.addAll(Arrays.asList(inputs));
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        if (output.requiresGrad()) {
            List<Tensor> order = relevantNodes(output, targets);
            grads.put(output, gradOutput);
            Set<Tensor> relevant = Collections.newSetFromMap(new IdentityHashMap<>());
            relevant.addAll(order);
            relevant.addAll(targets);
            Map<GradFn.SplitGroup, Tensor[]> splitGrads = new IdentityHashMap<>();
            Map<Tensor, List<GradFn.SplitGroup>> splitsOf = new IdentityHashMap<>();
            // Sums this walk allocated and nobody else holds yet: without a graph (plain constants) further
            // contributions are added into them in place instead of into a fresh array per contribution.
            Set<Tensor> sums = createGraph ? null : Collections.newSetFromMap(new IdentityHashMap<>());
            try (GradMode.Scope s = GradMode.set(createGraph)) {
                // one node per call: the walk's loop stays small for C2 (with the body inline, each of its several
                // on-stack-replacement compilations inlined every backward and took up to 1.2 s)
                for (int k = order.size() - 1; k >= 0; k--) backwardNode(order.get(k), targets, grads, relevant, splitGrads, splitsOf, sums);
            }
        }
        Tensor[] out = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor g = grads.get(inputs[i]);
            out[i] = g != null ? g : Tensor.zeros(inputs[i].shape);
        }
        return out;
    }

    /** Hands node t's gradient on to its inputs (or, for a piece of a split, to its split group): one step of {@link #grad}. */
    private static void backwardNode(Tensor t, Set<Tensor> targets, Map<Tensor, Tensor> grads, Set<Tensor> relevant,
                                     Map<GradFn.SplitGroup, Tensor[]> splitGrads, Map<Tensor, List<GradFn.SplitGroup>> splitsOf, Set<Tensor> sums) {
        // Every piece of a split comes before its source in this order: pass their gradients on at once.
        for (GradFn.SplitGroup group : splitsOf.getOrDefault(t, List.of())) {
            Tensor joined = joinPieces(group, splitGrads.remove(group));
            grads.put(t, accumulate(grads.get(t), joined, sums));
        }
        splitsOf.remove(t);
        Tensor g = targets.contains(t) ? grads.get(t) : grads.remove(t);
        if (g == null || t.gradFn == null) return;
        if (sums != null) sums.remove(g); // handed on (a backward may pass g itself to an input): no longer ours to write
        GradFn.SplitPiece piece = t.gradFn.piece();
        if (piece != null) {
            GradFn.SplitGroup group = piece.group();
            if (relevant.contains(group.source)) {
                if (!splitGrads.containsKey(group)) {
                    splitGrads.put(group, new Tensor[group.pieces.length]);
                    splitsOf.computeIfAbsent(group.source, x -> new ArrayList<>()).add(group);
                }
                splitGrads.get(group)[piece.index()] = g;
            }
            return;
        }
        Tensor[] in = t.gradFn.inputs();
        boolean[] need = new boolean[in.length];
        for (int i = 0; i < in.length; i++) need[i] = in[i] != null && in[i].requiresGrad() && relevant.contains(in[i]);
        Tensor[] gi = t.gradFn.backward().apply(g, need);
        for (int i = 0; i < in.length; i++) {
            if (!need[i] || gi[i] == null) continue;
            if (sums != null && gi[i].fresh && gi[i] != g && gi[i].gradFn == null && once(gi, i)) sums.add(gi[i]); // a new array only this walk holds
            grads.put(in[i], accumulate(grads.get(in[i]), gi[i], sums));
        }
    }

    /**
     * prev + g (g when there is no prev). With {@code sums} (no graph is recorded) the first sum is a fresh tensor
     * remembered there, and later contributions are added into it in place: the same values, in the same order,
     * as a chain of {@link Tensor#add}, without an array per contribution.
     */
    private static Tensor accumulate(Tensor prev, Tensor g, Set<Tensor> sums) {
        if (prev == null) return g;
        if (sums != null && prev != g && Arrays.equals(prev.shape, g.shape)) {
            double[] p = prev.data, q = g.data;
            if (sums.contains(prev)) {
                for (int i = 0; i < p.length; i++) p[i] += q[i];
                sums.remove(g);
                return prev;
            }
            if (sums.contains(g)) { // IEEE addition commutes: the same values as prev + g
                for (int i = 0; i < p.length; i++) q[i] = p[i] + q[i];
                return g;
            }
        }
        Tensor sum = prev.add(g);
        if (sums != null && sum != prev && sum != g) sums.add(sum);
        return sum;
    }

    /** Whether gi[i] is not also another entry of gi (a backward may pass one tensor to several inputs). */
    private static boolean once(Tensor[] gi, int i) {
        for (int j = 0; j < gi.length; j++) if (j != i && gi[j] == gi[i]) return false;
        return true;
    }

    private static Tensor joinPieces(GradFn.SplitGroup group, Tensor[] grads) {
        List<Tensor> parts = new ArrayList<>(grads.length);
        for (int k = 0; k < grads.length; k++) parts.add(grads[k] != null ? grads[k] : Tensor.zeros(group.pieces[k].shape));
        return Tensor.concat(parts, group.axis);
    }

    /**
     * Recorded tensors between the output and the targets (those some target can be reached from), in
     * topological order (inputs before the ops that use them), by an iterative post-order walk.
     */
    private static List<Tensor> relevantNodes(Tensor output, Set<Tensor> targets) {
        Map<Tensor, Boolean> reaches = new IdentityHashMap<>();
        List<Tensor> order = new ArrayList<>();
        // the stack of tensors and, beside it, the next input of each to visit (no boxed pairs per node)
        Tensor[] stack = new Tensor[64];
        int[] nextInput = new int[64];
        int depth = 0;
        stack[depth++] = output;
        while (depth > 0) {
            Tensor t = stack[depth - 1];
            int next = nextInput[depth - 1];
            Tensor[] in = t.gradFn == null ? NO_INPUTS : t.gradFn.inputs();
            if (next == 0 && reaches.containsKey(t)) { stack[--depth] = null; continue; }
            if (next < in.length) {
                nextInput[depth - 1] = next + 1;
                Tensor c = in[next];
                if (c != null && c.requiresGrad() && !reaches.containsKey(c)) {
                    if (depth == stack.length) {
                        stack = Arrays.copyOf(stack, 2 * depth);
                        nextInput = Arrays.copyOf(nextInput, 2 * depth);
                    }
                    stack[depth] = c;
                    nextInput[depth++] = 0;
                }
                continue;
            }
            stack[--depth] = null;
            boolean r = targets.contains(t);
            for (Tensor c : in) if (c != null && Boolean.TRUE.equals(reaches.get(c))) r = true;
            reaches.put(t, r);
            if (r) order.add(t);
        }
        return order;
    }
}
