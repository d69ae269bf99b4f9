/// The One-Stop Shop return's lines (FINANCE.md, "Tax"): supplies to consumers in other member
/// states, by member state of consumption and rate, for the quarter a close's period is in.
///
/// A document belongs here when it is standard rated, its customer is in a member state other
/// than the issuer's, and the customer gave no VAT identifier: a consumer. (A business there is
/// reverse charged, unless customers.csv gives it a rate of its own, which does not make it a
/// consumer.) Credit notes count negative, supplementary invoices positive, so the return
/// shows what the quarter's periods came to after every adjustment.
public enum OneStopShop {
    public struct Line: Sendable, Hashable {
        public var country: String
        public var ratePct: ExactDecimal
        public var taxable: ExactDecimal
        public var tax: ExactDecimal
        public var currency: String
    }

    private struct Key: Hashable {
        var country: String
        var rate: ExactDecimal
        var currency: String
    }

    public static func belongs(_ document: Invoice) -> Bool {
        document.taxCategory == .standard && !document.issuerCountry.isEmpty && document.customerCountry != document.issuerCountry
            && TaxRules.memberStates.contains(document.customerCountry) && document.customerTaxID.isEmpty
    }

    /// The lines, by country, rate and currency, sorted; documents that do not belong are left out.
    public static func lines(_ documents: some Sequence<Invoice>) -> [Line] {
        var sums: [Key: (taxable: ExactDecimal, tax: ExactDecimal)] = [:]
        for d in documents where belongs(d) {
            // In the issuer's accounting currency (FINANCE.md: the return is filed in it): a
            // document in another counts with its tax_accounting, its taxable amount converted at
            // the same rate.
            let (currency, taxable, tax) = d.taxAccountingRate.map { r in (r.to, r.amount(d.subtotal), d.taxAccounting ?? r.amount(d.tax)) }
                ?? (d.currency, d.subtotal, d.tax)
            let key = Key(country: d.customerCountry, rate: d.taxRatePct.normalized, currency: currency)
            let s = sums[key] ?? (.zero, .zero)
            sums[key] = (s.taxable + taxable, s.tax + tax)
        }
        return sums.map { Line(country: $0.key.country, ratePct: $0.key.rate, taxable: $0.value.taxable, tax: $0.value.tax, currency: $0.key.currency) }
            .sorted { ($0.country, $0.ratePct, $0.currency) < ($1.country, $1.ratePct, $1.currency) }
    }

    /// The months of the calendar quarter `month` is in, and its name (`2026-Q4`).
    public static func quarter(of month: PeriodMonth) -> (name: String, months: [PeriodMonth]) {
        let first = (month.month - 1) / 3 * 3 + 1
        let months = (first..<(first + 3)).map { PeriodMonth(year: month.year, month: $0) }
        return ("\(month.year)-Q\((first - 1) / 3 + 1)", months)
    }
}
