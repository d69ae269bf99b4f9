import SettleCore
import SettleFormats
import SettleStore

/// A job as the command line runs it: the catalog loaded (a bad one stops it with 78 before
/// anything is locked), the lock taken, a run record opened, the work done, the record closed
/// with the outcome. Written once here; a job says its name, its parameters and its work.
public protocol Job {
    associatedtype Report: JobReport
    /// The job's name in the run history.
    var name: String { get }
    /// The run record's parameters; the database (without its password) is added. `startedAt`
    /// is the run's one reading of the clock: a date a job derives from it (close's issue date)
    /// is the same in its record and its work.
    func parameters(env: JobEnvironment, startedAt: Timestamp) -> [String: String]
    /// The work, under the lock, and what the run record is to say of it.
    func run(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Report, JobRun.Outcome)
}

/// What a job hands back: its own figures, and the record of its run.
public protocol JobReport {
    init()
    var runRecord: RunRecord? { get set }
}

extension Job {
    public func execute(store: any SettleStore, env: JobEnvironment) throws -> Report {
        let catalog = try CatalogLoader.load(config: env.config)
        let startedAt = env.clock()
        var parameters = self.parameters(env: env, startedAt: startedAt)
        parameters["database"] = store.displayURL
        var record = JobRun(job: name, parameters: parameters, startedAt: startedAt)
        let runID = record.runID
        var report = Report()
        let finished = try record.execute(store: store, env: env) { _ in
            let (done, outcome) = try run(store: store, env: env, catalog: catalog, runID: runID, startedAt: startedAt)
            report = done
            return outcome
        }
        report.runRecord = finished
        return report
    }
}
