"""Replays, with h5py alone, what MDAnalysis' H5MDReader (MDAnalysis/coordinates/H5MD.py, 2.x) demands of a
file when a Universe loads it with the default convert_units=True. MDAnalysis itself is not installed here;
each check names the reader's behaviour it mirrors. Usage: check_mdanalysis_conventions.py FILE
Prints "OK <frames> <atoms>" or one line per problem (exit 1).
"""
import sys

import h5py
import numpy as np

# MDAnalysis H5MDReader._unit_translation (the keys are the H5MD unit strings it accepts)
UNITS = {
    "time": {"ps", "fs", "ns", "second", "sec", "s", "AKMA"},
    "length": {"Angstrom", "angstrom", "A", "nm", "pm", "fm"},
    "velocity": {"Angstrom ps-1", "A ps-1", "Angstrom fs-1", "A fs-1", "Angstrom AKMA-1", "A AKMA-1",
                 "nm ps-1", "nm ns-1", "pm ps-1", "m s-1"},
    "force": {"kJ mol-1 Angstrom-1", "kJ mol-1 nm-1", "Newton", "N", "J m-1", "kcal mol-1 Angstrom-1",
              "kcal mol-1 A-1"},
}
problems = []

with h5py.File(sys.argv[1], "r") as f:
    # open_trajectory(): the particle group is the first key of /particles
    pg = f["particles"][list(f["particles"])[0]]
    # __init__: box/dimension must be 3
    if pg["box"].attrs["dimension"] != 3:
        problems.append("box dimension is not 3")
    has = {name: name in pg for name in ("position", "velocity", "force")}
    if not any(has.values()):
        problems.append("no position, velocity or force group (NoDataError)")
    first = next(n for n in has if has[n])
    n_atoms = pg[first]["value"].shape[1]
    n_frames = pg[first]["value"].shape[0]
    # _translate_h5md_units: attrs['unit'] is looked up in a dict of str keys; a bytes value (fixed-length
    # string read by h5py) is not found and raises RuntimeError; a missing unit with convert_units=True
    # raises ValueError (_check_units)
    for name, kind in (("position", "length"), ("velocity", "velocity"), ("force", "force")):
        if not has[name]:
            continue
        attrs = pg[name]["value"].attrs
        if "unit" not in attrs:
            problems.append(f"{name}/value has no unit (ValueError with convert_units=True)")
        elif not isinstance(attrs["unit"], str) or attrs["unit"] not in UNITS[kind]:
            problems.append(f"{name}/value unit {attrs['unit']!r} is not an MDAnalysis {kind} unit (RuntimeError)")
    tattrs = pg[first]["time"].attrs
    if "unit" not in tattrs:
        problems.append(f"{first}/time has no unit (ValueError with convert_units=True)")
    elif not isinstance(tattrs["unit"], str) or tattrs["unit"] not in UNITS["time"]:
        problems.append(f"{first}/time unit {tattrs['unit']!r} is not an MDAnalysis time unit (RuntimeError)")
    if "edges" in pg["box"] and not has["position"]:
        if pg["box/edges/value"].attrs.get("unit") not in UNITS["length"]:
            problems.append("box/edges/value unit not an MDAnalysis length unit")
    edges = pg["box"].get("edges")
    if isinstance(edges, h5py.Dataset):
        problems.append("box/edges is a dataset: MDAnalysis reads box/edges/value[frame] (a time-dependent element), KeyError")
        edges = None
    for frame in range(n_frames):
        # _read_frame: step[frame] of the first element must index
        _ = pg[first]["step"][frame]
        # _copy_to_data: every observables/<key>/value[frame], and <first>/time[frame]
        if "observables" in f:
            for key in f["observables"].keys():
                _ = f["observables"][key]["value"][frame]
        _ = pg[first]["time"][frame]
        # box: ts._unitcell (3x3, triclinic rows) [:] = box/edges/value[frame, :]
        if edges is not None:
            cell = np.zeros((3, 3), dtype=np.float32)
            cell[:] = pg["box/edges/value"][frame, :]
            if pg["box/edges/value"].shape[1:] != (3, 3):
                problems.append(f"box/edges/value item shape {pg['box/edges/value'].shape[1:]}: MDAnalysis takes the rows "
                                "of a 3x3 matrix as cell vectors (a 3-vector would be broadcast into every row)")
                break
        for name in has:
            if has[name] and pg[name]["value"][frame, :].shape != (n_atoms, 3):
                problems.append(f"{name} frame {frame} has shape {pg[name]['value'][frame, :].shape}")

for p in problems:
    print(p)
if problems:
    sys.exit(1)
print("OK", n_frames, n_atoms)
