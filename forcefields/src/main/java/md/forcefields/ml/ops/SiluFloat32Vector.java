package md.forcefields.ml.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link SiluFloat32} with the Vector API, one float32 vector of a row at a time. */
final class SiluFloat32Vector extends SiluFloat32 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override void rows(float[] y, float[] b, float[] d, int r0, int r1, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f), lo = FloatVector.broadcast(S, -LIMIT), hi = FloatVector.broadcast(S, LIMIT);
        FloatVector round = FloatVector.broadcast(S, ROUND), log2e = FloatVector.broadcast(S, LOG2E);
        FloatVector ln2Hi = FloatVector.broadcast(S, -LN2_HI), ln2Lo = FloatVector.broadcast(S, -LN2_LO);
        int bias = Float.floatToRawIntBits(ROUND) - 127;
        for (int r = r0; r < r1; r++)
            for (int j = 0; j < n; j += L) {
                int i = r * n + j;
                FloatVector v = FloatVector.fromArray(S, y, i).add(FloatVector.fromArray(S, b, j));
                FloatVector x = v.neg().max(lo).min(hi); // e^−v
                FloatVector t = x.fma(log2e, round), k = t.sub(round);
                FloatVector q = k.fma(ln2Hi, x);
                q = k.fma(ln2Lo, q);
                FloatVector p = FloatVector.broadcast(S, TAYLOR[7]);
                for (int c = 6; c >= 0; c--) p = p.fma(q, FloatVector.broadcast(S, TAYLOR[c]));
                IntVector bits = ((IntVector) t.reinterpretAsInts()).sub(bias).lanewise(VectorOperators.LSHL, 23);
                FloatVector e = p.mul(bits.reinterpretAsFloats()), s = one.div(e.add(one));
                v.mul(s).intoArray(y, i);
                s.mul(one.add(v.mul(e.mul(s)))).intoArray(d, i);
            }
    }
}
