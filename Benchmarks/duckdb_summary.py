#!/usr/bin/env python3
"""The same per trust x letter type summary as `letterlag report --format csv`, computed by DuckDB.

Usage: duckdb_summary.py EXTRACT [--threads N] [--as-of 'YYYY-MM-DD HH:MM:SS' (UTC)] [--by specialty|channel|practice|week]
    [--clock-skew MINUTES]
With --by, one row per trust x letter type x that column, as `letterlag report --by`; for practice,
the practice view: per practice x letter type, '(all)', each trust that sent it at least 8 letters
of the type, and '(other)' for the rest (docs/product.md, "Breakdowns"); for week, the ISO week of the
event's date (`2024-W07`), as `letterlag trend --format csv` gives it.
A receipt up to --clock-skew minutes (5) before its sending counts as delivered at sending (delivery 0,
delay as stamped); an earlier one is set aside, as letterlag does (docs/product.md, "Clocks that disagree").
Canonical columns, timestamps as 'YYYY-MM-DD HH:MM:SS' Europe/London, optionally with +hh:mm.
Contract limits are the NHS Standard Contract defaults. Used to cross-check figures and as a speed peer.
"""
import argparse
import sys

import duckdb

LIMIT_SQL = """
CASE
  WHEN ev_day < DATE '2016-04-01' THEN NULL
  WHEN letter_type IN ('discharge_summary', 'ae_discharge') THEN 86400
  WHEN ev_day < DATE '2017-04-01' THEN 14 * 86400
  WHEN ev_day < DATE '2018-04-01' THEN 10 * 86400
  ELSE 7 * 86400
END
"""


def instant(column):
    # docs/product.md: a local time in the repeated October hour takes the earlier offset (BST);
    # DuckDB's ICU takes the later one (GMT), so that hour is converted by hand.
    local = f"strptime({column}, '%Y-%m-%d %H:%M:%S')"
    return f"""CASE WHEN {column} IS NULL OR {column} = '' THEN NULL
        WHEN length({column}) > 19 THEN epoch(strptime({column}, '%Y-%m-%d %H:%M:%S%z'))
        WHEN substr({column}, 6, 2) = '10' AND substr({column}, 12, 2) = '01' AND dayofweek({local}) = 0
             AND day({local}) >= 25 THEN epoch({local}) - 3600
        ELSE epoch(timezone('Europe/London', {local})) END"""


