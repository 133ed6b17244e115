#!/usr/bin/env python3
"""Summary of scripts/se3t-direct-vs-conservative.sh: NVE energy drift of both force heads (from thermo.csv)
and their stability benchmarks (metrics.json), and an SVG plot of E_tot(t) - E_tot(0) for both heads.
Plain Python (no plotting library): usage se3t_heads_summary.py OUT_DIR PLOT.svg"""
import csv, json, os, sys

out, svg = sys.argv[1], sys.argv[2]
heads = ["conservative", "direct"]
colors = {"conservative": "#1f77b4", "direct": "#d62728"}
series = {}
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

# the plot: E_tot - E_tot(0) against time for both heads
if series:
    W, H, L, R, T, B = 720, 360, 70, 20, 30, 45
    tmax = max(max(t) for t, _ in series.values()) or 1
    ys = [y for _, d in series.values() for y in d]
    ylo, yhi = min(ys + [0]), max(ys + [0])
    if yhi - ylo < 1e-9: yhi = ylo + 1e-9
    X = lambda t: L + (W - L - R) * t / tmax
    Y = lambda y: T + (H - T - B) * (yhi - y) / (yhi - ylo)
    p = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
         f'<rect x="{L}" y="{T}" width="{W-L-R}" height="{H-T-B}" fill="none" stroke="#888"/>',
         f'<line x1="{L}" y1="{Y(0):.1f}" x2="{W-R}" y2="{Y(0):.1f}" stroke="#ccc"/>',
         f'<text x="{W/2}" y="{H-8}" text-anchor="middle">time (ps)</text>',
         f'<text x="14" y="{H/2}" transform="rotate(-90 14 {H/2})" text-anchor="middle">E_tot - E_tot(0) (eV)</text>',
         f'<text x="{W/2}" y="18" text-anchor="middle">SE(3)-Transformer on ethanol, NVE from 500 K: one network, two force heads</text>']
    for k in range(5):
        tv, yv = tmax * k / 4, ylo + (yhi - ylo) * k / 4
        p.append(f'<text x="{X(tv):.1f}" y="{H-B+15}" text-anchor="middle">{tv:.3g}</text>')
        p.append(f'<text x="{L-5}" y="{Y(yv)+4:.1f}" text-anchor="end">{yv:.3g}</text>')
    for i, (h, (t, d)) in enumerate(series.items()):
        step = max(1, len(t) // 1500)
        pts = " ".join(f"{X(a):.1f},{Y(b):.1f}" for a, b in list(zip(t, d))[::step])
        p.append(f'<polyline fill="none" stroke="{colors[h]}" stroke-width="1.2" points="{pts}"/>')
        p.append(f'<text x="{L+10}" y="{T+16+14*i}" fill="{colors[h]}">{h} forces</text>')
    p.append("</svg>")
    os.makedirs(os.path.dirname(svg), exist_ok=True)
    open(svg, "w").write("\n".join(p) + "\n")
    print("plot:", svg)
