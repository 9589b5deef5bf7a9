#!/usr/bin/env python3
"""Compares two report CSVs: counts exact, percentiles within 1%, percentages within 0.1 points.

Usage: compare_reports.py OURS.csv THEIRS.csv [--key COLUMN]   (exit 1 on any difference beyond those bounds)
The rows are keyed by trust and letter type, and by --key's column too for a breakdown.
"""
import csv
import sys

COUNTS = ["letters", "received", "outstanding", "due", "within_limit", "in_transit"]
HOURS = ["p50_hours", "p90_hours", "p95_hours", "p99_hours", "max_hours",
         "writing_p50_hours", "writing_p90_hours", "delivery_p50_hours", "delivery_p90_hours"]
PCTS = ["within_limit_pct", "within_3d_pct", "within_4d_pct"]


def load(path, key):
    with open(path) as f:
        return {(r["trust_code"], r["letter_type"]) + ((r[key],) if key else ()): r for r in csv.DictReader(f)}


def main():
    key = sys.argv[sys.argv.index("--key") + 1] if "--key" in sys.argv else None
    ours, theirs = load(sys.argv[1], key), load(sys.argv[2], key)
    problems = []
    if ours.keys() != theirs.keys():
        problems.append(f"row keys differ: {sorted(ours.keys() ^ theirs.keys())[:5]}")
    worst = 0.0
    for key in ours.keys() & theirs.keys():
        a, b = ours[key], theirs[key]
        for c in COUNTS:
            if a[c] != b[c]:
                problems.append(f"{key} {c}: {a[c]} vs {b[c]}")
        for c in HOURS:
            if (a[c] == "") != (b[c] == ""):
                problems.append(f"{key} {c}: '{a[c]}' vs '{b[c]}'")
            elif a[c]:
                x, y = float(a[c]), float(b[c])
                rel = abs(x - y) / y if y else abs(x - y)
                worst = max(worst, rel)
                # 1%, and the rounding of the decimals shown.
                decimals = len(b[c].split(".")[1]) if "." in b[c] else 0
                if abs(x - y) > 0.01 * y + 0.5 * 10 ** -min(decimals, len(a[c].split(".")[1]) if "." in a[c] else 0):
                    problems.append(f"{key} {c}: {x} vs {y}")
        for c in PCTS:
            if (a[c] == "") != (b[c] == "") or (a[c] and abs(float(a[c]) - float(b[c])) > 0.1):
                problems.append(f"{key} {c}: '{a[c]}' vs '{b[c]}'")
    print(f"{len(ours)} rows compared; worst percentile relative difference {worst * 100:.3f}%; {len(problems)} problems")
    for p in problems[:20]:
        print("  " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
