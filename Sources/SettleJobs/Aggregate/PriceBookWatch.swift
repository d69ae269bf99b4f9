import SettleCore
import SettleFormats
import SettleStore

/// Current prices (PRODUCT.md, "Guarantees"): the store remembers the price book the daily
/// rows were last summed with; a change of prices.csv since then touches the days of the
/// changed models from the changed rows' dates on, and the job that sees it sums them again.
/// Issued periods keep their frozen prices (`IssuedTerms`): only open periods move.
struct PriceBookWatch {
    let text: String
    let digest: String

    init(prices: [PriceRow]) {
        text = PriceBookChange.text(prices)
        digest = IssuedTermsBook.digest(text)
    }

    /// The days with usage that the change since the last sum touches, sorted; none when the
    /// book is unchanged, or when no book was noted yet (a store's first sum).
    func touchedDays(store: any SettleStore) throws -> [UTCDay] {
        guard let seen = try store.issuedTerms.priceBookSeen(), seen.digest != digest else { return [] }
        var days = Set<UTCDay>()
        for (m, from) in PriceBookChange.firstDays(from: seen.body, to: text).sorted(by: { $0.key < $1.key }) {
            days.formUnion(try store.periods.daysWithUsage(provider: m.provider, model: m.model, from: from))
        }
        return days.sorted()
    }

    /// Notes the book as the one the daily rows are summed with.
    func note(store: any SettleStore) throws {
        if try store.issuedTerms.priceBookSeen()?.digest != digest { try store.issuedTerms.notePriceBook(digest: digest, body: text) }
    }
}
