"""Checks an HDF5 file against the H5MD 1.1 specification and its units module (1.0), with h5py.

Written from the specification text (nongnu.org/h5md: "H5MD format specification version 1.1.0",
modules/units), not from md's writer. Usage: check_h5md_spec.py FILE [ALLOWED_NON_SI_SYMBOL ...]
Prints one line per violation and exits 1 if there is any; prints "OK <frames>" otherwise.
"""
import re
import sys

import h5py
import numpy as np

path = sys.argv[1]
allowed_extra_symbols = set(sys.argv[2:])
problems = []


def bad(msg):
    problems.append(msg)


def is_int(dt):
    return np.issubdtype(dt, np.integer)


def is_float_or_int(dt):
    return np.issubdtype(dt, np.floating) or np.issubdtype(dt, np.integer)


def string_attr(obj, name, scalar=True, where=None):
    """The spec's String[] attributes: a string datatype, scalar dataspace (or rank 1 when scalar=False)."""
    where = where or obj.name
    if name not in obj.attrs:
        bad(f"{where}: attribute '{name}' missing")
        return None
    aid = obj.attrs.get_id(name)
    if h5py.check_string_dtype(aid.dtype) is None:
        bad(f"{where}: attribute '{name}' is not of string datatype ({aid.dtype})")
        return None
    if scalar and aid.shape != ():
        bad(f"{where}: attribute '{name}' must have a scalar dataspace, has shape {aid.shape}")
    v = obj.attrs[name]
    return v.decode() if isinstance(v, bytes) else v


def version_attr(obj, where):
    if "version" not in obj.attrs:
        bad(f"{where}: attribute 'version' missing")
        return None
    aid = obj.attrs.get_id("version")
    if not is_int(aid.dtype) or aid.shape != (2,):
        bad(f"{where}: 'version' must be Integer of rank 1 and size 2, is {aid.dtype} {aid.shape}")
        return None
    return [int(x) for x in obj.attrs["version"]]


# --- units module: unit strings and the "SI" system's symbols ------------------------------------
SI_SYMBOLS = {"m", "Ang", "L", "s", "Hz", "kg", "g", "u", "N", "dyn", "Pa", "bar", "atm", "poise", "J", "cal", "erg",
              "eV", "W", "K", "mol", "A", "C", "V", "cd", "rad", "degree", "pi", "kB", "Nav", "c", "e"}
PREFIXES = ["da", "E", "P", "T", "G", "M", "k", "h", "d", "c", "m", "u", "n", "p", "f", "a"]
NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?([+-][0-9]+)?$")
FACTOR = re.compile(r"^([A-Za-z]+)([+-][1-9][0-9]*)?$")


def known_symbol(sym):
    if sym in SI_SYMBOLS or sym in allowed_extra_symbols:
        return True
    return any(sym.startswith(p) and sym[len(p):] in SI_SYMBOLS for p in PREFIXES)


def check_unit(ds):
    if "unit" not in ds.attrs:
        return
    u = string_attr(ds, "unit")
    if u is None:
        return
    aid = ds.attrs.get_id("unit")
    info = h5py.check_string_dtype(aid.dtype)
    if info.encoding != "ascii":
        bad(f"{ds.name}: unit attribute must use the ASCII character set, uses {info.encoding}")
    factors = u.split(" ")
    seen = set()
    for i, fac in enumerate(factors):
        if NUMBER.match(fac):
            if i != 0:
                bad(f"{ds.name}: unit '{u}': a numeric factor may only come first")
            continue
        m = FACTOR.match(fac)
        if not m:
            bad(f"{ds.name}: unit '{u}': '{fac}' is not a unit symbol with an optional signed, non-zero power")
            continue
        sym = m.group(1)
        if sym in seen:
            bad(f"{ds.name}: unit '{u}': symbol '{sym}' occurs twice")
        seen.add(sym)
        if units_system == "SI" and not known_symbol(sym):
            bad(f"{ds.name}: unit '{u}': '{sym}' is not a symbol of the units module's SI system")


# --- time-dependent elements ----------------------------------------------------------------------
def time_dependent(g, item_rank=None):
    """An H5MD time-dependent element: step, optional time, value[variable][...]; returns the frame count."""
    if "value" not in g or not isinstance(g["value"], h5py.Dataset):
        bad(f"{g.name}: time-dependent element without a 'value' dataset")
        return None
    value = g["value"]
    if item_rank is not None and value.ndim != 1 + item_rank:
        bad(f"{value.name}: rank {value.ndim}, expected {1 + item_rank}")
    if value.maxshape[0] is not None:
        # not demanded by the spec; the [variable] dimension is what lets a writer append frames
        bad(f"{value.name}: first dimension is not extendable (maxshape {value.maxshape})")
    check_unit(value)
    if "step" not in g:
        bad(f"{g.name}: 'step' missing")
        return None
    step = g["step"]
    if not is_int(step.dtype):
        bad(f"{step.name}: must be of Integer type, is {step.dtype}")
    if step.shape == ():
        # fixed step storage: scalar increments (and optional offset attributes)
        if "time" in g and g["time"].shape != ():
            bad(f"{g.name}: scalar step with a non-scalar time")
        return value.shape[0]
    if step.ndim != 1 or step.shape[0] != value.shape[0]:
        bad(f"{step.name}: shape {step.shape} does not match the first dimension of value {value.shape}")
    s = step[()]
    if len(s) > 1 and not np.all(np.diff(s) > 0):
        bad(f"{step.name}: values are not monotonically increasing")
    if "time" in g:
        t = g["time"]
        if not is_float_or_int(t.dtype):
            bad(f"{t.name}: must be Float or Integer, is {t.dtype}")
        if t.shape != step.shape:
            bad(f"{t.name}: shape {t.shape} differs from step {step.shape}")
        tv = t[()]
        if len(tv) > 1 and not np.all(np.diff(tv) > 0):
            bad(f"{t.name}: values are not monotonically increasing")
        check_unit(t)
    return value.shape[0]


