import ArgumentParser
import Foundation
import LetterlagKit
import Logging

extension LetterlagCommand {
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Generate a sample extract, ingest it into a demo database and print the report.")

        @Option(help: "Folder for the demo extract and database.") var directory = "demo"
        @Option(help: "Letters in the demo extract.") var rows = 200_000

        func run() throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let extract = "\(directory)/extract.csv.gz"
            let db = "\(directory)/letterlag-demo.sqlite"
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
            var options = ExtractGenerator.Options(rows: rows)
            options.trusts = 12
            options.seed = 2026
            try ExtractGenerator(options: options).write(to: extract)
            print("generated \(rows) letters from 12 trusts: \(extract)")
            var logger = Logger(label: "letterlag")
            logger.logLevel = .warning
            let outcome = try NightlyIngest(options: IngestOptions(files: [extract]), databasePath: db, logger: logger).run()
            print(outcome.summary)
            let store = try SummaryStore(path: db)
            let run = try store.reader.run(outcome.runID)
            print(try ReportRenderer(run: run, rows: try store.reader.summary(run: run.id)).render(.table), terminator: "")
            print("\nThe database is \(db); try: letterlag report --db \(db) --format csv")
        }
    }
}
