#!/bin/bash
# Nights of a rolling national extract, each pruned to the last 7 runs: the database's size night
# by night and each ingest's time and peak memory.
#
# Usage: Benchmarks/nights.sh LONG_EXTRACT [NIGHTS]   (in a scratch folder; writes nights.sqlite, night.csv.gz)
# LONG_EXTRACT spans more than a year, e.g. `letterlag generate --rows 11000000 --trusts 210 --seed 7
# --start 2024-01-01 --days 400`: night i is its 365 days before 2025-01-01 06:00 + i days
# (Benchmarks/rolling_night.py). LETTERLAG names the binary (default: this checkout's release build).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PY=$HERE/.venv/bin/python
LL=${LETTERLAG:-$HERE/../.build/release/letterlag}
LONG=$1
NIGHTS=${2:-14}
rm -f nights.sqlite*
for i in $(seq 0 $((NIGHTS - 1))); do
  d=$(date -u -d "2025-01-01 + $i days" +%F)
  "$PY" "$HERE/rolling_night.py" "$LONG" night.csv.gz --as-of "$d 06:00:00"
  /usr/bin/time -f "%e s %M KB" -o time.txt "$LL" ingest night.csv.gz --db nights.sqlite --as-of "$d 06:00:00" --quiet
  ingested=$(stat -c %s nights.sqlite)
  "$LL" prune --db nights.sqlite --keep-last 7 --format csv > /dev/null
  echo "night $i ($d): ingest $(cat time.txt); file $ingested bytes after the ingest, $(stat -c %s nights.sqlite) after the prune"
done