with h5py.File(path, "r") as f:
    # --- h5md metadata (mandatory) ---
    units_system = None
    if "h5md" not in f:
        bad("/h5md group missing (the only mandatory root group)")
    else:
        h = f["h5md"]
        v = version_attr(h, "/h5md")
        if v is not None and v != [1, 1]:
            bad(f"/h5md version {v}, expected [1, 1]")
        if "author" not in h:
            bad("/h5md/author group missing")
        else:
            string_attr(h["author"], "name")
            if "email" in h["author"].attrs:
                e = string_attr(h["author"], "email")
                if e is not None and not re.match(r"^[^@ ]+@[^@ ]+\.[^@ ]+$", e):
                    bad(f"/h5md/author email '{e}' is not of the form email@domain.tld")
        if "creator" not in h:
            bad("/h5md/creator group missing")
        else:
            string_attr(h["creator"], "name")
            string_attr(h["creator"], "version")
        if "modules" in h:
            for name, mod in h["modules"].items():
                version_attr(mod, mod.name)
                if name == "units":
                    units_system = string_attr(mod, "system")
    for name in f:
        if name not in ("h5md", "particles", "observables", "connectivity", "parameters"):
            pass  # non-specified groups are allowed

    frames = None
    # --- particles ---
    if "particles" in f:
        for gname, g in f["particles"].items():
            if "box" not in g:
                bad(f"{g.name}: 'box' group missing (required in every particles subgroup)")
                continue
            box = g["box"]
            D = None
            if "dimension" not in box.attrs:
                bad(f"{box.name}: attribute 'dimension' missing")
            else:
                aid = box.attrs.get_id("dimension")
                if not is_int(aid.dtype) or aid.shape != ():
                    bad(f"{box.name}: 'dimension' must be a scalar Integer, is {aid.dtype} {aid.shape}")
                D = int(box.attrs["dimension"])
            boundary = string_attr(box, "boundary", scalar=False)
            if boundary is not None:
                boundary = [b.decode() if isinstance(b, bytes) else b for b in boundary]
                if D is not None and len(boundary) != D:
                    bad(f"{box.name}: 'boundary' has {len(boundary)} entries, dimension is {D}")
                if any(b not in ("periodic", "none") for b in boundary):
                    bad(f"{box.name}: 'boundary' values must be 'periodic' or 'none': {boundary}")
                if "edges" not in box and any(b == "periodic" for b in boundary):
                    bad(f"{box.name}: 'edges' may only be omitted when every boundary is 'none'")
            if "edges" in box:
                e = box["edges"]
                if isinstance(e, h5py.Group):
                    time_dependent(e)
                    r = e["value"].shape[1:]
                    if D is not None and r not in ((D,), (D, D)):
                        bad(f"{e.name}/value: item shape {r}, expected ({D},) or ({D},{D})")
                    if not is_float_or_int(e["value"].dtype):
                        bad(f"{e.name}/value: must be Float or Integer")
                    # box step/time must be hard links to position's
                    if "position" in g:
                        for k in ("step", "time"):
                            if k in e and k in g["position"] and e[k] != g["position"][k]:
                                bad(f"{e.name}/{k} is not a hard link to {g.name}/position/{k}")
                else:
                    if D is not None and e.shape not in ((D,), (D, D)):
                        bad(f"{e.name}: shape {e.shape}, expected ({D},) or ({D},{D})")
                    check_unit(e)
            N = None
            for elem in ("position", "image", "velocity", "force"):
                if elem not in g:
                    continue
                el = g[elem]
                if isinstance(el, h5py.Group):
                    n_frames = time_dependent(el, item_rank=2)
                    value = el["value"]
                    if elem == "position":
                        frames = n_frames
                else:
                    value = el
                    check_unit(value)
                shape = value.shape[-2:]
                if not is_float_or_int(value.dtype):
                    bad(f"{value.name}: must be Float or Integer, is {value.dtype}")
                if D is not None and shape[1] != D:
                    bad(f"{value.name}: last dimension {shape[1]}, expected D={D}")
                if N is None:
                    N = shape[0]
                elif shape[0] != N:
                    bad(f"{value.name}: {shape[0]} particles, others have {N}")
            if "image" in g and "position" not in g:
                bad(f"{g.name}: 'image' present without 'position'")
            for elem, check in (("species", lambda dt: is_int(dt) or h5py.check_enum_dtype(dt) is not None),
                                ("mass", lambda dt: np.issubdtype(dt, np.floating)),
                                ("id", is_int), ("charge", is_float_or_int)):
                if elem not in g:
                    continue
                el = g[elem]
                ds = el["value"] if isinstance(el, h5py.Group) else el
                if isinstance(el, h5py.Group):
                    time_dependent(el, item_rank=1)
                else:
                    check_unit(ds)
                if not check(ds.dtype):
                    bad(f"{ds.name}: datatype {ds.dtype} not allowed for '{elem}'")
                if N is not None and ds.shape[-1] != N:
                    bad(f"{ds.name}: {ds.shape[-1]} particles, position has {N}")
    # --- observables ---
    if "observables" in f:
        def visit(group):
            for name, o in group.items():
                if isinstance(o, h5py.Dataset):
                    check_unit(o)
                elif "value" in o:
                    time_dependent(o)
                else:
                    visit(o)  # a subgroup of observables
        visit(f["observables"])

for p in problems:
    print(p)
if problems:
    sys.exit(1)
print("OK", frames)
