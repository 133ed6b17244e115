package md.forcefields.nequip;

import java.nio.file.Path;

import md.core.SharedData;

/** Locates the reference NequIP fixture in ../shared/data; tests skip when it is absent. */
public final class NequipReference {
    private NequipReference() {}

    /** A file below shared/data, or a skipped test when it is not there. */
    public static Path require(String relative) { return SharedData.require(relative); }

    /** A file of the aspirin-l2 fixture. */
    public static Path aspirin(String file) { return require("nequip-reference/aspirin-l2/" + file); }
}
