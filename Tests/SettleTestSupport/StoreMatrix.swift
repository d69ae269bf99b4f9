import Foundation
import SettleStore

/// The stores every store test runs against. SQLite always; PostgreSQL joins when its store
/// lands (scripts/test will pass a throwaway server's URL).
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite

    public var description: String { rawValue }

    public static var all: [StoreKind] { allCases }

    /// A fresh, empty, migrated store of this kind; its URL, for a child `settle` process.
    public func makeStore(in folder: TempFolder) throws -> (store: SettleStore, url: String) {
        switch self {
        case .sqlite:
            let url = "sqlite:\(folder.path)/var/settle.sqlite"
            let store = try StoreOpener.open(url: url)
            try store.migrate()
            return (store, url)
        }
    }
}
