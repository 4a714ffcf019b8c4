import Foundation
import Testing

@testable import TriageIO

/// ``TriageIOError``: each code's line as users read it (the wording of the error types it
/// replaced, byte for byte), and how a report's error becomes an output error.
@Suite struct TriageIOErrorTests {
    @Test func anOutputErrorNamesThePathFirst() {
        let error = TriageIOError(path: "-", reason: "write failed: Broken pipe")
        #expect(error.description == "standard output: write failed: Broken pipe")
        #expect(error.message == "write failed: Broken pipe")
        #expect(error.code == .output)
        #expect(error.path == "-")
        #expect(error.systemError == nil)
        let failed = TriageIOError(path: "out/r.json", "cannot create", errno: ENOENT)
        #expect(failed.description == "out/r.json: cannot create: No such file or directory")
        #expect(failed.systemError == ENOENT)
    }

    @Test func aJUnitErrorNamesTheReportAndTheSystemError() {
        let direct = TriageIOError(.write, path: "r.xml", "cannot write", systemError: ENOSPC)
        #expect(direct.description == "JUnit report r.xml: cannot write: No space left on device (errno 28)")
        #expect(direct.code == .junit(.write))
        let misuse = TriageIOError(.misuse, path: "r.xml", "finish after finish")
        #expect(misuse.description == "JUnit report r.xml: finish after finish")
        #expect(misuse.systemError == nil)
    }

    @Test func aJUnitErrorFromAnOutputKeepsIt() {
        let full = TriageIOError(path: "r.xml", "write failed", errno: ENOSPC)
        let error = TriageIOError(.write, "cannot write", output: full)
        #expect(error.description == "JUnit report r.xml: cannot write: No space left on device (errno 28)")
        #expect(error.systemError == ENOSPC)
        #expect(error.underlying as? TriageIOError == full)
        #expect(error.asOutputError(path: "other") == full)
        let gzip = TriageIOError(path: "r.xml.gz", reason: "cannot start gzip (zlib -2)")
        let started = TriageIOError(.open, "cannot start gzip", output: gzip)
        #expect(started.description == "JUnit report r.xml.gz: cannot start gzip: cannot start gzip (zlib -2)")
    }

    @Test func anyErrorBecomesAnOutputErrorOfTheReport() {
        let misuse = TriageIOError(.misuse, path: "r.xml", "finish after finish")
        #expect(misuse.asOutputError(path: "r.xml").description == "r.xml: finish after finish")
        let output = TriageIOError(path: "a", reason: "b")
        #expect(output.asOutputError(path: "c") == output)
        let input = TriageIOError(.truncatedGzip, "gzip stream is truncated")
        #expect(input.description == "gzip stream is truncated")
        #expect(input.asOutputError(path: "r.json").description == "r.json: gzip stream is truncated")
    }

    @Test func aDamagedJournalSaysWhatToDo() {
        let error = TriageIOError.damagedJournal("j.ndjson: line 3 is not a valid journal entry")
        #expect(error.code == .damagedJournal)
        #expect(
            error.description
                == "j.ndjson: line 3 is not a valid journal entry; the journal is damaged (two runs writing it at once "
                + "can do that; a run now locks its journal): move it aside and apply the same decisions without "
                + "--resume: what it recorded is sent again, which leaves the same values (a Note gets a new UpdatedAt)"
        )
    }

    @Test func errorsAreEqualByCodeMessageAndPath() {
        #expect(TriageIOError(path: "a", reason: "x") == TriageIOError(path: "a", reason: "x", systemError: EIO))
        #expect(TriageIOError(path: "a", reason: "x") != TriageIOError(path: "b", reason: "x"))
        #expect(TriageIOError(.readFailed, "x") != TriageIOError(.corruptGzip, "x"))
    }
}
