"""Writes the structure-format test files under engine/src/test/resources/structures/formats/
with ASE (Debian python3-ase 3.22.1), so the Java tests need no ASE at run time:

    /usr/bin/python3 scripts/reference/make_structure_formats.py

For every format two Atoms are written: a triclinic periodic crystal and an isolated molecule, and next
to each file an extended XYZ that ASE wrote of the same Atoms (`<name>.ref.extxyz`: the independent
reference the Java readers are compared with). Files whose reader rotates the cell (LAMMPS, PDB, CIF:
cell from lengths/angles or the LAMMPS prism) use a crystal already in that standard orientation
(a along x, b in the xy plane), so the reference is the same Atoms."""
import os
import numpy as np
from ase import Atoms
from ase.build import molecule
from ase.geometry import cellpar_to_cell
from ase.io import write

out = os.path.join(os.path.dirname(__file__), '..', '..', 'engine', 'src', 'test', 'resources', 'structures', 'formats')
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)

# A triclinic cell in the standard orientation (lower triangular), four atoms, two elements.
std_cell = cellpar_to_cell([4.1, 4.7, 5.3, 80.0, 95.0, 110.0])
frac = np.array([[0.0, 0.0, 0.0], [0.5, 0.1, 0.3], [0.25, 0.6, 0.7], [0.8, 0.35, 0.15]])
crystal_std = Atoms('MgOSiO', scaled_positions=frac, cell=std_cell, pbc=True)
crystal_std.set_velocities(rng.normal(scale=0.01, size=(4, 3)))        # Å/fs (ASE velocities are Å per ASE time unit; see below)

# The same crystal rotated to a general orientation (full 3x3 lattice matrix), for POSCAR.
theta = 0.4
rot = np.array([[np.cos(theta), -np.sin(theta), 0.0], [np.sin(theta), np.cos(theta), 0.0], [0.0, 0.0, 1.0]])
rot = rot @ np.array([[1.0, 0.0, 0.0], [0.0, np.cos(0.3), -np.sin(0.3)], [0.0, np.sin(0.3), np.cos(0.3)]])
crystal_gen = Atoms('MgOSiO', scaled_positions=frac, cell=std_cell @ rot.T, pbc=True)
crystal_gen.set_velocities(rng.normal(scale=0.01, size=(4, 3)))

mol = molecule('CH3CH2OH')      # ethanol, no cell
mol.set_velocities(rng.normal(scale=0.01, size=(len(mol), 3)))

def ref(name, atoms):
    write(os.path.join(out, name + '.ref.extxyz'), atoms, format='extxyz')

# --- VASP POSCAR (VASP 5, species line). ASE 3.22 writes no velocities.
write(os.path.join(out, 'crystal.POSCAR'), crystal_gen, format='vasp', direct=True)
ref('crystal.POSCAR', crystal_gen)
# VASP 4 (no species line): the reader needs the `species` key
write(os.path.join(out, 'crystal-vasp4.vasp'), crystal_gen, format='vasp', direct=True, vasp5=False)
# Selective dynamics (ASE writes it for a FixAtoms constraint)
from ase.constraints import FixAtoms
fixed = crystal_gen.copy(); fixed.set_constraint(FixAtoms(indices=[0, 2]))
write(os.path.join(out, 'crystal-selective.vasp'), fixed, format='vasp', direct=True, vasp5=True)
# CONTCAR with a velocity block: ASE 3.22 writes none, so append one as VASP does (blank line, then
# Cartesian velocities in Å/fs); ASE's velocity unit is Å per ASE time unit, Å/fs = that * units.fs.
from ase import units
write(os.path.join(out, 'CONTCAR'), fixed, format='vasp', direct=True, vasp5=True)
with open(os.path.join(out, 'CONTCAR'), 'a') as f:
    f.write('\n')
    for v in crystal_gen.get_velocities() * units.fs:
        f.write('  %.16e  %.16e  %.16e\n' % tuple(v))
