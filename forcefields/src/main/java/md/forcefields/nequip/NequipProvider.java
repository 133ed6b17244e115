package md.forcefields.nequip;

import md.forcefields.ml.potential.LearnedPotentialProvider;

/**
 * {@code forcefield: {type: nequip, model: FILE}}: the learned-potential provider under the name NequIP
 * users know (model files from {@code md import nequip} or {@code md train}, and older {@code .nqp} files).
 */
public final class NequipProvider extends LearnedPotentialProvider {
    @Override public String type() { return "nequip"; }

    @Override public String description() { return "NequIP equivariant neural network potential (model file from 'md import nequip' or 'md train')"; }
}
