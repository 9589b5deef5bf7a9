#!/usr/bin/env python3
"""Compares two report CSVs: counts exact, percentiles within 1%, percentages within 0.1 points.

Usage: compare_reports.py OURS.csv THEIRS.csv   (exit 1 on any difference beyond those bounds)
"""
import csv
import sys

COUNTS = ["letters", "received", "outstanding", "due", "within_limit"]
HOURS = ["p50_hours", "p90_hours", "p95_hours", "p99_hours", "max_hours"]
PCTS = ["within_limit_pct", "within_3d_pct", "within_4d_pct"]


def load(path):
    with open(path) as f:
        return {(r["trust_code"], r["letter_type"]): r for r in csv.DictReader(f)}


def main():
    ours, theirs = load(sys.argv[1]), load(sys.argv[2])
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
                if abs(x - y) > 0.01 * y + 0.005:
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