# Each trust that sent the practice fewer than 8 letters of the type goes to '(other)'.
PRACTICE_VIEW = """
  SELECT CASE WHEN count(*) OVER (PARTITION BY trust_code, letter_type, dim) >= 8 THEN trust_code ELSE '(other)' END
           AS trust_code, letter_type, dim, ev, se, rec, ev_day
  FROM t0
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("extract")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--as-of")
    ap.add_argument("--by", choices=["specialty", "channel", "practice", "week"])
    ap.add_argument("--clock-skew", type=float, default=5)
    a = ap.parse_args()
    by = {"specialty": "specialty_code", "channel": "channel", "practice": "practice_code", "week": "week"}.get(a.by)
    # An empty or unknown channel is 'unknown', as letterlag stores it.
    by_expr = ("CASE WHEN lower(channel) IN ('electronic', 'post', 'email') THEN lower(channel) ELSE 'unknown' END"
               if by == "channel" else
               "strftime(CAST(strptime(substr(event_at, 1, 10), '%Y-%m-%d') AS DATE), '%G-W%V')" if by == "week" else by)
    con = duckdb.connect()
    con.execute(f"SET threads = {a.threads}")
    con.execute("SET TimeZone = 'UTC'")
    as_of = f"epoch(TIMESTAMPTZ '{a.as_of}+00')" if a.as_of else "(SELECT max(greatest(ev, coalesce(se, ev), coalesce(rec, ev))) FROM t)"
    sql = f"""
    WITH raw AS (SELECT * FROM read_csv('{a.extract}', all_varchar = true, header = true)),
    t0 AS (
      SELECT trust_code, letter_type, {f"{by_expr} AS dim," if by else ""} {instant('event_at')} AS ev, {instant('sent_at')} AS se,
             {instant('received_at')} AS rec, CAST(strptime(substr(event_at, 1, 10), '%Y-%m-%d') AS DATE) AS ev_day
      FROM raw
      WHERE NOT coalesce({instant('received_at')} < {instant('sent_at')} - {a.clock_skew * 60}, false)
    ),
    t AS ({PRACTICE_VIEW if a.by == "practice" else "SELECT * FROM t0"}),
    a AS (SELECT {as_of} AS as_of),
    d AS (SELECT t.*, rec - ev AS delay, {LIMIT_SQL} AS lim, a.as_of FROM t, a)
    SELECT trust_code, letter_type, {"dim," if by else ""} count(*) AS letters, count(rec) AS received, count(*) - count(rec) AS outstanding,
      quantile_disc(delay, 0.5) / 3600 AS p50_hours, quantile_disc(delay, 0.9) / 3600 AS p90_hours,
      quantile_disc(delay, 0.95) / 3600 AS p95_hours, quantile_disc(delay, 0.99) / 3600 AS p99_hours,
      max(delay) / 3600 AS max_hours,
      count(*) FILTER (WHERE lim IS NOT NULL AND (rec IS NOT NULL OR ev + lim <= as_of)) AS due,
      count(*) FILTER (WHERE lim IS NOT NULL AND rec IS NOT NULL AND delay <= lim) AS within_limit,
      100.0 * count(*) FILTER (WHERE rec IS NOT NULL AND delay <= 3 * 86400)
        / nullif(count(*) FILTER (WHERE rec IS NOT NULL OR ev + 3 * 86400 <= as_of), 0) AS within_3d_pct,
      100.0 * count(*) FILTER (WHERE rec IS NOT NULL AND delay <= 4 * 86400)
        / nullif(count(*) FILTER (WHERE rec IS NOT NULL OR ev + 4 * 86400 <= as_of), 0) AS within_4d_pct,
      quantile_disc(se - ev, 0.5) / 3600, quantile_disc(se - ev, 0.9) / 3600,
      quantile_disc(CASE WHEN rec < se THEN 0 ELSE rec - se END, 0.5) / 3600,
      quantile_disc(CASE WHEN rec < se THEN 0 ELSE rec - se END, 0.9) / 3600,
      count(*) FILTER (WHERE se IS NOT NULL AND rec IS NULL) AS in_transit
    FROM d GROUP BY {"GROUPING SETS ((trust_code, letter_type, dim), (letter_type, dim))" if a.by == "practice" else "ALL"}
    ORDER BY ALL
    """
    rows = con.execute(sql).fetchall()
    if a.by == "practice":
        # The grouping set without the trust is the practice's whole.
        rows = [("(all)",) + tuple(r[1:]) if r[0] is None else r for r in rows]
    out = sys.stdout
    out.write("trust_code,letter_type," + (f"{by}," if by else "")
              + "letters,received,outstanding,p50_hours,p90_hours,p95_hours,p99_hours,max_hours,"
              "due,within_limit,within_limit_pct,within_3d_pct,within_4d_pct,"
              "writing_p50_hours,writing_p90_hours,delivery_p50_hours,delivery_p90_hours,in_transit\n")
    fmt = lambda v: "" if v is None else f"{v:.2f}"
    fine = lambda v: "" if v is None else f"{v:.4f}"
    for r in rows:
        key = list(r[:3] if by else r[:2])
        (letters, received, outstanding, p50, p90, p95, p99, mx, due, within, w3, w4, w50, w90, d50, d90, transit) = r[len(key):]
        pct = 100.0 * within / due if due else None
        # Hours to four decimals, as letterlag writes every delay (docs/commands.md).
        out.write(",".join(key + [str(letters), str(received), str(outstanding), fine(p50), fine(p90), fine(p95),
                                  fine(p99), fine(mx), str(due), str(within), fmt(pct), fmt(w3), fmt(w4),
                                  fine(w50), fine(w90), fine(d50), fine(d90), str(transit)]) + "\n")


if __name__ == "__main__":
    main()
