import SettleCore
import SettleFormats
import SettleStore

/// A job as the command line runs it: made ready (the catalog loaded, a bad one stops it with
/// 78; input files checked readable, 65) before anything is locked, the lock taken, a run
/// record opened, the work done, the record closed with the outcome. Written once here; a job
/// says its name, what it makes ready, its parameters and its work.
public protocol Job {
    associatedtype Result: JobResult
    /// What the job makes ready before it takes the lock: the catalog for most jobs; the
    /// checked input files for a load, which needs no catalog.
    associatedtype Prepared = Catalog
    /// The job's name in the run history.
    var name: String { get }
    /// How the job holds the settle lock: `.shared` for a load that may run beside others.
    var lockMode: LockMode { get }
    /// Done before the lock, so that a bad catalog or an unreadable file stops the job before
    /// it touches anything.
    func prepare(env: JobEnvironment) throws -> Prepared
    /// The run record's parameters; the database (without its password) is added. `startedAt`
    /// is the run's one reading of the clock: a date a job derives from it (close's issue date)
    /// is the same in its record and its work.
    func parameters(env: JobEnvironment, prepared: Prepared, startedAt: Timestamp) -> [String: String]
    /// A run that changes nothing (`--dry-run`): its result, with no lock and no run record;
    /// nil when this run is a real one.
    func dryRun(store: any SettleStore, env: JobEnvironment, prepared: Prepared) throws -> Result?
    /// The work, under the lock, and what the run record is to say of it.
    func run(store: any SettleStore, env: JobEnvironment, prepared: Prepared, runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome)
}

/// What a job hands back: its own figures, and the record of its run.
public protocol JobResult {
    init()
    var runRecord: RunRecord? { get set }
}

extension Job {
    public var lockMode: LockMode { .exclusive }
    public func dryRun(store: any SettleStore, env: JobEnvironment, prepared: Prepared) throws -> Result? { nil }
}

extension Job where Prepared == Catalog {
    public func prepare(env: JobEnvironment) throws -> Catalog { try CatalogLoader.load(config: env.config) }
}

extension Job {
    public func execute(store: any SettleStore, env: JobEnvironment) throws -> Result {
        let prepared = try prepare(env: env)
        if let result = try dryRun(store: store, env: env, prepared: prepared) { return result }
        let startedAt = env.clock()
        var parameters = self.parameters(env: env, prepared: prepared, startedAt: startedAt)
        parameters["database"] = store.displayURL
        var record = JobRun(job: name, parameters: parameters, startedAt: startedAt)
        let runID = record.runID
        var result = Result()
        let finished = try record.execute(store: store, env: env, lock: lockMode) { _ in
            let (done, outcome) = try run(store: store, env: env, prepared: prepared, runID: runID, startedAt: startedAt)
            result = done
            return outcome
        }
        result.runRecord = finished
        return result
    }
}
