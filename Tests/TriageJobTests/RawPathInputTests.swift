import Foundation
import Testing
import TriageTestSupport

/// Input names that are not UTF-8 are opened by their bytes as the OS passed them, and shown
/// escaped (`\xFF`) in messages and reports, with the real binary.
@Suite struct RawPathInputTests {
    /// Runs `script` with bash in a scratch directory; `$0` is the `triage` binary.
    static func bash(_ script: String) throws -> CommandRun {
        let directory = TestPaths.temporaryDirectory("raw-paths")
        defer { try? FileManager.default.removeItem(at: directory) }
        return try CommandRun.run(
            URL(fileURLWithPath: "/bin/bash"), ["-c", script, TestPaths.triageBinary.path], directory: directory)
    }

    /// `(input, line)` of every report entry, in report order.
    static func sources(_ run: CommandRun) throws -> [String] {
        let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        expectCountsAddUp(report)
        let entries =
            (report["ProcessedFindings"] as! [[String: Any]]) + (report["UnprocessedFindings"] as! [[String: Any]])
        return entries.map {
            let source = $0["source"] as! [String: Any]
            return "\(source["input"]!):\(source["line"]!)"
        }
    }

    static func inputs(_ run: CommandRun) throws -> [String] {
        let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        return summary(report)["inputs"] as! [String]
    }

    @Test func aNameThatIsNotUTF8IsOpenedAndShownEscaped() throws {
        let run = try Self.bash(
            #"""
            printf 'Id,ProductArn,Confidence\na,p,1\n' > $'bad\xffname.csv'
            printf '{"Id":"b","ProductArn":"p","Confidence":2}\n' > 'décisions.ndjson'
            "$0" validate $'bad\xffname.csv' décisions.ndjson --report -
            """#)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.inputs(run) == [#"bad\xFFname.csv"#, "décisions.ndjson"])
        #expect(try Self.sources(run) == [#"bad\xFFname.csv:2"#, "décisions.ndjson:1"])
    }

    /// `bad\xFE`, `bad\xFF` and a real U+FFFD all reach the program as the same String; each
    /// input still opens its own file.
    @Test func namesThatDecodeAlikeOpenTheirOwnFiles() throws {
        let run = try Self.bash(
            #"""
            printf 'Id,ProductArn,Confidence\na,p,1\nb,p,1\n' > $'bad\xfe.csv'
            printf 'Id,ProductArn,Confidence\nc,p,1\n' > $'bad\xff.csv'
            printf 'Id,ProductArn,Confidence\nd,p,1\ne,p,1\nf,p,1\n' > $'bad\xef\xbf\xbd.csv'
            "$0" validate $'bad\xff.csv' $'bad\xef\xbf\xbd.csv' $'bad\xfe.csv' --report -
            """#)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.inputs(run) == [#"bad\xFF.csv"#, "bad\u{FFFD}.csv", #"bad\xFE.csv"#])
        #expect(
            try Self.sources(run) == [
                #"bad\xFF.csv:2"#, "bad\u{FFFD}.csv:2", "bad\u{FFFD}.csv:3", "bad\u{FFFD}.csv:4", #"bad\xFE.csv:2"#,
                #"bad\xFE.csv:3"#,
            ])
    }

    @Test func aMissingNameIsReportedEscaped() throws {
        let run = try Self.bash(#""$0" validate $'miss\xfe\xc3.ndjson'"#)
        #expect(run.status == 2)
        #expect(run.stderr.contains(#"miss\xFE\xC3.ndjson: cannot open: No such file or directory"#), "\(run.stderr)")
    }

    /// When an option's value reads like an input but has other bytes, the input cannot be told
    /// apart by its text: the run refuses (exit 2) rather than open the wrong file.
    @Test func anAmbiguousNameIsAUsageError() throws {
        let run = try Self.bash(
            #"""
            printf 'Id,ProductArn,Confidence\na,p,1\n' > $'x\xff.csv'
            "$0" validate --junit $'x\xfe.csv' $'x\xff.csv'
            """#)
        #expect(run.status == 2)
        #expect(run.stderr.contains(#"x\xFF.csv"#) || run.stderr.contains(#"x\xFE.csv"#), "\(run.stderr)")
        #expect(run.stderr.contains("cannot tell"), "\(run.stderr)")
    }
}
