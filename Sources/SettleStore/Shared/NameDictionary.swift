/// One of the two dictionaries an event's names are stored in, each combination once, named by
/// an integer in each event row: who called (`usage_callers`: customer, API key, upstream
/// account, service) and what ran (`usage_models`: provider, model, tier, status). Two small
/// dictionaries rather than one of every combination: a gateway's callers and models multiply
/// into hundreds of thousands of combinations, which a load would have to make one by one.
/// Absent optional names are stored as '' (a name is never empty: validation makes an empty
/// field absent).
///
/// A caller with a service gets a negative id, one without a positive id: the partial index that
/// finds a customer's service events (free trials) covers `caller_id < 0` and needs no column
/// of its own.
struct NameDictionary: Sendable {
    let table: String
    let columns: [String]
    /// The batch's text cells the columns come from (`UsageEventBatch.append`'s order).
    let cells: [Int]
    /// The column (the service) whose being set makes an entry's id negative, if any.
    let negativeWhenSet: String?

    static let callers = NameDictionary(table: "usage_callers", columns: ["customer_id", "api_key_id", "upstream_account", "service_id"],
                                        cells: [1, 6, 7, 8], negativeWhenSet: "service_id")
    static let models = NameDictionary(table: "usage_models", columns: ["provider", "model", "tier", "status"],
                                       cells: [2, 3, 4, 5], negativeWhenSet: nil)
    static let all = [callers, models]

    var sequence: String { table + "_id_seq" }

    /// Whether an entry with these values gets a negative id.
    func isNegative(_ values: [String]) -> Bool {
        guard let column = negativeWhenSet, let i = columns.firstIndex(of: column), i < values.count else { return false }
        return !values[i].isEmpty
    }
}

/// Where a load finds and makes the ids of names and request-id prefixes it has not met yet.
/// SQLite makes them inside the load's transaction (one writer); PostgreSQL on a connection of
/// its own, committed at once, so that loads running side by side share them and never wait on
/// each other's transactions.
protocol UsageKeyResolver: AnyObject {
    /// The ids of `entries` of `dictionary` (distinct, none known to the caller yet), made where
    /// missing. `new`: the caller holds every stored entry, so these are not stored yet (SQLite,
    /// the one writer, then skips the lookups).
    func ids(of entries: [[String]], in dictionary: NameDictionary, new: Bool) throws -> [Int64]
    /// Every stored entry with its id, or nil when there are more than `limit`.
    func stored(_ dictionary: NameDictionary, limit: Int) throws -> [([String], Int64)]?
    /// The id of a request-id prefix, made if missing; nil once 127 prefixes exist.
    func prefixID(_ prefix: String) throws -> UInt8?
}
