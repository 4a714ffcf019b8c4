import ArgumentParser
import Foundation
import TriageCore
import TriageIO
import TriageJob
import TriageSecurityHub
import TriageStore

/// `triage apply`: read → validate → batch → apply → report.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply decisions to the findings store or to AWS Security Hub; write reports.",
        discussion: """
            Decisions for one finding are applied in input order whatever --concurrency; the final store equals \
            applying the records one by one. With --journal every finished batch is recorded durably; after an \
            interruption (SIGINT/SIGTERM: batches in flight finish, exit status 3; or a crash) --resume applies \
            the rest and nothing twice.

            The samples hold invalid records on purpose: runs on them end with exit status 1.

            Examples (from the repository root):
              triage import samples/findings.ndjson.gz --store findings.sqlite
              triage apply samples/decisions.ndjson.gz --store findings.sqlite \\
                --report out/report.json --junit out/junit.xml
              triage apply --dry-run samples/decisions.csv --store findings.sqlite
              triage apply samples/decisions.csv --store findings.sqlite \\
                --journal out/run.journal --resume --report out/again.json.gz
              mkdir -p out/inbox/incoming && cp samples/decisions.csv out/inbox/incoming/
              triage apply --inbox out/inbox --store findings.sqlite \\
                --metrics out/triage.prom --junit-cases failed
              triage apply --dry-run --target securityhub samples/decisions.csv

            Against a local 'triage serve', see 'triage serve --help'. Against AWS Security Hub itself \
            (this contacts AWS, with the credentials of the default chain):
              triage apply --target securityhub samples/decisions.ndjson.gz \\
                --region us-east-1 --report out/aws.json

            --inbox DIR is the scheduled run: producers drop files into DIR/incoming (names ending .part \
            or starting with '.' wait); a run takes them in name order, resumes first what an \
            interrupted run left in DIR/active, writes its reports to DIR/reports and moves applied files \
            to DIR/done. One run at a time: a second exits 2 naming the holder's PID.

            With --target securityhub each batch is one BatchUpdateFindings request to its Region \
            (from the finding's ProductArn, or --region), signed with the default credential chain \
            (environment, web identity, --profile/shared files, container, instance metadata); \
            --rate/--burst per Region, retries with backoff, and --journal/--resume as with the store.
            """)

    enum Target: String, ExpressibleByArgument, CaseIterable {
        case store, securityhub
    }

    @OptionGroup var options: RunOptions
    @OptionGroup var storeOption: StoreOption

    @Option(help: "Where updates go: store (the embedded SQLite store) or securityhub (AWS Security Hub).")
    var target: Target = .store

    @Flag(
        name: .customLong("dry-run"),
        help: """
            Rehearse against the store: the outcomes a real run would have, what would change; nothing is \
            written. With --target securityhub: plan the requests per Region; no credentials, nothing sent.
            """)
    var dryRun = false

    @Option(help: "Durable run journal (default: next to --report as REPORT.journal, else none).")
    var journal: String?

    @Flag(help: "Continue an interrupted run from its journal; nothing recorded there is applied again.")
    var resume = false

    @Option(help: "Batches in flight at once (default: 4 for the store, 16 for securityhub).")
    var concurrency: Int?

    @OptionGroup(title: "Security Hub target (--target securityhub)") var securityHub: SecurityHubOptions

    @Option(
        help: ArgumentHelp(
            "Scheduled-run mode: apply the files producers dropped in DIR/incoming, resuming an interrupted run first.",
            discussion:
                "Reports go to DIR/reports, applied files to DIR/done; no INPUT, --report, --junit, --journal or --resume.",
            valueName: "DIR"))
    var inbox: String?

    @Option(
        help: ArgumentHelp(
            "With --inbox: remove files of DIR/done and DIR/reports older than this many days (0 keeps all).",
            valueName: "DAYS"))
    var keep: Int = 30

    func validate() throws {
        if inbox != nil {
            try validateInbox()
        } else {
            try options.checkStandardInput()
        }
        if let concurrency, !(1...256).contains(concurrency) {
            throw ValidationError("--concurrency must be between 1 and 256, not \(concurrency)")
        }
        if target == .store, let given = securityHub.givenOption {
            throw ValidationError("\(given) is an option of --target securityhub")
        }
        if resume, journalPath == nil {
            throw ValidationError("--resume needs --journal (or --report, whose journal sits next to it)")
        }
    }

    /// `--journal`, else `REPORT.journal` beside a report that is a file (not `-`, a device or
    /// a FIFO such as `/dev/null`, beside which no journal belongs).
    private var journalPath: String? {
        if let journal { return journal }
        if let report = options.report, report != "-", (try? OutputPath.resolve(report))?.isDirect != true {
            return report + ".journal"
        }
        return nil
    }

    func run() throws {
        RemoteObjectWiring.install(region: securityHub.region, profile: securityHub.profile)
        if let inbox { return try runInbox(inbox) }
        var configuration = options.configuration(dryRun: dryRun)
        if !dryRun {
            configuration.journalPath = journalPath
            configuration.resume = resume
        }
        let result = try apply(configuration)
        RunSummaryLine.print(result, verb: dryRun ? "apply --dry-run" : "apply", quiet: options.quiet)
        throw RunEnd.exitCode(for: result, metricsPath: options.metrics)
    }

    /// Where this run sends its decisions, as its journal records it (`--resume` refuses a
    /// journal written for another).
    func destination(environment: [String: String]) throws -> JournalDestination {
        switch target {
        case .store: return .store(path: storeOption.path)
        case .securityhub:
            return .securityHub(
                endpoint: try securityHub.endpointRules(environment: environment).label, region: securityHub.region)
        }
    }

    /// Runs `configuration` against the chosen target; throws set-up errors (exit status 2).
    func apply(_ configuration: RunConfiguration) throws -> RunResult {
        var configuration = configuration
        configuration.destination = try destination(environment: ProcessInfo.processInfo.environment)
        if target == .securityhub { return try applySecurityHub(configuration) }
        // A dry run against the store is a rehearsal: every batch applied as in a real run, in a
        // transaction that is rolled back, so the outcomes are a real run's and nothing is written.
        let store = try StoreTarget(
            path: storeOption.path, rehearsal: dryRun, clock: configuration.clock.wallMilliseconds)
        configuration.target = store
        configuration.concurrency = concurrency
        let result = try DecisionJob(configuration: configuration).run()
        try store.finishRehearsal()
        return result
    }

    /// `--target securityhub`: a dry run plans per Region and needs no credentials; a real run
    /// resolves credentials first (none: exit 2, nothing sent).
    private func applySecurityHub(_ configuration: RunConfiguration) throws -> RunResult {
        var configuration = configuration
        let environment = ProcessInfo.processInfo.environment
        let rules = try securityHub.endpointRules(environment: environment)
        // A bad override is the run's error, not each record's.
        do throws(CoreError) {
            _ = try rules.endpoint(forRegion: securityHub.region ?? "us-east-1")
        } catch {
            if case .invalidEndpointURL = error.code {
                throw CoreError.targetUnavailable("securityhub: \(error)", underlying: error)
            }
        }
        configuration.routing = SecurityHubRouting(rules: rules)
        configuration.routingEndpoint = rules.label
        configuration.routesByAccount = securityHub.assumeRole != nil
        configuration.concurrency = concurrency
        var target: SecurityHubTarget?
        if !dryRun {
            let connected: SecurityHubTarget
            do {
                connected = try SecurityHubTarget.connect(
                    securityHub.connection(rules: rules, environment: environment, concurrency: concurrency ?? 16),
                    clock: configuration.clock)
            } catch {
                throw CoreError.targetUnavailable("securityhub: \(error.message)", underlying: error)
            }
            target = connected
            configuration.target = connected
        }
        defer { target?.shutdown() }
        var result = try DecisionJob(configuration: configuration).run()
        if let roles = target?.assumedRoles {
            Self.noteRoles(roles, in: &result, template: securityHub.assumeRole ?? "")
        }
        return result
    }

    /// `--assume-role`'s outcome in the run's result: a line per account whose role STS refused
    /// (its records failed with STS's code and message), and exit status 5 when no account's role
    /// could be assumed at all (the credentials or the roles' trust are wrong, not a few accounts).
    private static func noteRoles(
        _ roles: (assumed: [String], refused: [(account: String, code: String, message: String)]),
        in result: inout RunResult, template: String
    ) {
        for refusal in roles.refused {
            let role = template.replacingOccurrences(of: "{account}", with: refusal.account)
            result.notes.append(
                "account \(refusal.account): \(role) could not be assumed, its records failed: \(refusal.code): "
                    + refusal.message)
        }
        if roles.assumed.isEmpty, !roles.refused.isEmpty {
            result.targetStops += roles.refused.map { refusal in
                LaneStop(
                    region: "", account: refusal.account, cause: .credentialsRefused, code: refusal.code,
                    message: refusal.message)
            }
        }
    }
}
