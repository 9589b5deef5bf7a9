#!/usr/bin/env python3
"""Writes letterlag.ipynb (or the path given as the first argument) from the cells below, so the
notebook's source is reviewable as code."""
import sys

import nbformat as nbf

cells = [
    ("md", """# How long do hospital letters take to reach GPs?

This notebook reads letterlag's summary database with `sqlite3`, pandas and matplotlib. It needs
no letter-level data: every figure comes from the stored aggregates. Set `LETTERLAG_DB` to the
database; `notebooks-export/render` runs it against a freshly generated demo database."""),
    ("code", """import os, sqlite3
import pandas as pd
import matplotlib.pyplot as plt

# LETTERLAG_DB, else the database `letterlag demo` makes, else letterlag's own default.
candidates = [os.environ.get("LETTERLAG_DB"), "demo/letterlag-demo.sqlite", "../demo/letterlag-demo.sqlite", "letterlag.sqlite"]
path = next((p for p in candidates if p and os.path.exists(p)), None)
if path is None:
    raise FileNotFoundError("no summary database: set LETTERLAG_DB, or run `letterlag demo` first")
db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
runs = pd.read_sql("SELECT id, as_of, letters, rows_rejected FROM runs ORDER BY id", db)
latest = int(runs.id.max())
runs"""),
    ("md", """## Trusts against the 3–4 day baseline and the contract limits
Dots are medians, bars reach the 90th percentile. The green band is the 3–4 days GPs recall from
forty years ago; the red line is the NHS Standard Contract limit (24 hours for discharge and A&E
letters, 7 days for clinic letters and DNA notices since April 2018)."""),
    ("code", """summary = pd.read_sql("SELECT * FROM latest_summary", db)
limits = {"discharge_summary": 24, "ae_discharge": 24, "clinic_letter": 168, "dna_notification": 168}
types = list(limits)
fig, axes = plt.subplots(len(types), 1, figsize=(9, 3 + 0.25 * len(summary) ), constrained_layout=True)
for ax, t in zip(axes, types):
    d = summary[summary.letter_type == t].sort_values("p50_hours")
    y = range(len(d))
    ax.axvspan(72, 96, color="#cfe8cf", label="3–4 days")
    ax.axvline(limits[t], color="#c0392b", linestyle="--", label="contract limit")
    ax.hlines(y, d.p50_hours, d.p90_hours, color="#7f8c8d", linewidth=3, label="to p90")
    ax.plot(d.p50_hours, y, "o", color="#1f4e79", label="median")
    ax.set_yticks(list(y), d.trust_code)
    ax.set_xscale("log")
    ax.set_title(t.replace("_", " "))
    ax.set_xlabel("hours from event to receipt")
axes[0].legend(loc="lower right", fontsize=8)
plt.show()"""),
    ("md", "## Compliance league table\nRank 1 is the best compliance with the contract limit within each letter type."),
    ("code", """league = pd.read_sql(
    "SELECT letter_type, rank, trust_code, letters, within_limit_pct, p50_hours FROM compliance_league ORDER BY letter_type, rank", db)
league.round(1)"""),
    ("md", "## Weekly trends of the least compliant trusts (clinic letters)"),
    ("code", """worst = league[league.letter_type == "clinic_letter"].sort_values("rank").tail(5).trust_code.tolist()
weekly = pd.read_sql(
    "SELECT trust_code, week_start, p50_hours, within_limit_pct FROM weekly_trend "
    "WHERE run_id = ? AND letter_type = 'clinic_letter' ORDER BY week_start", db, params=(latest,))
weekly["week_start"] = pd.to_datetime(weekly.week_start)
fig, ax = plt.subplots(figsize=(9, 4))
ax.axhspan(72, 96, color="#cfe8cf", label="3–4 days")
for trust in worst:
    w = weekly[weekly.trust_code == trust]
    ax.plot(w.week_start, w.p50_hours, label=trust)
ax.set_ylabel("median hours")
ax.legend(fontsize=8)
plt.show()"""),
    ("md", """## Two runs compared
Compliance and medians of the latest run against the one before. `letterlag compare` adds flags
for changes larger than chance."""),
    ("code", """if len(runs) < 2:
    print("Only one run is stored; ingest another extract to compare runs.")
else:
    before, after = int(runs.id.iloc[-2]), latest
    q = "SELECT trust_code, letter_type, p50_hours, within_limit_pct FROM summary WHERE run_id = ?"
    both = pd.read_sql(q, db, params=(before,)).merge(
        pd.read_sql(q, db, params=(after,)), on=["trust_code", "letter_type"], suffixes=("_before", "_after"))
    both["compliance_change"] = both.within_limit_pct_after - both.within_limit_pct_before
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.scatter(both.within_limit_pct_before, both.within_limit_pct_after, s=12)
    ax.plot([0, 100], [0, 100], color="#999", linewidth=1)
    ax.set_xlabel(f"within limit %, run {before}")
    ax.set_ylabel(f"within limit %, run {after}")
    plt.show()
    display(both.sort_values("compliance_change").head(10).round(1))"""),
    ("md", """## A rolling 13 weeks, from the stored histograms
No stored column holds a median over 13 weeks: it needs the letters of all 13 weeks together.
letterlag's SQLite extension merges the weekly histograms in SQL (`hist_merge` as a window
function) and takes the nearest-rank median of the merged letters (`hist_quantile`), exactly as
`letterlag report` would. `scripts/build-sqlite-extension` builds it and prints its path;
`LETTERLAG_SQLITE_EXTENSION` names it here. Loading needs a Python whose `sqlite3` has
`enable_load_extension` (Debian's `python3` has; pyenv's builds often do not). Provisional
weeks, whose letters are not all in or overdue, are drawn hollow: their figures can still change."""),
    ("code", """extension = os.environ.get("LETTERLAG_SQLITE_EXTENSION", "../.build/release/libletterlag_sqlite.so")
if not hasattr(db, "enable_load_extension"):
    raise RuntimeError("this Python's sqlite3 cannot load extensions; use /usr/bin/python3 or a venv made from it")
db.enable_load_extension(True)
db.load_extension(extension)
db.enable_load_extension(False)
rolling = pd.read_sql('''
    SELECT trust_code, week_start, complete,
           hist_count(hist_merge(delay_hist) OVER last13) AS letters_13w,
           hist_quantile(hist_merge(delay_hist) OVER last13, 0.5) / 3600.0 AS p50_hours_13w
    FROM weekly WHERE run_id = ? AND letter_type = 'clinic_letter'
    WINDOW last13 AS (PARTITION BY trust_code ORDER BY week_start ROWS BETWEEN 12 PRECEDING AND CURRENT ROW)
    ORDER BY trust_code, week_start''', db, params=(latest,))
rolling["week_start"] = pd.to_datetime(rolling.week_start)
fig, ax = plt.subplots(figsize=(9, 4))
ax.axhspan(72, 96, color="#cfe8cf", label="3–4 days")
for trust in worst:
    r = rolling[rolling.trust_code == trust]
    line, = ax.plot(r.week_start, r.p50_hours_13w, label=trust)
    provisional = r[r.complete == 0]
    ax.plot(provisional.week_start, provisional.p50_hours_13w, "o", mfc="white", color=line.get_color())
ax.set_ylabel("median hours, last 13 weeks")
ax.legend(fontsize=8)
plt.show()
rolling.groupby("trust_code").tail(1).round(1)"""),
]

nb = nbf.v4.new_notebook()
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nb.cells = [nbf.v4.new_markdown_cell(src) if kind == "md" else nbf.v4.new_code_cell(src) for kind, src in cells]
nbf.write(nb, sys.argv[1] if len(sys.argv) > 1 else "letterlag.ipynb")
