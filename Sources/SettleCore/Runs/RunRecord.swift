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

    public var runStatus: String {
        switch self {
        case .ok: return "succeeded"
        case .findings: return "succeeded_with_findings"
        case .locked: return "locked_out"
        default: return "failed"
        }
    }
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
    /// Provider reports only: records that are not ours to reconcile (CUR rows of other AWS
    /// services), counted so that the ledger still balances.
    public var skipped: Int

    public init(path: String, sha256: String, format: String, bytes: Int64 = 0, read: Int, accepted: Int, duplicates: Int,
                quarantined: Int, skipped: Int = 0) {
        self.path = path
        self.sha256 = sha256
        self.format = format
        self.bytes = bytes
        self.read = read
        self.accepted = accepted
        self.duplicates = duplicates
        self.quarantined = quarantined
        self.skipped = skipped
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
    public var status: String
    public var exitCode: Int32?
    public var parameters: [String: String]
    public var inputs: [InputTally]
    public var outputs: [String]
    public var message: String?

    public init(runID: String, job: String, startedAt: Timestamp, finishedAt: Timestamp? = nil, status: String = "running",
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
