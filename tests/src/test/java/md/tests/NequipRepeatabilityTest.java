package md.tests;

/** {@link NequipRepeatabilityChecks} on one worker thread (beside other test classes). */
class NequipRepeatabilityTest extends NequipRepeatabilityChecks {
    @Override int threads() { return 1; }
}
