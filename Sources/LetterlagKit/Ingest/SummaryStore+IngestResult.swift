import Foundation

extension SummaryStore {
    /// Stores an ingest's run: its record, then its cells assembled partition by partition on the
    /// assembling threads and handed to the store's `RunWriter` batch by batch, so the assembly and
    /// the writing overlap. The spill files go while the last rows and the commit are written; a
    /// stored result is not read again.
    public func store(_ result: IngestResult, contentKeys: [String], replacing: Bool = false, startedAt: Date) throws -> Int64 {
        let assembler = result.assembler
        return try store(result.record, trusts: assembler.trustCount, weeklyRows: assembler.cellCount, contentKeys: contentKeys,
                         replacing: replacing, startedAt: startedAt) { writer in
            try assembler.forEachBatch(discardingSpills: true, cell: RunWriter.WeeklyRow.init,
                                       total: { SummaryRow(trust: $0.trust, type: $0.type, summary: $1) },
                                       breakdown: RunWriter.BreakdownRow.init) { batch in
                try writer.write(cells: batch.cells, totals: batch.totals, breakdowns: batch.breakdowns, practiceMonths: batch.practiceMonths)
            }
            try writer.leaveOutOfPracticeMonths(letters: assembler.practiceMonthsLeftOut)
            for o in assembler.practiceOmissions {
                try writer.omitFromPracticeView(trust: o.trust, type: o.type, practices: o.practices, reason: PracticeOmission.reason)
            }
        }
    }
}
