import TriageCore
import TriageIO

/// One Region's lane of a ``LaneSchedule``: its batches in order, the first ones in memory and,
/// when it has no room there, the later ones in a temporary file (``BatchSpill``).
///
/// Order: a batch goes to memory only while nothing of the lane waits in the file, and the file
/// is read back into memory from its front, so the lane's batches leave in the order they were
/// planned. Not thread-safe: the dispatcher holds its lock over the schedule.
struct DispatchLane {
    struct Retry {
        var work: BatchAttempt
        var readyAt: Int64
    }

    /// Batches not yet sent, in memory, first in first out from `freshHead`.
    private(set) var fresh: [PlannedBatch] = []
    private(set) var freshHead = 0
    var retries: [Retry] = []
    /// When a timer will look at the lane again; nil when none is set.
    var wakeAt: Int64?
    /// The lane's batches in memory: not yet sent, on the wire, or waiting to be sent again.
    private(set) var held = 0
    /// The batches that found no room in memory, in order; nil until the first.
    private(set) var spill: BatchSpill?
    /// The temporary file could not be created or written: the lane's later batches wait for
    /// room in memory (the planning thread waits for them, as it did before lanes had files).
    private(set) var spillFailed = false
    /// The planning thread's count of handed-over batches when it last handed this lane one.
    var lastFed = 0
    /// The lane's pace (``BatchTarget/pacer(forRegion:now:)``); nil: as fast as slots allow.
    var pacer: (any LanePacer)?

    /// An empty lane paced by `pacer`.
    init(pacer: (any LanePacer)?) {
        self.pacer = pacer
    }

    var hasFresh: Bool { freshHead < fresh.count }

    /// The next batch to send.
    var nextFresh: PlannedBatch { fresh[freshHead] }

    /// Batches waiting in the temporary file.
    var spilled: Int { spill?.count ?? 0 }

    /// Every batch of the lane not finished: in memory and in the file.
    var total: Int { held + spilled }

    /// Takes a batch into memory (planned, or read back from the file).
    mutating func hold(_ batch: PlannedBatch) {
        fresh.append(batch)
        held += 1
    }

    /// A batch of the lane left memory (finished, or went no further).
    mutating func release() {
        held -= 1
    }

    mutating func popFresh() -> PlannedBatch {
        let batch = fresh[freshHead]
        freshHead += 1
        if freshHead > 64, freshHead * 2 > fresh.count {
            fresh.removeFirst(freshHead)
            freshHead = 0
        }
        return batch
    }

    /// Puts `batch` at the end of the lane's temporary file, creating it in `directory` first;
    /// false (and the lane spills no more) when that fails: the caller keeps the batch.
    mutating func spillOut(_ batch: PlannedBatch, directory: String) -> Bool {
        guard !spillFailed else { return false }
        do {
            if spill == nil { spill = try BatchSpill(directory: directory, kind: "lane") }
            try spill!.append(batch)
            return true
        } catch {
            spillFailed = true
            return false
        }
    }

    /// Moves the first batch of the file into memory.
    /// - Throws: when it cannot be read back; nothing moves.
    mutating func readBack() throws(TriageIOError) {
        let batch = try spill!.next()
        hold(batch)
    }

    /// Empties the lane of what was never sent (the run or the lane stopped) into `leftover`:
    /// the batches in memory not yet sent, and those in the file by the counts the file kept
    /// (never read back: they may be millions); the file is closed. Retries stay for the caller.
    /// Returns how many batches left memory and the file.
    mutating func takeNeverSent(into leftover: inout DispatchLeftover) -> (inMemory: Int, spilled: Int) {
        var taken = (inMemory: 0, spilled: 0)
        while hasFresh {
            leftover.addNeverSent(popFresh())
            held -= 1
            taken.inMemory += 1
        }
        if let spill {
            leftover.addNeverSent(batches: spill.count, recordsByInput: spill.recordsByInput)
            taken.spilled = spill.count
            spill.close()
            self.spill = nil
        }
        return taken
    }

    /// Closes the temporary file (the lane is done).
    mutating func closeSpill() {
        spill?.close()
        spill = nil
    }
}
