import SettleCore
import SettleFormats
import SettleStore

extension ExitStatus {
    /// The exit status PRODUCT.md gives a failure: 65 for an input that cannot be read as its
    /// format, 75 for a lock another run holds or a PostgreSQL server not reached after its retries, 78 for bad configuration, 64 for an issue date that breaks the order of numbers or a journal month out of order, 1 for anything else.
    /// The one mapping: the command line exits with it and the run record keeps it.
    public init(failure error: any Error) {
        switch error {
        case is ConfigError: self = .config
        case is InputFileError: self = .dataError
        case is LockHeld: self = .locked
        case let e as StoreError where e.isUnreachable: self = .locked
        case is IssueDateError, is JournalMonthError: self = .usage
        default: self = .failed
        }
    }
}
