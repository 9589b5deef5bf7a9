import ArgumentParser
import LetterlagKit

extension SPCAnalysis.Measure: ExpressibleByArgument {}
extension SPCAnalysis.Grain: ExpressibleByArgument {}

/// What makes `spc` fail for a nightly alert.
enum SPCFailure: String, CaseIterable, ExpressibleByArgument {
    case concern
}

extension LetterlagCommand {
    struct SPC: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "spc",
            abstract: "XmR charts (Making Data Count) of each trust × letter type over its complete periods.")

        @OptionGroup var database: DatabaseOptions
        @Option(name: .customLong("run"), help: "Run id: that run's own snapshot (default: the history across runs).") var runID: Int64?
        @Option(help: "Only this trust code.") var trust: String?
        @Option(help: "Only this letter type.") var type: LetterType?
        @Option(help: "What is charted: compliance (100 × within_limit / due) or median (hours).") var measure: SPCAnalysis.Measure = .compliance
        @Option(help: "The periods charted.") var by: SPCAnalysis.Grain = .week
        @Option(help: "A target in the measure's unit, for the assurance verdict.") var target: Double?
        @Flag(help: "Keep every moving range when setting the limits (no screening of large ones).") var noScreen = false
        @Option(help: "The output format (table: each series' latest point).") var format: OutputFormat = .table
        @Option(help: "Exit 9 when a series' latest point is a special-cause concern, naming each.") var failOn: SPCFailure?

        func run() throws {
            let store = try SummaryStore(readingOnly: database.path)
            var options = SPCAnalysis.Options(try runID.map { .run(try store.reader.run($0).id) } ?? .history)
            options.trust = trust
            options.type = type
            options.measure = measure
            options.grain = by
            options.target = target
            options.screen = !noScreen
            let sink = OutputSink.standardOutput()
            var concerns: [String] = []
            try SPCRenderer(measure: measure) { each in
                try SPCAnalysis.forEachSeries(store.reader, options) { series in
                    try each(series)
                    if let line = SPCAnalysis.concernLine(series, measure: measure) { concerns.append(line) }
                }
            }.write(format, to: sink)
            try sink.close()
            if failOn == .concern && !concerns.isEmpty { throw LetterlagError.concern(concerns) }
        }
    }
}
