package md.forcefields;

/**
 * What a force field made of member force fields (a sum of terms, an ensemble of models) can offer: the largest
 * member cutoff (its shared neighbour list must hold every member's pairs; +∞ when a member has none), a virial
 * when every member provides one, conservative forces when every member's are, and an element when every member
 * supports it (every member computes over all atoms).
 */
public record MemberCapabilities(double cutoffAngstrom, boolean providesVirial, boolean conservative) {

    public static MemberCapabilities of(ForceField[] members) {
        double rc = 0;
        boolean v = true, c = true;
        for (ForceField f : members) {
            rc = Math.max(rc, f.cutoffAngstrom());
            v &= f.providesVirial();
            c &= f.conservative();
        }
        return new MemberCapabilities(rc, v, c);
    }

    /** Whether every member supports the element. */
    public static boolean allSupport(ForceField[] members, int atomicNumber) {
        for (ForceField f : members) if (!f.supportsElement(atomicNumber)) return false;
        return true;
    }
}
