/// How a run ended, in the exit codes cron wrappers know (sysexits).
public enum ExitStatus: Int32, Sendable, CaseIterable {
    case ok = 0
    case failed = 1
    /// Done, with findings a human should read.
    case findings = 3
    case usage = 64
    case dataError = 65
    case locked = 75
    case config = 78

    public var runStatus: RunStatus {
        switch self {
        case .ok: return .succeeded
        case .findings: return .succeededWithFindings
        case .locked: return .lockedOut
        default: return .failed
        }
    }
}

/// How a run stands in the run history (`runs.status`, `status` in the run record).
public enum RunStatus: String, Sendable, CaseIterable, CustomStringConvertible {
    case running
    case succeeded
    case succeededWithFindings = "succeeded_with_findings"
    case failed
    /// Left `running` by a process that died (kill -9); marked by the next run.
    case interrupted
    case lockedOut = "locked_out"

    public var description: String { rawValue }
}

/// What one input file became: the ledger behind "nothing lost": read = accepted + duplicates + quarantined.
public struct InputTally: Sendable, Equatable {
    public var path: String
    public var sha256: String
    public var format: String
    public var bytes: Int64
    public var read: Int
    public var accepted: Int
    public var duplicates: Int
    public var quarantined: Int
    /// Provider bills only: records that are not ours to reconcile (CUR rows of other AWS
    /// services, the compute and storage of a FOCUS cloud bill), counted so that the ledger
    /// still balances.
    public var skipped: Int
    /// `skipped`, per service (FOCUS `ServiceName`, CUR product code), so that an operator can
    /// see what was left out.
    public var skippedBy: [String: Int]

    public init(path: String, sha256: String, format: String, bytes: Int64 = 0, read: Int, accepted: Int, duplicates: Int,
                quarantined: Int, skipped: Int = 0, skippedBy: [String: Int] = [:]) {
        self.path = path
        self.sha256 = sha256
        self.format = format
        self.bytes = bytes
        self.read = read
        self.accepted = accepted
        self.duplicates = duplicates
        self.quarantined = quarantined
        self.skipped = skipped
        self.skippedBy = skippedBy
    }

    /// The identity PRODUCT.md guarantees for every input.
    public var balances: Bool { read == accepted + duplicates + quarantined + skipped }
}

/// One run of a job, as kept in the store and written to `runs/RUN_ID.json`.
public struct RunRecord: Sendable, Equatable {
    public var runID: String
    public var job: String
    public var startedAt: Timestamp
    public var finishedAt: Timestamp?
    /// running, succeeded, succeeded_with_findings, failed, interrupted
    public var status: RunStatus
    public var exitCode: Int32?
    public var parameters: [String: String]
    public var inputs: [InputTally]
    public var outputs: [String]
    public var message: String?

    public init(runID: String, job: String, startedAt: Timestamp, finishedAt: Timestamp? = nil, status: RunStatus = .running,
                exitCode: Int32? = nil, parameters: [String: String] = [:], inputs: [InputTally] = [],
                outputs: [String] = [], message: String? = nil) {
        self.runID = runID
        self.job = job
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.exitCode = exitCode
        self.parameters = parameters
        self.inputs = inputs
        self.outputs = outputs
        self.message = message
    }
}

/// The per-service counts of skipped rows, as the store keeps them: one `name<TAB>count` line
/// per service, sorted by name.
public enum SkippedRows {
    public static func encode(_ counts: [String: Int]) -> String {
        counts.sorted { $0.key < $1.key }.map { name, n in
            let clean = String(name.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 })
            return "\(clean)\t\(n)"
        }.joined(separator: "\n")
    }

    public static func decode(_ text: String) -> [String: Int] {
        var out: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            guard let tab = line.lastIndex(of: "\t"), let n = Int(line[line.index(after: tab)...]) else { continue }
            out[String(line[..<tab]), default: 0] += n
        }
        return out
    }

    /// `Compute Engine 812, Cloud Storage 140`: the largest first; past `limit` services, how
    /// many more.
    public static func describe(_ counts: [String: Int], limit: Int = .max) -> String {
        let sorted = counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        let shown = sorted.prefix(limit).map { "\($0.key) \($0.value)" }
        return (shown + (sorted.count > limit ? ["\(sorted.count - limit) more services"] : [])).joined(separator: ", ")
    }
}
