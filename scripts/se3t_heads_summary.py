#!/usr/bin/env python3
"""Summary of scripts/se3t-direct-vs-conservative.sh: NVE energy drift of both force heads (from thermo.csv)
and their stability benchmarks (metrics.json), and an SVG plot of E_tot(t) - E_tot(0) for both heads.
Plain Python (no plotting library): usage se3t_heads_summary.py OUT_DIR PLOT.svg"""
import csv, json, os, sys

out, svg = sys.argv[1], sys.argv[2]
heads = ["conservative", "direct"]
colors = {"conservative": "#1f77b4", "direct": "#d62728"}
series = {}
work = {}  # head -> nonconservative_work_eV per thermo row
print("NVE, rMD17 ethanol test frame 0, 500 K Maxwell-Boltzmann, velocity Verlet 0.5 fs, up to 20 ps")
for h in heads:
    f = os.path.join(out, f"nve-{h}", "thermo.csv")
    if not os.path.exists(f):
        print(f"  {h}: no run"); continue
    rows = list(csv.DictReader(open(f)))
    t = [float(r["time_ps"]) for r in rows]
    e = [float(r["etot_eV"]) for r in rows]
    de = [x - e[0] for x in e]
    n = len(t)
    mt, me = sum(t) / n, sum(de) / n
    slope = sum((a - mt) * (b - me) for a, b in zip(t, de)) / max(sum((a - mt) ** 2 for a in t), 1e-300)
    rc = open(os.path.join(out, f"nve-{h}", ".finished")).read().strip() if os.path.exists(os.path.join(out, f"nve-{h}", ".finished")) else "?"
    line = (f"  {h:12s}: {t[-1]:.2f} ps{' (stopped: molecule fell apart)' if rc == '4' else ''}; "
            f"max |E_tot - E_tot(0)| {max(abs(x) for x in de):.4g} eV, linear drift {slope:.4g} eV/ps, "
            f"final T {float(rows[-1]['temperature_K']):.0f} K")
    if "nonconservative_work_eV" in rows[0]:
        w = [float(r["nonconservative_work_eV"]) for r in rows]
        work[h] = w
        line += f", nonconservative work at the end {w[-1]:.4g} eV, max |E_tot - W_nc - const| {max(abs(x - y) for x, y in zip(de, w)):.3g} eV"
    print(line)
    series[h] = (t, de)

print("md bench stability (Fu et al.: 500 K Nose-Hoover, 0.5 fs, bond criterion 0.5 A)")
for h in heads:
    f = os.path.join(out, f"stability-{h}", "metrics.json")
    if not os.path.exists(f):
        print(f"  {h}: no benchmark"); continue
    m = json.load(open(f))
    tb = m["table"]
    runs = ", ".join(f"{r['stability_ps']:.2f}" for r in m["runs"])
    print(f"  {h:12s}: force MAE {tb['force_mae_meV_per_A']:.2f} meV/A on {tb['force_test_frames']} test frames; "
          f"stability {tb['stability_ps_mean']:.2f} +- {tb['stability_ps_std']:.2f} ps of {m['protocol']['run_length_ps']:g} ps "
          f"(runs: {runs}); h(r) MAE {tb['hr_mae_mean']:.3f} +- {tb['hr_mae_std']:.3f}; {tb['fps_mean']:.0f} steps/s")

# the plot, two panels: (top) E_tot - E_tot(0) of both heads on one scale; (bottom) a zoom on what is small: the
# conservative head's E_tot - E_tot(0) and the direct head's E_tot - W_nc - E_tot(0) (energy minus the work of
# the non-conservative force part, which the integrator should keep constant).
def panel(p, top, height, curves, title, W=720, L=80, R=20):
    ts = [x for t, _, _ in curves for x in t]
    ys = [y for _, d, _ in curves for y in d]
    tmax = max(ts) or 1
    ylo, yhi = min(ys + [0]), max(ys + [0])
    if yhi - ylo < 1e-9: yhi = ylo + 1e-9
    X = lambda t: L + (W - L - R) * t / tmax
    Y = lambda y: top + height * (yhi - y) / (yhi - ylo)
    p.append(f'<rect x="{L}" y="{top}" width="{W-L-R}" height="{height}" fill="none" stroke="#888"/>')
    p.append(f'<line x1="{L}" y1="{Y(0):.1f}" x2="{W-R}" y2="{Y(0):.1f}" stroke="#ccc"/>')
    p.append(f'<text x="{W/2}" y="{top-6}" text-anchor="middle">{title}</text>')
    for k in range(5):
        tv, yv = tmax * k / 4, ylo + (yhi - ylo) * k / 4
        p.append(f'<text x="{X(tv):.1f}" y="{top+height+15}" text-anchor="middle">{tv:.3g}</text>')
        p.append(f'<text x="{L-5}" y="{Y(yv)+4:.1f}" text-anchor="end">{yv:.3g}</text>')
    for i, (t, d, (label, color)) in enumerate(curves):
        step = max(1, len(t) // 1500)
        pts = " ".join(f"{X(a):.1f},{Y(b):.1f}" for a, b in list(zip(t, d))[::step])
        p.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.2" points="{pts}"/>')
        p.append(f'<text x="{L+10}" y="{top+16+14*i}" fill="{color}">{label}</text>')

if series:
    W, H = 720, 640
    p = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<text x="{W/2}" y="16" text-anchor="middle" font-weight="bold">SE(3)-Transformer on ethanol, NVE from 500 K, velocity Verlet 0.5 fs: one network, two force heads</text>',
         f'<text x="{W/2}" y="{H-6}" text-anchor="middle">time (ps)</text>',
         f'<text x="14" y="{H/2}" transform="rotate(-90 14 {H/2})" text-anchor="middle">energy (eV)</text>']
    top = [(t, d, (f"{h} forces: E_tot - E_tot(0)", colors[h])) for h, (t, d) in series.items()]
    panel(p, 44, 240, top, "E_tot - E_tot(0), both heads on one scale")
    zoom = []
    if "conservative" in series:
        t, d = series["conservative"]
        zoom.append((t, d, ("conservative forces: E_tot - E_tot(0)", colors["conservative"])))
    if "direct" in work:
        t, d = series["direct"]
        zoom.append((t, [a - b for a, b in zip(d, work["direct"])], ("direct forces: E_tot - W_nc - E_tot(0)", "#ff7f0e")))
    if zoom:
        panel(p, 340, 260, zoom, "zoom: conservative drift, and the direct head's energy minus its non-conservative work")
    p.append("</svg>")
    os.makedirs(os.path.dirname(svg), exist_ok=True)
    open(svg, "w").write("\n".join(p) + "\n")
    print("plot:", svg)