write(os.path.join(out, 'crystal-cartesian.vasp'), crystal_gen, format='vasp', direct=False, vasp5=True)
# a molecule in a box: POSCAR always has a cell; the reference keeps it (pbc True, as VASP assumes)
mol_boxed = mol.copy(); mol_boxed.set_cell([10.0, 11.0, 12.0]); mol_boxed.center(); mol_boxed.pbc = True
write(os.path.join(out, 'molecule.vasp'), mol_boxed, format='vasp', vasp5=True, direct=False)
ref('molecule.vasp', mol_boxed)

def add_masses(path, order):
    # ASE 3.22 writes no Masses section; add one (ASE's masses, as newer ASE writes it) before Atoms so
    # the reader can map types to elements by mass. crystal-atomic.data keeps ASE's output untouched
    # (types are then mapped with the reader's `species` key).
    from ase.data import atomic_masses, atomic_numbers
    text = open(path).read()
    masses = ''.join('%d %.8g\n' % (i + 1, atomic_masses[atomic_numbers[el]]) for i, el in enumerate(order))
    text = text.replace('\n\nAtoms', '\n\nMasses\n\n' + masses + '\nAtoms', 1)
    open(path, 'w').write(text)

def strip_path(path):
    # ASE puts the absolute file name in the LAMMPS header comment; keep only the base name
    text = open(path).read().split('\n', 1)
    open(path, 'w').write(os.path.basename(path) + ' (written by ASE 3.22)\n' + text[1])

# --- LAMMPS data, atom_style atomic and full, units metal, with velocities (ASE converts Å/(ASE time) -> Å/ps).
write(os.path.join(out, 'crystal-atomic.data'), crystal_std, format='lammps-data', atom_style='atomic',
      velocities=True, units='metal', specorder=['Mg', 'O', 'Si'])
write(os.path.join(out, 'crystal-full.data'), crystal_std, format='lammps-data', atom_style='full',
      velocities=True, units='metal', specorder=['Mg', 'O', 'Si'])
ref('crystal-lammps', crystal_std)
for name in ['crystal-atomic.data', 'crystal-full.data']:
    strip_path(os.path.join(out, name))
add_masses(os.path.join(out, 'crystal-full.data'), ['Mg', 'O', 'Si'])
mol_lmp = mol.copy(); mol_lmp.set_cell([10.0, 11.0, 12.0]); mol_lmp.center(); mol_lmp.pbc = True
write(os.path.join(out, 'molecule-full.data'), mol_lmp, format='lammps-data', atom_style='full',
      velocities=True, units='metal', specorder=['C', 'O', 'H'])
add_masses(os.path.join(out, 'molecule-full.data'), ['C', 'O', 'H'])
strip_path(os.path.join(out, 'molecule-full.data'))
ref('molecule-lammps', mol_lmp)

# --- PDB: a crystal (CRYST1) and a molecule, two MODELs (the second displaced).
write(os.path.join(out, 'crystal.pdb'), crystal_std, format='proteindatabank')
ref('crystal.pdb', crystal_std)
mol2 = mol.copy(); mol2.positions += 0.05 * rng.normal(size=mol2.positions.shape)
write(os.path.join(out, 'molecule.pdb'), [mol, mol2], format='proteindatabank')
write(os.path.join(out, 'molecule.pdb.ref.extxyz'), [mol, mol2], format='extxyz')

# --- CIF (P1 as ASE writes it).
write(os.path.join(out, 'crystal.cif'), crystal_std, format='cif')
ref('crystal.cif', crystal_std)
mol_cif = mol.copy(); mol_cif.set_cell(cellpar_to_cell([10.0, 11.0, 12.0, 90, 90, 90])); mol_cif.center(); mol_cif.pbc = True
write(os.path.join(out, 'molecule.cif'), mol_cif, format='cif')
ref('molecule.cif', mol_cif)

# --- an argon crystal for the end-to-end md run test (Lennard-Jones on a POSCAR)
from ase.build import bulk
argon = bulk('Ar', 'fcc', a=5.26, cubic=True).repeat((3, 3, 3))
write(os.path.join(out, 'POSCAR-argon'), argon, format='vasp', direct=True, vasp5=True)
