import ArgumentParser
import LetterlagKit

extension LetterlagCommand {
    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the runs a retention policy does not keep, as restic's forget does; the history keeps every period.",
            discussion: """
                Runs are taken newest first by as-of time; each rule keeps the newest run of each of its N newest \
                periods that have runs (a run's day, ISO week, month and year are those of its as-of time in \
                Europe/London). A run kept by any rule stays. A removed run's weeks and months that the history \
                still takes stay too, with its row in `runs` (marked `pruned_at`).
                """)

        @OptionGroup var database: DatabaseOptions
        @Option(help: "Keep the N newest runs.") var keepLast = 0
        @Option(help: "Keep the newest run of each of the N newest days that have runs.") var keepDaily = 0
        @Option(help: "Keep the newest run of each of the N newest ISO weeks that have runs.") var keepWeekly = 0
        @Option(help: "Keep the newest run of each of the N newest months that have runs.") var keepMonthly = 0
        @Option(help: "Keep the newest run of each of the N newest years that have runs.") var keepYearly = 0
        @Flag(help: "List each run as kept or removed, and change nothing.") var dryRun = false
        @Flag(help: "Then rewrite the file to give freed space back to the disk (needs as much free space as the file, and time).") var vacuum = false
        @Option(help: "Seconds to wait for an ingest on the same database to finish.") var wait = 600.0
        @Option(help: "The output format.") var format: OutputFormat = .table

        func validate() throws {
            for (name, n) in [("--keep-last", keepLast), ("--keep-daily", keepDaily), ("--keep-weekly", keepWeekly),
                              ("--keep-monthly", keepMonthly), ("--keep-yearly", keepYearly)] where n < 0 {
                throw ValidationError("\(name) is a number of runs or periods, 0 or more")
            }
            if dryRun && vacuum { throw ValidationError("--dry-run changes nothing, so it cannot --vacuum") }
        }

        func run() throws {
            let policy = RetentionPolicy(counts: [.last: keepLast, .daily: keepDaily, .weekly: keepWeekly,
                                                  .monthly: keepMonthly, .yearly: keepYearly])
            var pruner = RunPruner(databasePath: database.path)
            pruner.lockWait = wait
            let decisions = try pruner.prune(policy, dryRun: dryRun, vacuum: vacuum)
            let sink = OutputSink.standardOutput()
            try PruneRenderer(decisions: decisions, dryRun: dryRun).write(format, to: sink)
            try sink.close()
        }
    }
}