# The thermostat's view (md bench stability runs): mean temperature and the conserved quantity's drift, i.e. the
# heat the Nose-Hoover thermostat removes per ps (for direct forces: the work the non-conservative part puts in).
print("Nose-Hoover runs: mean T, and drift of conserved_eV (heat the thermostat removes, eV/ps for the molecule)")
for h in heads:
    runs = sorted(d for d in (os.listdir(os.path.join(out, f"stability-{h}")) if os.path.isdir(os.path.join(out, f"stability-{h}")) else []) if d.startswith("run-"))
    for r in runs:
        f = os.path.join(out, f"stability-{h}", r, "analysis", "metrics.json")
        if not os.path.exists(f): continue
        m = json.load(open(f))
        th = m["thermo"]
        print(f"  {h:12s} {r}: T {th['temperature_mean_K']:.1f} +- {th['temperature_std_K']:.1f} K, "
              f"conserved-energy drift {th['energy_drift_eV_per_atom_per_ps'] * m['trajectory']['atoms']:.4g} eV/ps")

# h(r) of the runs against the reference (normalised histograms of all interatomic distances, 500 bins on
# (0, 10] A as md analyze and the benchmark's get_hr; computed here with NumPy from the files, independently of md).
hr_svg = sys.argv[3] if len(sys.argv) > 3 else None
if hr_svg:
    import numpy as np
    def distances(frames):
        x = np.asarray(frames)
        i, j = np.triu_indices(x.shape[1], 1)
        return np.linalg.norm(x[:, i] - x[:, j], axis=-1).ravel()
    def extxyz_positions(path):
        frames, lines = [], open(path).read().split("\n")
        k = 0
        while k < len(lines) and lines[k].strip():
            n = int(lines[k]); frames.append([[float(v) for v in l.split()[1:4]] for l in lines[k + 2:k + 2 + n]]); k += n + 2
        return frames
    edges = np.linspace(1e-6, 10, 501)
    centers = 0.5 * (edges[1:] + edges[:-1])
    curves = []
    ref = None
    for h in heads:
        f = os.path.join(out, f"stability-{h}", "metrics.json")
        if not os.path.exists(f): continue
        m = json.load(open(f))
        if ref is None:
            ref = np.histogram(distances(np.load(m["reference"]["file"])["coords"]), edges, density=True)[0]
            curves.append((centers, ref, (f"reference ({m['reference']['frames']} rMD17 frames)", "#444444")))
        d = np.concatenate([distances(extxyz_positions(os.path.join(out, f"stability-{h}", r, "trajectory.extxyz")))
                            for r in sorted(os.listdir(os.path.join(out, f"stability-{h}"))) if r.startswith("run-")])
        hist = np.histogram(d, edges, density=True)[0]
        mae = 10 * np.mean(np.abs(hist - ref))
        print(f"  h(r) of all {h} runs together vs reference (NumPy, this script): MAE {mae:.3f}")
        curves.append((centers, hist, (f"{h} forces, {m['table']['runs']} runs (MAE {mae:.3f})", colors[h])))
    if curves:
        W, H = 720, 380
        p = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
             f'<rect width="{W}" height="{H}" fill="white"/>',
             f'<text x="{W/2}" y="{H-6}" text-anchor="middle">r (A)</text>',
             f'<text x="14" y="{H/2}" transform="rotate(-90 14 {H/2})" text-anchor="middle">h(r)</text>']
        cut = centers <= 5
        panel(p, 40, 290, [(list(t[cut]), list(y[cut]), lab) for t, y, lab in curves],
              "h(r) of ethanol at 500 K (Nose-Hoover, 0.5 fs) with each force head vs rMD17")
        p.append("</svg>")
        open(hr_svg, "w").write("\n".join(p) + "\n")
        print("plot:", hr_svg)
