import Foundation
import Testing
@testable import LetterlagKit

/// What a person sees when they get an option wrong or ask for help: exact text, so a change
/// to it is a decision, not an accident.
@Suite struct CommandLineTests {
    @Test func aFormatOutsideItsValuesNamesThemAndExits64() throws {
        let out = try Binary.run(["report", "--format", "xml"])
        #expect(out.status == 64)
        #expect(out.stdout.isEmpty)
        #expect(out.stderr == """
            Error: The value 'xml' is invalid for '--format <format>'. Please provide one of 'table', 'csv', 'json' or 'html'.
            Help:  --format <format>  The output format.
            Usage: letterlag report [--db <db>] [--run <run>] [--publish] [--format <format>] [--output <output>] [--spc-target <spc-target>] [--by <by>] [--practice <practice>]
              See 'letterlag report --help' for more information.

            """)
    }

    @Test func aLetterTypeOrInflaterOutsideItsValuesNamesThem() throws {
        let type = try Binary.run(["trend", "--type", "letter"])
        #expect(type.status == 64)
        #expect(type.stderr.hasPrefix("""
            Error: The value 'letter' is invalid for '--type <type>'. Please provide one of 'discharge_summary', 'ae_discharge', 'clinic_letter' or 'dna_notification'.

            """))
        let inflate = try Binary.run(["ingest", "--inflate", "gz", "x.csv"])
        #expect(inflate.status == 64)
        #expect(inflate.stderr.hasPrefix("""
            Error: The value 'gz' is invalid for '--inflate <inflate>'. Please provide one of 'isal' and 'zlib'.

            """))
    }

    @Test func anIngestWithoutFilesSaysSo() throws {
        let out = try Binary.run(["ingest"])
        #expect(out.status == 64)
        #expect(out.stderr.hasPrefix("""
            Error: Missing expected argument '<files> ...'
            Help:  <files>  Extract files (.csv or .csv.gz); together they are one run.

            """))
    }

    @Test func trendsHelpListsEveryValueOfItsOptions() throws {
        let out = try Binary.run(["trend", "--help"])
        #expect(out.status == 0)
        #expect(out.stdout == """
            OVERVIEW: One row per trust × letter type × week, month or quarter, from the
            history across runs (or one run's weeks with --run).

            USAGE: letterlag trend [--db <db>] [--run <run>] [--publish] [--trust <trust>] [--type <type>] [--by <by>] [--format <format>] [--practice <practice>]

            OPTIONS:
              --db <db>               The summary database (default: $LETTERLAG_DB, else
                                      letterlag.sqlite).
              --run <run>             Run id: that run's own weeks (default: the history
                                      across runs).
              --publish               Apply NHS disclosure control for publication.
              --trust <trust>         Only this trust code.
              --type <type>           Only this letter type.
                    discharge_summary - after an inpatient stay
                    ae_discharge      - after an A&E visit
                    clinic_letter     - after an outpatient appointment
                    dna_notification  - after a missed appointment
              --by <by>               The period weeks are grouped into (default: week).
                                      (values: week, month, quarter)
              --format <format>       The output format. (values: table, csv, json;
                                      default: table)
              --practice <practice>   A GP practice's trend by month instead, from the
                                      history: its (all) row and each trust named for it.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    @Test func aLibraryErrorIsOneLineWithItsExitCode() throws {
        let dir = try ScratchDirectory()
        _ = try SummaryStore(path: dir.path("empty.sqlite"))
        let out = try Binary.run(["report", "--db", dir.path("empty.sqlite")])
        #expect(out.status == 6)
        #expect(out.stderr == "letterlag: \(dir.path("empty.sqlite")): there are no runs yet; run 'letterlag ingest' first\n")
    }
}
