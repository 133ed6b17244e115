package md.engine.config;

/**
 * The {@code velocities} section: Maxwell–Boltzmann velocities at {@code temperatureK} from {@code seed}.
 * When the section is absent, velocities come from the structure file (or are zero).
 */
public record VelocitiesConfig(double temperatureK, long seed, boolean removeCom, boolean removeRotation, ConfigNode node) {}
