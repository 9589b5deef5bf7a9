import Foundation
import GRDB

/// The summary database's schema: migrations in order, each frozen once released, since
/// analysts' saved queries name the tables, views and columns they made (docs/schema.md).
/// New figures arrive as added columns and views; nothing existing is renamed or moved.
enum SummarySchema {
    /// The last migration: a database without it must be migrated before it is read.
    static let latest = "v13: breakdowns stored compactly"

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    as_of TEXT NOT NULL,
                    as_of_source TEXT NOT NULL CHECK (as_of_source IN ('extract', 'argument')),
                    delay_to TEXT NOT NULL CHECK (delay_to IN ('received', 'sent')),
                    started_at TEXT NOT NULL,
                    finished_at TEXT NOT NULL,
                    files INTEGER NOT NULL,
                    bytes INTEGER NOT NULL,
                    rows_read INTEGER NOT NULL,
                    letters INTEGER NOT NULL,
                    rows_rejected INTEGER NOT NULL,
                    trusts INTEGER NOT NULL,
                    elapsed_seconds REAL NOT NULL,
                    limits_json TEXT NOT NULL,
                    tool_version TEXT NOT NULL
                );
                CREATE TABLE run_files (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    path TEXT NOT NULL,
                    bytes INTEGER NOT NULL,
                    rows_read INTEGER NOT NULL,
                    rows_rejected INTEGER NOT NULL
                );
                CREATE TABLE rejects (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    reason TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (run_id, reason)
                );
                CREATE TABLE reject_examples (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    reason TEXT NOT NULL,
                    file TEXT NOT NULL,
                    line INTEGER NOT NULL
                );
                CREATE TABLE weekly (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    trust_code TEXT NOT NULL,
                    letter_type TEXT NOT NULL,
                    week TEXT NOT NULL,
                    week_start TEXT NOT NULL,
                    letters INTEGER NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_hours REAL, p90_hours REAL, p95_hours REAL, p99_hours REAL, max_hours REAL,
                    oldest_outstanding_hours REAL,
                    delay_hist BLOB NOT NULL,
                    outstanding_hist BLOB NOT NULL,
                    PRIMARY KEY (run_id, trust_code, letter_type, week_start)
                ) WITHOUT ROWID;
                CREATE TABLE summary (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    trust_code TEXT NOT NULL,
                    letter_type TEXT NOT NULL,
                    letters INTEGER NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_hours REAL, p90_hours REAL, p95_hours REAL, p99_hours REAL, max_hours REAL,
                    oldest_outstanding_hours REAL,
                    within_limit_pct REAL, within_3d_pct REAL, within_4d_pct REAL, p50_vs_baseline REAL,
                    PRIMARY KEY (run_id, trust_code, letter_type)
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v2: content keys") { db in
            try db.execute(sql: """
                ALTER TABLE run_files ADD COLUMN content_key TEXT;
                CREATE INDEX run_files_content ON run_files(content_key);
                """)
        }
        m.registerMigration("v3: analyst views") { db in
            try db.execute(sql: """
                CREATE VIEW latest_summary AS
                    SELECT s.*, r.as_of, r.delay_to FROM summary s JOIN runs r ON r.id = s.run_id
                    WHERE s.run_id = (SELECT max(id) FROM runs);
                CREATE VIEW weekly_trend AS
                    SELECT run_id, trust_code, letter_type, week, week_start, letters, received, outstanding, due, within_limit,
                           p50_hours, p90_hours, p95_hours, p99_hours, max_hours, oldest_outstanding_hours,
                           100.0 * within_limit / nullif(due, 0) AS within_limit_pct,
                           100.0 * within_3d / nullif(due_3d, 0) AS within_3d_pct,
                           100.0 * within_4d / nullif(due_4d, 0) AS within_4d_pct,
                           p50_hours / 84.0 AS p50_vs_baseline
                    FROM weekly;
                CREATE VIEW compliance_league AS
                    SELECT letter_type, trust_code, letters, due, within_limit, within_limit_pct, p50_hours,
                           rank() OVER (PARTITION BY letter_type ORDER BY within_limit_pct DESC) AS rank
                    FROM latest_summary WHERE due > 0;
                CREATE VIEW baseline_comparison AS
                    SELECT trust_code, letter_type, letters, p50_hours, p50_vs_baseline, p50_hours - 84.0 AS hours_over_baseline,
                           within_3d_pct, within_4d_pct, within_limit_pct
                    FROM latest_summary;
                """)
        }
        m.registerMigration("v4: censoring-aware median") { db in
            try db.execute(sql: """
                ALTER TABLE weekly ADD COLUMN km_p50_hours REAL;
                ALTER TABLE summary ADD COLUMN km_p50_hours REAL;
                """)
        }
        m.registerMigration("v5: working days") { db in
            try db.execute(sql: """
                ALTER TABLE weekly ADD COLUMN p50_working_days REAL;
                ALTER TABLE weekly ADD COLUMN working_days_hist BLOB;
                ALTER TABLE summary ADD COLUMN p50_working_days REAL;
                """)
        }
        m.registerMigration("v6: weekly as a rowid table") { db in
            // Weekly cells arrive from ingest in partition order, not key order; a rowid table
            // appends them and keeps the key in a small index, where the clustered WITHOUT ROWID
            // table split pages all over its whole size on every run.
            try db.execute(sql: """
                DROP VIEW weekly_trend;
                CREATE TABLE weekly_v6 (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    trust_code TEXT NOT NULL,
                    letter_type TEXT NOT NULL,
                    week TEXT NOT NULL,
                    week_start TEXT NOT NULL,
                    letters INTEGER NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_hours REAL, p90_hours REAL, p95_hours REAL, p99_hours REAL, max_hours REAL,
                    oldest_outstanding_hours REAL,
                    delay_hist BLOB NOT NULL,
                    outstanding_hist BLOB NOT NULL,
                    km_p50_hours REAL,
                    p50_working_days REAL,
                    working_days_hist BLOB,
                    PRIMARY KEY (run_id, trust_code, letter_type, week_start)
                );
                INSERT INTO weekly_v6 SELECT * FROM weekly;
                DROP TABLE weekly;
                ALTER TABLE weekly_v6 RENAME TO weekly;
                CREATE VIEW weekly_trend AS
                    SELECT run_id, trust_code, letter_type, week, week_start, letters, received, outstanding, due, within_limit,
                           p50_hours, p90_hours, p95_hours, p99_hours, max_hours, oldest_outstanding_hours,
                           100.0 * within_limit / nullif(due, 0) AS within_limit_pct,
                           100.0 * within_3d / nullif(due_3d, 0) AS within_3d_pct,
                           100.0 * within_4d / nullif(due_4d, 0) AS within_4d_pct,
                           p50_hours / 84.0 AS p50_vs_baseline
                    FROM weekly;
                """)
        }
        m.registerMigration("v7: complete periods") { db in
            try db.execute(sql: """
                ALTER TABLE weekly ADD COLUMN complete INTEGER CHECK (complete IN (0, 1));
                UPDATE weekly SET complete = 1 WHERE outstanding = 0;
                DROP VIEW weekly_trend;
                CREATE VIEW weekly_trend AS
                    SELECT run_id, trust_code, letter_type, week, week_start, letters, received, outstanding, due, within_limit,
                           p50_hours, p90_hours, p95_hours, p99_hours, max_hours, oldest_outstanding_hours,
                           100.0 * within_limit / nullif(due, 0) AS within_limit_pct,
                           100.0 * within_3d / nullif(due_3d, 0) AS within_3d_pct,
                           100.0 * within_4d / nullif(due_4d, 0) AS within_4d_pct,
                           p50_hours / 84.0 AS p50_vs_baseline,
                           km_p50_hours, complete
                    FROM weekly;
                """)
            try backfillCompleteness(db)
        }
        m.registerMigration("v8: stages and breakdowns") { db in
            // Frozen as it first ran: the stage columns, and the breakdown tables keyed as v8 keyed
            // them (the practice table by practice first; v9 keys it by trust).
            try db.execute(sql: """
                ALTER TABLE weekly ADD COLUMN sent INTEGER;
                ALTER TABLE weekly ADD COLUMN delivered INTEGER;
                ALTER TABLE weekly ADD COLUMN in_transit INTEGER;
                ALTER TABLE weekly ADD COLUMN writing_due INTEGER;
                ALTER TABLE weekly ADD COLUMN writing_within_limit INTEGER;
                ALTER TABLE weekly ADD COLUMN writing_p50_hours REAL;
                ALTER TABLE weekly ADD COLUMN writing_p90_hours REAL;
                ALTER TABLE weekly ADD COLUMN delivery_p50_hours REAL;
                ALTER TABLE weekly ADD COLUMN delivery_p90_hours REAL;
                ALTER TABLE weekly ADD COLUMN oldest_in_transit_hours REAL;
                ALTER TABLE weekly ADD COLUMN writing_hist BLOB;
                ALTER TABLE weekly ADD COLUMN delivery_hist BLOB;
                ALTER TABLE summary ADD COLUMN sent INTEGER;
                ALTER TABLE summary ADD COLUMN delivered INTEGER;
                ALTER TABLE summary ADD COLUMN in_transit INTEGER;
                ALTER TABLE summary ADD COLUMN writing_due INTEGER;
                ALTER TABLE summary ADD COLUMN writing_within_limit INTEGER;
                ALTER TABLE summary ADD COLUMN writing_p50_hours REAL;
                ALTER TABLE summary ADD COLUMN writing_p90_hours REAL;
                ALTER TABLE summary ADD COLUMN delivery_p50_hours REAL;
                ALTER TABLE summary ADD COLUMN delivery_p90_hours REAL;
                ALTER TABLE summary ADD COLUMN oldest_in_transit_hours REAL;
                ALTER TABLE summary ADD COLUMN writing_within_limit_pct REAL;
                DROP VIEW weekly_trend;
                CREATE VIEW weekly_trend AS
                    SELECT run_id, trust_code, letter_type, week, week_start, letters, received, outstanding, due, within_limit,
                           p50_hours, p90_hours, p95_hours, p99_hours, max_hours, oldest_outstanding_hours,
                           100.0 * within_limit / nullif(due, 0) AS within_limit_pct,
                           100.0 * within_3d / nullif(due_3d, 0) AS within_3d_pct,
                           100.0 * within_4d / nullif(due_4d, 0) AS within_4d_pct,
                           p50_hours / 84.0 AS p50_vs_baseline,
                           km_p50_hours, complete,
                           sent, delivered, in_transit, writing_p50_hours, writing_p90_hours, delivery_p50_hours, delivery_p90_hours,
                           oldest_in_transit_hours,
                           100.0 * writing_within_limit / nullif(writing_due, 0) AS writing_within_limit_pct
                    FROM weekly;
                CREATE TABLE by_specialty (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    trust_code TEXT NOT NULL,
                    letter_type TEXT NOT NULL,
                    specialty_code TEXT NOT NULL,
                    letters INTEGER NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_hours REAL,
                    p90_hours REAL,
                    p95_hours REAL,
                    p99_hours REAL,
                    max_hours REAL,
                    oldest_outstanding_hours REAL,
                    km_p50_hours REAL,
                    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
                    sent INTEGER,
                    delivered INTEGER,
                    in_transit INTEGER,
                    writing_due INTEGER,
                    writing_within_limit INTEGER,
                    writing_p50_hours REAL,
                    writing_p90_hours REAL,
                    delivery_p50_hours REAL,
                    delivery_p90_hours REAL,
                    oldest_in_transit_hours REAL,
                    PRIMARY KEY (run_id, trust_code, letter_type, specialty_code)
                ) WITHOUT ROWID;
                CREATE TABLE by_channel (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    trust_code TEXT NOT NULL,
                    letter_type TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    letters INTEGER NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_hours REAL,
                    p90_hours REAL,
                    p95_hours REAL,
                    p99_hours REAL,
                    max_hours REAL,
                    oldest_outstanding_hours REAL,
                    km_p50_hours REAL,
                    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
                    sent INTEGER,
                    delivered INTEGER,
                    in_transit INTEGER,
                    writing_due INTEGER,
                    writing_within_limit INTEGER,
                    writing_p50_hours REAL,
                    writing_p90_hours REAL,
                    delivery_p50_hours REAL,
                    delivery_p90_hours REAL,
                    oldest_in_transit_hours REAL,
                    PRIMARY KEY (run_id, trust_code, letter_type, channel)
                ) WITHOUT ROWID;
                CREATE TABLE by_practice (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    practice_code TEXT NOT NULL,
                    trust_code TEXT NOT NULL,
                    letter_type TEXT NOT NULL,
                    letters INTEGER NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_hours REAL,
                    p90_hours REAL,
                    p95_hours REAL,
                    p99_hours REAL,
                    max_hours REAL,
                    oldest_outstanding_hours REAL,
                    km_p50_hours REAL,
                    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
                    sent INTEGER,
                    delivered INTEGER,
                    in_transit INTEGER,
                    writing_due INTEGER,
                    writing_within_limit INTEGER,
                    writing_p50_hours REAL,
                    writing_p90_hours REAL,
                    delivery_p50_hours REAL,
                    delivery_p90_hours REAL,
                    oldest_in_transit_hours REAL,
                    PRIMARY KEY (run_id, practice_code, trust_code, letter_type)
                ) WITHOUT ROWID;
                CREATE TABLE by_specialty_month (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    trust_code TEXT NOT NULL,
                    letter_type TEXT NOT NULL,
                    month TEXT NOT NULL,
                    specialty_code TEXT NOT NULL,
                    letters INTEGER NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_hours REAL,
                    p90_hours REAL,
                    p95_hours REAL,
                    p99_hours REAL,
                    max_hours REAL,
                    oldest_outstanding_hours REAL,
                    km_p50_hours REAL,
                    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
                    sent INTEGER,
                    delivered INTEGER,
                    in_transit INTEGER,
                    writing_due INTEGER,
                    writing_within_limit INTEGER,
                    writing_p50_hours REAL,
                    writing_p90_hours REAL,
                    delivery_p50_hours REAL,
                    delivery_p90_hours REAL,
                    oldest_in_transit_hours REAL,
                    PRIMARY KEY (run_id, trust_code, letter_type, month, specialty_code)
                ) WITHOUT ROWID;
                CREATE TABLE by_channel_month (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    trust_code TEXT NOT NULL,
                    letter_type TEXT NOT NULL,
                    month TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    letters INTEGER NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_hours REAL,
                    p90_hours REAL,
                    p95_hours REAL,
                    p99_hours REAL,
                    max_hours REAL,
                    oldest_outstanding_hours REAL,
                    km_p50_hours REAL,
                    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
                    sent INTEGER,
                    delivered INTEGER,
                    in_transit INTEGER,
                    writing_due INTEGER,
                    writing_within_limit INTEGER,
                    writing_p50_hours REAL,
                    writing_p90_hours REAL,
                    delivery_p50_hours REAL,
                    delivery_p90_hours REAL,
                    oldest_in_transit_hours REAL,
                    PRIMARY KEY (run_id, trust_code, letter_type, month, channel)
                ) WITHOUT ROWID;
                CREATE TABLE treatment_functions (code TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
                """)
            for (code, name) in TreatmentFunction.names.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "INSERT INTO treatment_functions VALUES (?, ?)", arguments: [CodeShape.specialtyCode(code), name])
            }
        }
        m.registerMigration("v9: practices keyed by trust") { db in
            // A run's practice rows are made trust × type by trust × type: keyed practice first,
            // each went to a page at random, 11 µs a row at 266,000 rows, against 3 µs keyed as
            // they come. An index on the practice cost 5 µs a row more for the same reason, so
            // one practice's rows are a scan of its run's (docs/schema.md, "Breakdowns").
            try db.execute(sql: """
                CREATE TABLE by_practice_v9 (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    practice_code TEXT NOT NULL,
                    trust_code TEXT NOT NULL,
                    letter_type TEXT NOT NULL,
                    letters INTEGER NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_hours REAL,
                    p90_hours REAL,
                    p95_hours REAL,
                    p99_hours REAL,
                    max_hours REAL,
                    oldest_outstanding_hours REAL,
                    km_p50_hours REAL,
                    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
                    sent INTEGER,
                    delivered INTEGER,
                    in_transit INTEGER,
                    writing_due INTEGER,
                    writing_within_limit INTEGER,
                    writing_p50_hours REAL,
                    writing_p90_hours REAL,
                    delivery_p50_hours REAL,
                    delivery_p90_hours REAL,
                    oldest_in_transit_hours REAL,
                    PRIMARY KEY (run_id, trust_code, letter_type, practice_code)
                ) WITHOUT ROWID;
                INSERT INTO by_practice_v9 SELECT * FROM by_practice;
                DROP TABLE by_practice;
                ALTER TABLE by_practice_v9 RENAME TO by_practice;
                """)
        }
        m.registerMigration("v10: the practice view") { db in
            // Practice rows become practice × letter type × trust, with '(all)' and '(other)'
            // (docs/product.md, "Breakdowns"), keyed practice first since they are now made in
            // practice order. Runs stored before keep their trust × practice rows, which cannot
            // be turned into the new ones, in by_practice_v9.
            try db.execute(sql: """
                ALTER TABLE by_practice RENAME TO by_practice_v9;
                CREATE TABLE by_practice (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    practice_code TEXT NOT NULL,
                    letter_type TEXT NOT NULL,
                    trust_code TEXT NOT NULL,
                    letters INTEGER NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_hours REAL,
                    p90_hours REAL,
                    p95_hours REAL,
                    p99_hours REAL,
                    max_hours REAL,
                    oldest_outstanding_hours REAL,
                    km_p50_hours REAL,
                    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
                    sent INTEGER,
                    delivered INTEGER,
                    in_transit INTEGER,
                    writing_due INTEGER,
                    writing_within_limit INTEGER,
                    writing_p50_hours REAL,
                    writing_p90_hours REAL,
                    delivery_p50_hours REAL,
                    delivery_p90_hours REAL,
                    oldest_in_transit_hours REAL,
                    PRIMARY KEY (run_id, practice_code, letter_type, trust_code)
                ) WITHOUT ROWID;
                CREATE TABLE breakdown_omissions (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    breakdown TEXT NOT NULL,
                    trust_code TEXT NOT NULL,
                    letter_type TEXT NOT NULL,
                    distinct_values INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    PRIMARY KEY (run_id, breakdown, trust_code, letter_type)
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v11: history and retention") { db in
            // The history (docs/schema.md, "History") references the rows of the run that covered
            // each period last, rather than copying them; a pruned run keeps only those rows. A run
            // deleted outright (`ingest --replace`, or by hand) gives its periods to the next best run.
            try db.execute(sql: """
                ALTER TABLE runs ADD COLUMN window_start TEXT;
                ALTER TABLE runs ADD COLUMN window_start_source TEXT;
                ALTER TABLE runs ADD COLUMN first_full_week TEXT;
                ALTER TABLE runs ADD COLUMN last_full_week TEXT;
                ALTER TABLE runs ADD COLUMN first_full_month TEXT;
                ALTER TABLE runs ADD COLUMN last_full_month TEXT;
                ALTER TABLE runs ADD COLUMN clock_skew_minutes REAL;
                ALTER TABLE runs ADD COLUMN delivered_at_sending INTEGER;
                ALTER TABLE runs ADD COLUMN pruned_at TEXT;
                ALTER TABLE summary ADD COLUMN delivered_at_sending INTEGER;
                CREATE TABLE history_weeks (
                    trust_code TEXT NOT NULL,
                    letter_type TEXT NOT NULL,
                    week_start TEXT NOT NULL,
                    run_id INTEGER NOT NULL REFERENCES runs(id),
                    partial INTEGER NOT NULL CHECK (partial IN (0, 1)),
                    PRIMARY KEY (trust_code, letter_type, week_start)
                ) WITHOUT ROWID;
                CREATE INDEX history_weeks_run ON history_weeks (run_id, trust_code, letter_type, week_start);
                CREATE TABLE history_months (
                    trust_code TEXT NOT NULL,
                    letter_type TEXT NOT NULL,
                    month TEXT NOT NULL,
                    run_id INTEGER NOT NULL REFERENCES runs(id),
                    partial INTEGER NOT NULL CHECK (partial IN (0, 1)),
                    PRIMARY KEY (trust_code, letter_type, month)
                ) WITHOUT ROWID;
                CREATE INDEX history_months_run ON history_months (run_id, trust_code, letter_type, month);
                CREATE VIEW weekly_history AS
                    SELECT w.*, h.partial FROM history_weeks h
                    JOIN weekly w ON w.run_id = h.run_id AND w.trust_code = h.trust_code AND w.letter_type = h.letter_type
                                 AND w.week_start = h.week_start;
                CREATE VIEW weekly_trend_history AS
                    SELECT t.*, h.partial FROM history_weeks h
                    JOIN weekly_trend t ON t.run_id = h.run_id AND t.trust_code = h.trust_code AND t.letter_type = h.letter_type
                                       AND t.week_start = h.week_start;
                CREATE VIEW specialty_month_history AS
                    SELECT b.*, h.partial FROM history_months h
                    JOIN by_specialty_month b ON b.run_id = h.run_id AND b.trust_code = h.trust_code AND b.letter_type = h.letter_type
                                             AND b.month = h.month;
                CREATE VIEW channel_month_history AS
                    SELECT b.*, h.partial FROM history_months h
                    JOIN by_channel_month b ON b.run_id = h.run_id AND b.trust_code = h.trust_code AND b.letter_type = h.letter_type
                                           AND b.month = h.month;
                CREATE TRIGGER history_after_a_run_is_deleted AFTER DELETE ON runs BEGIN
                    DELETE FROM history_weeks WHERE run_id = OLD.id;
                    INSERT INTO history_weeks (trust_code, letter_type, week_start, run_id, partial)
                    SELECT trust_code, letter_type, week_start, run_id, partial FROM (
                        SELECT w.trust_code, w.letter_type, w.week_start, w.run_id,
                               NOT (w.week_start BETWEEN r.first_full_week AND r.last_full_week) AS partial,
                               row_number() OVER (PARTITION BY w.trust_code, w.letter_type, w.week_start
                                                  ORDER BY w.week_start BETWEEN r.first_full_week AND r.last_full_week DESC,
                                                           r.as_of DESC, r.id DESC) AS rank
                        FROM weekly w JOIN runs r ON r.id = w.run_id
                        WHERE w.run_id <> OLD.id AND NOT EXISTS (
                            SELECT 1 FROM history_weeks h
                            WHERE h.trust_code = w.trust_code AND h.letter_type = w.letter_type AND h.week_start = w.week_start))
                    WHERE rank = 1;
                    DELETE FROM history_months WHERE run_id = OLD.id;
                    INSERT INTO history_months (trust_code, letter_type, month, run_id, partial)
                    SELECT trust_code, letter_type, month, run_id, partial FROM (
                        SELECT c.trust_code, c.letter_type, c.month, c.run_id,
                               NOT (c.month BETWEEN r.first_full_month AND r.last_full_month) AS partial,
                               row_number() OVER (PARTITION BY c.trust_code, c.letter_type, c.month
                                                  ORDER BY c.month BETWEEN r.first_full_month AND r.last_full_month DESC,
                                                           r.as_of DESC, r.id DESC) AS rank
                        FROM (SELECT DISTINCT run_id, trust_code, letter_type, month FROM by_channel_month) c
                        JOIN runs r ON r.id = c.run_id
                        WHERE c.run_id <> OLD.id AND NOT EXISTS (
                            SELECT 1 FROM history_months h
                            WHERE h.trust_code = c.trust_code AND h.letter_type = c.letter_type AND h.month = c.month))
                    WHERE rank = 1;
                END;
                DROP VIEW compliance_league;
                DROP VIEW baseline_comparison;
                DROP VIEW latest_summary;
                CREATE VIEW latest_summary AS
                    SELECT s.*, r.as_of, r.delay_to FROM summary s JOIN runs r ON r.id = s.run_id
                    WHERE s.run_id = (SELECT max(id) FROM runs WHERE pruned_at IS NULL);
                CREATE VIEW compliance_league AS
                    SELECT letter_type, trust_code, letters, due, within_limit, within_limit_pct, p50_hours,
                           rank() OVER (PARTITION BY letter_type ORDER BY within_limit_pct DESC) AS rank
                    FROM latest_summary WHERE due > 0;
                CREATE VIEW baseline_comparison AS
                    SELECT trust_code, letter_type, letters, p50_hours, p50_vs_baseline, p50_hours - 84.0 AS hours_over_baseline,
                           within_3d_pct, within_4d_pct, within_limit_pct
                    FROM latest_summary;
                """)
            try backfillWindows(db)
            // The history of the runs already stored, by the ranking `RunHistory` keeps.
            try db.execute(sql: """
                INSERT INTO history_weeks (trust_code, letter_type, week_start, run_id, partial)
                SELECT trust_code, letter_type, week_start, run_id, partial FROM (
                    SELECT w.trust_code, w.letter_type, w.week_start, w.run_id,
                           NOT (w.week_start BETWEEN r.first_full_week AND r.last_full_week) AS partial,
                           row_number() OVER (PARTITION BY w.trust_code, w.letter_type, w.week_start
                                              ORDER BY w.week_start BETWEEN r.first_full_week AND r.last_full_week DESC,
                                                       r.as_of DESC, r.id DESC) AS rank
                    FROM weekly w JOIN runs r ON r.id = w.run_id)
                WHERE rank = 1;
                INSERT INTO history_months (trust_code, letter_type, month, run_id, partial)
                SELECT trust_code, letter_type, month, run_id, partial FROM (
                    SELECT c.trust_code, c.letter_type, c.month, c.run_id,
                           NOT (c.month BETWEEN r.first_full_month AND r.last_full_month) AS partial,
                           row_number() OVER (PARTITION BY c.trust_code, c.letter_type, c.month
                                              ORDER BY c.month BETWEEN r.first_full_month AND r.last_full_month DESC,
                                                       r.as_of DESC, r.id DESC) AS rank
                    FROM (SELECT DISTINCT run_id, trust_code, letter_type, month FROM by_channel_month) c
                    JOIN runs r ON r.id = c.run_id)
                WHERE rank = 1;
                """)
        }
        m.registerMigration("v12: the practice view by month") { db in
            // The practice view per event month is kept in the history alone (docs/schema.md,
            // "History"): each month's rows are those of the run that ranks highest for it
            // (history_practice_months), and a run that takes a month replaces its rows. The rows
            // carry the counts and the median and 90th percentile only, since a night's run has
            // half a million of them. Runs stored before have none.
            try db.execute(sql: """
                ALTER TABLE runs ADD COLUMN practice_month_letters_left_out INTEGER;
                CREATE TABLE history_practice_months (
                    month TEXT NOT NULL PRIMARY KEY,
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    partial INTEGER NOT NULL CHECK (partial IN (0, 1))
                ) WITHOUT ROWID;
                CREATE INDEX history_practice_months_run ON history_practice_months (run_id);
                CREATE TABLE practice_months (
                    practice_code TEXT NOT NULL,
                    letter_type TEXT NOT NULL,
                    month TEXT NOT NULL,
                    trust_code TEXT NOT NULL,
                    letters INTEGER NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_hours REAL,
                    p90_hours REAL,
                    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
                    PRIMARY KEY (practice_code, letter_type, month, trust_code)
                ) WITHOUT ROWID;
                CREATE TRIGGER practice_months_leave_with_their_run AFTER DELETE ON history_practice_months BEGIN
                    DELETE FROM practice_months WHERE month = OLD.month;
                END;
                CREATE VIEW practice_month_history AS
                    SELECT h.run_id, p.practice_code, p.letter_type, p.month, p.trust_code, p.letters, p.received, p.outstanding,
                           p.due, p.within_limit, p.due_3d, p.within_3d, p.due_4d, p.within_4d, p.p50_hours, p.p90_hours,
                           p.complete, h.partial
                    FROM history_practice_months h JOIN practice_months p ON p.month = h.month;
                """)
        }
        m.registerMigration("v13: breakdowns stored compactly") { db in
            // The breakdown tables and the practice view's months become views of the same names,
            // columns and values over compact stored tables (docs/schema.md, "How breakdowns are
            // stored"): the letter type as its code (letter_types), each hours figure as whole
            // seconds (every one is a histogram bucket's whole-second representative, so
            // seconds / 3600.0 gives back the very value stored before), and letters as received +
            // outstanding, which is what it always was. On a national run they shrink by almost half.
            for table in ["by_specialty", "by_channel", "by_practice", "by_specialty_month", "by_channel_month", "practice_months"] {
                let odd = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM \(table)
                    WHERE letters <> received + outstanding
                       OR letter_type NOT IN ('discharge_summary', 'ae_discharge', 'clinic_letter', 'dna_notification')
                    """) ?? 0
                guard odd == 0 else {
                    throw DatabaseError(resultCode: .SQLITE_CONSTRAINT, message: "\(odd) rows of \(table) have letters other than received + outstanding, or a letter type this letterlag does not know; nothing was migrated")
                }
            }
            try db.execute(sql: """
                CREATE TABLE letter_types (code INTEGER PRIMARY KEY, letter_type TEXT NOT NULL UNIQUE);
                INSERT INTO letter_types VALUES (0, 'discharge_summary'), (1, 'ae_discharge'), (2, 'clinic_letter'), (3, 'dna_notification');
                CREATE TABLE by_specialty_stored (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    trust_code TEXT NOT NULL,
                    letter_type_code INTEGER NOT NULL,
                    specialty_code TEXT NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_seconds INTEGER,
                    p90_seconds INTEGER,
                    p95_seconds INTEGER,
                    p99_seconds INTEGER,
                    max_seconds INTEGER,
                    oldest_outstanding_seconds INTEGER,
                    km_p50_seconds INTEGER,
                    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
                    sent INTEGER,
                    delivered INTEGER,
                    in_transit INTEGER,
                    writing_due INTEGER,
                    writing_within_limit INTEGER,
                    writing_p50_seconds INTEGER,
                    writing_p90_seconds INTEGER,
                    delivery_p50_seconds INTEGER,
                    delivery_p90_seconds INTEGER,
                    oldest_in_transit_seconds INTEGER,
                    PRIMARY KEY (run_id, trust_code, letter_type_code, specialty_code)
                ) WITHOUT ROWID;
                INSERT INTO by_specialty_stored
                    SELECT o.run_id, o.trust_code, t.code, o.specialty_code, o.received, o.outstanding, o.due, o.within_limit,
                           o.due_3d, o.within_3d, o.due_4d, o.within_4d, CAST(round(o.p50_hours * 3600) AS INTEGER),
                           CAST(round(o.p90_hours * 3600) AS INTEGER), CAST(round(o.p95_hours * 3600) AS INTEGER),
                           CAST(round(o.p99_hours * 3600) AS INTEGER), CAST(round(o.max_hours * 3600) AS INTEGER),
                           CAST(round(o.oldest_outstanding_hours * 3600) AS INTEGER),
                           CAST(round(o.km_p50_hours * 3600) AS INTEGER), o.complete, o.sent, o.delivered, o.in_transit,
                           o.writing_due, o.writing_within_limit, CAST(round(o.writing_p50_hours * 3600) AS INTEGER),
                           CAST(round(o.writing_p90_hours * 3600) AS INTEGER),
                           CAST(round(o.delivery_p50_hours * 3600) AS INTEGER),
                           CAST(round(o.delivery_p90_hours * 3600) AS INTEGER),
                           CAST(round(o.oldest_in_transit_hours * 3600) AS INTEGER)
                    FROM by_specialty o LEFT JOIN letter_types t ON t.letter_type = o.letter_type;
                DROP TABLE by_specialty;
                CREATE VIEW by_specialty AS
                    SELECT s.run_id, s.trust_code, t.letter_type, s.specialty_code, s.received + s.outstanding AS letters,
                           s.received, s.outstanding, s.due, s.within_limit, s.due_3d, s.within_3d, s.due_4d, s.within_4d,
                           s.p50_seconds / 3600.0 AS p50_hours, s.p90_seconds / 3600.0 AS p90_hours,
                           s.p95_seconds / 3600.0 AS p95_hours, s.p99_seconds / 3600.0 AS p99_hours,
                           s.max_seconds / 3600.0 AS max_hours,
                           s.oldest_outstanding_seconds / 3600.0 AS oldest_outstanding_hours,
                           s.km_p50_seconds / 3600.0 AS km_p50_hours, s.complete, s.sent, s.delivered, s.in_transit,
                           s.writing_due, s.writing_within_limit, s.writing_p50_seconds / 3600.0 AS writing_p50_hours,
                           s.writing_p90_seconds / 3600.0 AS writing_p90_hours,
                           s.delivery_p50_seconds / 3600.0 AS delivery_p50_hours,
                           s.delivery_p90_seconds / 3600.0 AS delivery_p90_hours,
                           s.oldest_in_transit_seconds / 3600.0 AS oldest_in_transit_hours
                    FROM by_specialty_stored s JOIN letter_types t ON t.code = s.letter_type_code;
                CREATE TABLE by_channel_stored (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    trust_code TEXT NOT NULL,
                    letter_type_code INTEGER NOT NULL,
                    channel TEXT NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_seconds INTEGER,
                    p90_seconds INTEGER,
                    p95_seconds INTEGER,
                    p99_seconds INTEGER,
                    max_seconds INTEGER,
                    oldest_outstanding_seconds INTEGER,
                    km_p50_seconds INTEGER,
                    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
                    sent INTEGER,
                    delivered INTEGER,
                    in_transit INTEGER,
                    writing_due INTEGER,
                    writing_within_limit INTEGER,
                    writing_p50_seconds INTEGER,
                    writing_p90_seconds INTEGER,
                    delivery_p50_seconds INTEGER,
                    delivery_p90_seconds INTEGER,
                    oldest_in_transit_seconds INTEGER,
                    PRIMARY KEY (run_id, trust_code, letter_type_code, channel)
                ) WITHOUT ROWID;
                INSERT INTO by_channel_stored
                    SELECT o.run_id, o.trust_code, t.code, o.channel, o.received, o.outstanding, o.due, o.within_limit,
                           o.due_3d, o.within_3d, o.due_4d, o.within_4d, CAST(round(o.p50_hours * 3600) AS INTEGER),
                           CAST(round(o.p90_hours * 3600) AS INTEGER), CAST(round(o.p95_hours * 3600) AS INTEGER),
                           CAST(round(o.p99_hours * 3600) AS INTEGER), CAST(round(o.max_hours * 3600) AS INTEGER),
                           CAST(round(o.oldest_outstanding_hours * 3600) AS INTEGER),
                           CAST(round(o.km_p50_hours * 3600) AS INTEGER), o.complete, o.sent, o.delivered, o.in_transit,
                           o.writing_due, o.writing_within_limit, CAST(round(o.writing_p50_hours * 3600) AS INTEGER),
                           CAST(round(o.writing_p90_hours * 3600) AS INTEGER),
                           CAST(round(o.delivery_p50_hours * 3600) AS INTEGER),
                           CAST(round(o.delivery_p90_hours * 3600) AS INTEGER),
                           CAST(round(o.oldest_in_transit_hours * 3600) AS INTEGER)
                    FROM by_channel o LEFT JOIN letter_types t ON t.letter_type = o.letter_type;
                DROP TABLE by_channel;
                CREATE VIEW by_channel AS
                    SELECT s.run_id, s.trust_code, t.letter_type, s.channel, s.received + s.outstanding AS letters, s.received,
                           s.outstanding, s.due, s.within_limit, s.due_3d, s.within_3d, s.due_4d, s.within_4d,
                           s.p50_seconds / 3600.0 AS p50_hours, s.p90_seconds / 3600.0 AS p90_hours,
                           s.p95_seconds / 3600.0 AS p95_hours, s.p99_seconds / 3600.0 AS p99_hours,
                           s.max_seconds / 3600.0 AS max_hours,
                           s.oldest_outstanding_seconds / 3600.0 AS oldest_outstanding_hours,
                           s.km_p50_seconds / 3600.0 AS km_p50_hours, s.complete, s.sent, s.delivered, s.in_transit,
                           s.writing_due, s.writing_within_limit, s.writing_p50_seconds / 3600.0 AS writing_p50_hours,
                           s.writing_p90_seconds / 3600.0 AS writing_p90_hours,
                           s.delivery_p50_seconds / 3600.0 AS delivery_p50_hours,
                           s.delivery_p90_seconds / 3600.0 AS delivery_p90_hours,
                           s.oldest_in_transit_seconds / 3600.0 AS oldest_in_transit_hours
                    FROM by_channel_stored s JOIN letter_types t ON t.code = s.letter_type_code;
                CREATE TABLE by_practice_stored (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    practice_code TEXT NOT NULL,
                    letter_type_code INTEGER NOT NULL,
                    trust_code TEXT NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_seconds INTEGER,
                    p90_seconds INTEGER,
                    p95_seconds INTEGER,
                    p99_seconds INTEGER,
                    max_seconds INTEGER,
                    oldest_outstanding_seconds INTEGER,
                    km_p50_seconds INTEGER,
                    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
                    sent INTEGER,
                    delivered INTEGER,
                    in_transit INTEGER,
                    writing_due INTEGER,
                    writing_within_limit INTEGER,
                    writing_p50_seconds INTEGER,
                    writing_p90_seconds INTEGER,
                    delivery_p50_seconds INTEGER,
                    delivery_p90_seconds INTEGER,
                    oldest_in_transit_seconds INTEGER,
                    PRIMARY KEY (run_id, practice_code, letter_type_code, trust_code)
                ) WITHOUT ROWID;
                INSERT INTO by_practice_stored
                    SELECT o.run_id, o.practice_code, t.code, o.trust_code, o.received, o.outstanding, o.due, o.within_limit,
                           o.due_3d, o.within_3d, o.due_4d, o.within_4d, CAST(round(o.p50_hours * 3600) AS INTEGER),
                           CAST(round(o.p90_hours * 3600) AS INTEGER), CAST(round(o.p95_hours * 3600) AS INTEGER),
                           CAST(round(o.p99_hours * 3600) AS INTEGER), CAST(round(o.max_hours * 3600) AS INTEGER),
                           CAST(round(o.oldest_outstanding_hours * 3600) AS INTEGER),
                           CAST(round(o.km_p50_hours * 3600) AS INTEGER), o.complete, o.sent, o.delivered, o.in_transit,
                           o.writing_due, o.writing_within_limit, CAST(round(o.writing_p50_hours * 3600) AS INTEGER),
                           CAST(round(o.writing_p90_hours * 3600) AS INTEGER),
                           CAST(round(o.delivery_p50_hours * 3600) AS INTEGER),
                           CAST(round(o.delivery_p90_hours * 3600) AS INTEGER),
                           CAST(round(o.oldest_in_transit_hours * 3600) AS INTEGER)
                    FROM by_practice o LEFT JOIN letter_types t ON t.letter_type = o.letter_type;
                DROP TABLE by_practice;
                CREATE VIEW by_practice AS
                    SELECT s.run_id, s.practice_code, t.letter_type, s.trust_code, s.received + s.outstanding AS letters,
                           s.received, s.outstanding, s.due, s.within_limit, s.due_3d, s.within_3d, s.due_4d, s.within_4d,
                           s.p50_seconds / 3600.0 AS p50_hours, s.p90_seconds / 3600.0 AS p90_hours,
                           s.p95_seconds / 3600.0 AS p95_hours, s.p99_seconds / 3600.0 AS p99_hours,
                           s.max_seconds / 3600.0 AS max_hours,
                           s.oldest_outstanding_seconds / 3600.0 AS oldest_outstanding_hours,
                           s.km_p50_seconds / 3600.0 AS km_p50_hours, s.complete, s.sent, s.delivered, s.in_transit,
                           s.writing_due, s.writing_within_limit, s.writing_p50_seconds / 3600.0 AS writing_p50_hours,
                           s.writing_p90_seconds / 3600.0 AS writing_p90_hours,
                           s.delivery_p50_seconds / 3600.0 AS delivery_p50_hours,
                           s.delivery_p90_seconds / 3600.0 AS delivery_p90_hours,
                           s.oldest_in_transit_seconds / 3600.0 AS oldest_in_transit_hours
                    FROM by_practice_stored s JOIN letter_types t ON t.code = s.letter_type_code;
                CREATE TABLE by_specialty_month_stored (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    trust_code TEXT NOT NULL,
                    letter_type_code INTEGER NOT NULL,
                    month TEXT NOT NULL,
                    specialty_code TEXT NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_seconds INTEGER,
                    p90_seconds INTEGER,
                    p95_seconds INTEGER,
                    p99_seconds INTEGER,
                    max_seconds INTEGER,
                    oldest_outstanding_seconds INTEGER,
                    km_p50_seconds INTEGER,
                    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
                    sent INTEGER,
                    delivered INTEGER,
                    in_transit INTEGER,
                    writing_due INTEGER,
                    writing_within_limit INTEGER,
                    writing_p50_seconds INTEGER,
                    writing_p90_seconds INTEGER,
                    delivery_p50_seconds INTEGER,
                    delivery_p90_seconds INTEGER,
                    oldest_in_transit_seconds INTEGER,
                    PRIMARY KEY (run_id, trust_code, letter_type_code, month, specialty_code)
                ) WITHOUT ROWID;
                INSERT INTO by_specialty_month_stored
                    SELECT o.run_id, o.trust_code, t.code, o.month, o.specialty_code, o.received, o.outstanding, o.due,
                           o.within_limit, o.due_3d, o.within_3d, o.due_4d, o.within_4d,
                           CAST(round(o.p50_hours * 3600) AS INTEGER), CAST(round(o.p90_hours * 3600) AS INTEGER),
                           CAST(round(o.p95_hours * 3600) AS INTEGER), CAST(round(o.p99_hours * 3600) AS INTEGER),
                           CAST(round(o.max_hours * 3600) AS INTEGER),
                           CAST(round(o.oldest_outstanding_hours * 3600) AS INTEGER),
                           CAST(round(o.km_p50_hours * 3600) AS INTEGER), o.complete, o.sent, o.delivered, o.in_transit,
                           o.writing_due, o.writing_within_limit, CAST(round(o.writing_p50_hours * 3600) AS INTEGER),
                           CAST(round(o.writing_p90_hours * 3600) AS INTEGER),
                           CAST(round(o.delivery_p50_hours * 3600) AS INTEGER),
                           CAST(round(o.delivery_p90_hours * 3600) AS INTEGER),
                           CAST(round(o.oldest_in_transit_hours * 3600) AS INTEGER)
                    FROM by_specialty_month o LEFT JOIN letter_types t ON t.letter_type = o.letter_type;
                DROP TABLE by_specialty_month;
                CREATE VIEW by_specialty_month AS
                    SELECT s.run_id, s.trust_code, t.letter_type, s.month, s.specialty_code,
                           s.received + s.outstanding AS letters, s.received, s.outstanding, s.due, s.within_limit, s.due_3d,
                           s.within_3d, s.due_4d, s.within_4d, s.p50_seconds / 3600.0 AS p50_hours,
                           s.p90_seconds / 3600.0 AS p90_hours, s.p95_seconds / 3600.0 AS p95_hours,
                           s.p99_seconds / 3600.0 AS p99_hours, s.max_seconds / 3600.0 AS max_hours,
                           s.oldest_outstanding_seconds / 3600.0 AS oldest_outstanding_hours,
                           s.km_p50_seconds / 3600.0 AS km_p50_hours, s.complete, s.sent, s.delivered, s.in_transit,
                           s.writing_due, s.writing_within_limit, s.writing_p50_seconds / 3600.0 AS writing_p50_hours,
                           s.writing_p90_seconds / 3600.0 AS writing_p90_hours,
                           s.delivery_p50_seconds / 3600.0 AS delivery_p50_hours,
                           s.delivery_p90_seconds / 3600.0 AS delivery_p90_hours,
                           s.oldest_in_transit_seconds / 3600.0 AS oldest_in_transit_hours
                    FROM by_specialty_month_stored s JOIN letter_types t ON t.code = s.letter_type_code;
                CREATE TABLE by_channel_month_stored (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    trust_code TEXT NOT NULL,
                    letter_type_code INTEGER NOT NULL,
                    month TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_seconds INTEGER,
                    p90_seconds INTEGER,
                    p95_seconds INTEGER,
                    p99_seconds INTEGER,
                    max_seconds INTEGER,
                    oldest_outstanding_seconds INTEGER,
                    km_p50_seconds INTEGER,
                    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
                    sent INTEGER,
                    delivered INTEGER,
                    in_transit INTEGER,
                    writing_due INTEGER,
                    writing_within_limit INTEGER,
                    writing_p50_seconds INTEGER,
                    writing_p90_seconds INTEGER,
                    delivery_p50_seconds INTEGER,
                    delivery_p90_seconds INTEGER,
                    oldest_in_transit_seconds INTEGER,
                    PRIMARY KEY (run_id, trust_code, letter_type_code, month, channel)
                ) WITHOUT ROWID;
                INSERT INTO by_channel_month_stored
                    SELECT o.run_id, o.trust_code, t.code, o.month, o.channel, o.received, o.outstanding, o.due, o.within_limit,
                           o.due_3d, o.within_3d, o.due_4d, o.within_4d, CAST(round(o.p50_hours * 3600) AS INTEGER),
                           CAST(round(o.p90_hours * 3600) AS INTEGER), CAST(round(o.p95_hours * 3600) AS INTEGER),
                           CAST(round(o.p99_hours * 3600) AS INTEGER), CAST(round(o.max_hours * 3600) AS INTEGER),
                           CAST(round(o.oldest_outstanding_hours * 3600) AS INTEGER),
                           CAST(round(o.km_p50_hours * 3600) AS INTEGER), o.complete, o.sent, o.delivered, o.in_transit,
                           o.writing_due, o.writing_within_limit, CAST(round(o.writing_p50_hours * 3600) AS INTEGER),
                           CAST(round(o.writing_p90_hours * 3600) AS INTEGER),
                           CAST(round(o.delivery_p50_hours * 3600) AS INTEGER),
                           CAST(round(o.delivery_p90_hours * 3600) AS INTEGER),
                           CAST(round(o.oldest_in_transit_hours * 3600) AS INTEGER)
                    FROM by_channel_month o LEFT JOIN letter_types t ON t.letter_type = o.letter_type;
                DROP TABLE by_channel_month;
                CREATE VIEW by_channel_month AS
                    SELECT s.run_id, s.trust_code, t.letter_type, s.month, s.channel, s.received + s.outstanding AS letters,
                           s.received, s.outstanding, s.due, s.within_limit, s.due_3d, s.within_3d, s.due_4d, s.within_4d,
                           s.p50_seconds / 3600.0 AS p50_hours, s.p90_seconds / 3600.0 AS p90_hours,
                           s.p95_seconds / 3600.0 AS p95_hours, s.p99_seconds / 3600.0 AS p99_hours,
                           s.max_seconds / 3600.0 AS max_hours,
                           s.oldest_outstanding_seconds / 3600.0 AS oldest_outstanding_hours,
                           s.km_p50_seconds / 3600.0 AS km_p50_hours, s.complete, s.sent, s.delivered, s.in_transit,
                           s.writing_due, s.writing_within_limit, s.writing_p50_seconds / 3600.0 AS writing_p50_hours,
                           s.writing_p90_seconds / 3600.0 AS writing_p90_hours,
                           s.delivery_p50_seconds / 3600.0 AS delivery_p50_hours,
                           s.delivery_p90_seconds / 3600.0 AS delivery_p90_hours,
                           s.oldest_in_transit_seconds / 3600.0 AS oldest_in_transit_hours
                    FROM by_channel_month_stored s JOIN letter_types t ON t.code = s.letter_type_code;
                CREATE TABLE practice_months_stored (
                    practice_code TEXT NOT NULL,
                    letter_type_code INTEGER NOT NULL,
                    month TEXT NOT NULL,
                    trust_code TEXT NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_seconds INTEGER,
                    p90_seconds INTEGER,
                    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
                    PRIMARY KEY (practice_code, letter_type_code, month, trust_code)
                ) WITHOUT ROWID;
                INSERT INTO practice_months_stored
                    SELECT o.practice_code, t.code, o.month, o.trust_code, o.received, o.outstanding, o.due, o.within_limit,
                           o.due_3d, o.within_3d, o.due_4d, o.within_4d, CAST(round(o.p50_hours * 3600) AS INTEGER),
                           CAST(round(o.p90_hours * 3600) AS INTEGER), o.complete
                    FROM practice_months o LEFT JOIN letter_types t ON t.letter_type = o.letter_type;
                DROP TABLE practice_months;
                CREATE VIEW practice_months AS
                    SELECT s.practice_code, t.letter_type, s.month, s.trust_code, s.received + s.outstanding AS letters,
                           s.received, s.outstanding, s.due, s.within_limit, s.due_3d, s.within_3d, s.due_4d, s.within_4d,
                           s.p50_seconds / 3600.0 AS p50_hours, s.p90_seconds / 3600.0 AS p90_hours, s.complete
                    FROM practice_months_stored s JOIN letter_types t ON t.code = s.letter_type_code;
                DROP TRIGGER practice_months_leave_with_their_run;
                CREATE TRIGGER practice_months_leave_with_their_run AFTER DELETE ON history_practice_months BEGIN
                    DELETE FROM practice_months_stored WHERE month = OLD.month;
                END;
                """)
        }
        return m
    }

    /// Runs stored before v11 did not record their window start: their first stored week is
    /// taken as partial (it held the earliest event, wherever in the week that fell), so the
    /// window is taken to start on the Monday after it, and their as-of time ends it.
    static func backfillWindows(_ db: Database) throws {
        let rows = try Row.fetchAll(db, sql: """
            SELECT r.id, r.as_of, (SELECT min(week_start) FROM weekly w WHERE w.run_id = r.id) AS first_week
            FROM runs r WHERE r.window_start_source IS NULL
            """)
        for row in rows {
            guard let asOf = Timestamps.parseStored(row["as_of"]) else { continue }
            let firstWeek = (row["first_week"] as String?).flatMap { CivilDate.parse(isoDate: $0) }
            let start = firstWeek.map { LondonClock.shared.utc(ofLocalMidnight: $0 + 7) } ?? asOf
            let window = RunWindow(start: min(start, asOf), asOf: asOf)
            try db.execute(sql: """
                UPDATE runs SET window_start_source = 'unknown', first_full_week = ?, last_full_week = ?,
                    first_full_month = ?, last_full_month = ? WHERE id = ?
                """, arguments: [window.firstWeekStart, window.lastWeekStart, window.firstMonthLabel, window.lastMonthLabel,
                                 row["id"] as Int64])
        }
    }

    /// Weeks stored before v7 with letters outstanding: complete when the youngest outstanding
    /// letter (the exact minimum of `outstanding_hist`) is older than 4 days and than the longest
    /// limit in force on any day of the week under the run's own limits, which is the rule
    /// exactly unless the limit changed within the week; otherwise 0.
    static func backfillCompleteness(_ db: Database) throws {
        var limits: [Int64: ContractLimits] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, limits_json FROM runs") {
            limits[row["id"]] = try ContractLimits(json: Data((row["limits_json"] as String).utf8))
        }
        let weeks = try Row.fetchAll(db, sql: "SELECT rowid, run_id, letter_type, week_start, outstanding_hist FROM weekly WHERE complete IS NULL")
        let update = try db.makeStatement(sql: "UPDATE weekly SET complete = ? WHERE rowid = ?")
        for w in weeks {
            guard let runLimits = limits[w["run_id"]], let type = LetterType(name: w["letter_type"]),
                  let monday = CivilDate.parse(isoDate: w["week_start"]),
                  let ages = LatencyHistogram(encoded: [UInt8](w["outstanding_hist"] as Data)), !ages.isEmpty else { continue }
            let limit = (monday..<(monday + 7)).map { runLimits.limitSeconds(type: type.rawValue, eventDay: $0) }.max() ?? -1
            let complete = ages.minimum > Baseline.fourDays && (limit < 0 || ages.minimum > limit)
            try update.execute(arguments: [complete ? 1 : 0, w["rowid"] as Int64])
        }
    }

    /// A breakdown table's primary key, which its rows are written and read in: the trust,
    /// letter type, the month when kept by month, then the value; the practice view's leads with
    /// the practice, then the letter type and the trust (or `(all)`, `(other)`).
    /// The practice view's months' `run_id` is the history's, from `practice_month_history`.
    static func breakdownKey(_ b: Breakdown, byMonth: Bool) -> [String] {
        if b == .practice { return ["run_id", b.column, "letter_type"] + (byMonth ? ["month"] : []) + ["trust_code"] }
        return ["run_id", "trust_code", "letter_type"] + (byMonth ? ["month"] : []) + [b.column]
    }

    /// A breakdown view's columns in table order, as readers select them: its key columns, then
    /// the figures of `summary` without histograms, which at hundreds of thousands of cells a run would multiply the
    /// database several times over (docs/schema.md, "Breakdowns").
    static func breakdownColumns(_ b: Breakdown, byMonth: Bool) -> [String] {
        if b == .practice && byMonth { return breakdownKey(b, byMonth: true) + practiceMonthFigures + ["complete", "partial"] }
        return breakdownKey(b, byMonth: byMonth) + StoredFigures.columns + ["km_p50_hours", "complete"] + StoredFigures.stageColumns
    }

    /// The practice view's month figures: the counts, the median and the 90th percentile, a prefix of
    /// `StoredFigures.columns` (`BulkInsert.bind(storedCountsAndMiddleOf:)` binds their stored form).
    static let practiceMonthFigures = Array(StoredFigures.columns.prefix(through: StoredFigures.columns.firstIndex(of: "p90_hours")!))

    /// The columns of the `practice_months` view, which the history's `practice_month_history` extends.
    static let practiceMonthColumns = Array(breakdownKey(.practice, byMonth: true).dropFirst()) + practiceMonthFigures + ["complete"]

    /// The stored table behind a breakdown's view (docs/schema.md, "How breakdowns are stored"),
    /// which a run writes and a prune deletes from; the practice view's months are `practice_months`'.
    static func storedTable(_ b: Breakdown, byMonth: Bool) -> String {
        (b == .practice && byMonth ? "practice_months" : b.table(byMonth: byMonth)) + "_stored"
    }

    /// The columns a run writes to a breakdown's stored table, in the order `RunWriter` binds them.
    static func storedColumns(_ b: Breakdown, byMonth: Bool) -> [String] {
        StoredFigures.stored(b == .practice && byMonth ? practiceMonthColumns : breakdownColumns(b, byMonth: byMonth))
    }

    /// The INSERT of `rows` rows of `table` with `columns`, named so that a column added later
    /// cannot shift them. One of several rows is `OR FAIL`: a failing row then leaves the
    /// statement's earlier rows in place rather than backing them out, so SQLite keeps no
    /// statement journal for it (a copy of each page the statement touches, written to a
    /// temporary file), unless the table has a foreign key, whose check still needs one. The
    /// caller's transaction is rolled back on any failure, so nothing of a failed run stays.
    static func insert(into table: String, _ columns: [String], rows: Int = 1) -> String {
        let row = "(" + columns.map { _ in "?" }.joined(separator: ", ") + ")"
        return "INSERT \(rows > 1 ? "OR FAIL " : "")INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }
}
