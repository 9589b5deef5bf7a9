import ArgumentParser
import Foundation
import LetterlagKit
import Logging

@main
struct LetterlagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letterlag",
        abstract: "How long hospital letters take to reach GPs: stream extracts, store summaries, report.",
        version: Letterlag.version,
        subcommands: [Generate.self, Ingest.self, Report.self, Trend.self, Compare.self, Export.self, Runs.self, SPC.self, Prune.self, Migrate.self, Demo.self]
    )

    static func main() {
        // First, before any thread starts, so every thread leaves SIGINT and SIGTERM to it.
        Interruption.shared.install()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["LETTERLAG_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as LetterlagError {
            let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
            FileHandle.standardError.write(Data(lines.map { "letterlag: \($0)\n" }.joined().utf8))
            Self.exit(withError: ExitCode(error.exitCode))
        } catch {
            Self.exit(withError: error)
        }
    }
}

/// Flags every command that reads or writes the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The summary database (default: $LETTERLAG_DB, else letterlag.sqlite).")
    var db: String?

    var path: String { SummaryStore.defaultPath(db) }
}

/// Which run a reporting command reads, and whether its output is for publication.
struct RunOptions: ParsableArguments {
    @Option(name: .customLong("run"), help: "Run id (default: the latest run).")
    var runID: Int64?

    @Flag(help: "Apply NHS disclosure control for publication.")
    var publish = false
}
