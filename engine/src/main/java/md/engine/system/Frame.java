package md.engine.system;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import md.core.Cell;

/**
 * One configuration as read from or written to a structure/trajectory file: atoms, positions (Å),
 * cell, and whatever labels the file carries: energy (eV), forces (eV/Å), velocities (Å/fs) and
 * free per-frame values ({@code info}: numbers, booleans, strings, double[] vectors) in file order.
 * Absent labels are {@code null}. Arrays are xyz-interleaved (3N) and are not copied.
 */
public record Frame(int[] atomicNumbers, double[] positions, Cell cell, Double energyEv, double[] forces,
                    double[] velocities, Map<String, Object> info) {

    public Frame {
        if (positions.length != 3 * atomicNumbers.length)
            throw new IllegalArgumentException("positions must have 3 entries per atom, got " + positions.length + " for " + atomicNumbers.length + " atoms");
        if (forces != null && forces.length != positions.length) throw new IllegalArgumentException("forces must have 3 entries per atom");
        if (velocities != null && velocities.length != positions.length) throw new IllegalArgumentException("velocities must have 3 entries per atom");
        if (cell == null) cell = Cell.NONE;
        info = info == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(info));
    }

    /** A bare structure without labels. */
    public static Frame of(int[] atomicNumbers, double[] positions, Cell cell) {
        return new Frame(atomicNumbers, positions, cell, null, null, null, Map.of());
    }

    public int size() { return atomicNumbers.length; }

    public boolean hasEnergy() { return energyEv != null; }

    public Frame withEnergyAndForces(Double energy, double[] newForces) {
        return new Frame(atomicNumbers, positions, cell, energy, newForces, velocities, info);
    }

    public Frame withVelocities(double[] newVelocities) {
        return new Frame(atomicNumbers, positions, cell, energyEv, forces, newVelocities, info);
    }

    public Frame withInfo(Map<String, Object> newInfo) {
        return new Frame(atomicNumbers, positions, cell, energyEv, forces, velocities, newInfo);
    }
}
