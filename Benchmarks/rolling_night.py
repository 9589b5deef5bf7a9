#!/usr/bin/env python3
"""One night's rolling snapshot cut from a longer extract, as a trust's nightly export would be.

Usage: rolling_night.py LONG_EXTRACT OUT.csv.gz --as-of 'YYYY-MM-DD HH:MM:SS' [--days 365]
Keeps the letters whose event falls in the DAYS before the as-of time, and blanks each sent_at and
received_at that is after it: the letter was not yet sent or received that night. Timestamps are
compared as 'YYYY-MM-DD HH:MM:SS' Europe/London text, as `letterlag generate` writes them.
"""
import argparse
import datetime

import duckdb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("extract")
    ap.add_argument("output")
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    as_of = datetime.datetime.strptime(a.as_of, "%Y-%m-%d %H:%M:%S")
    start = (as_of - datetime.timedelta(days=a.days)).strftime("%Y-%m-%d %H:%M:%S")
    con = duckdb.connect()
    con.execute(f"SET threads = {a.threads}")
    con.execute("SET preserve_insertion_order = true")
    con.execute(f"""
    COPY (
      SELECT letter_id, trust_code, site_code, practice_code, specialty_code, letter_type, event_at,
             CASE WHEN sent_at <= '{a.as_of}' THEN sent_at END AS sent_at,
             CASE WHEN received_at <= '{a.as_of}' THEN received_at END AS received_at,
             channel
      FROM read_csv('{a.extract}', all_varchar = true, header = true)
      WHERE event_at >= '{start}' AND event_at < '{a.as_of}'
    ) TO '{a.output}' (HEADER, COMPRESSION gzip)
    """)


if __name__ == "__main__":
    main()
