package md.tests;

/**
 * {@link NequipRepeatabilityChecks} on two worker threads: alone, not beside another test class (pom.xml runs two
 * at a time; three busy threads on two cores make it 3–5× slower).
 */
@org.junit.jupiter.api.parallel.Isolated
class NequipRepeatabilityTwoThreadsTest extends NequipRepeatabilityChecks {
    @Override int threads() { return 2; }
}
