import SettleCore

/// Stripe's payments export, the CSV the Dashboard writes (FINANCE.md, "Payments and
/// receivables"): `id`, `Description`, `Created (UTC)` or `Created date (UTC)`, `Amount`,
/// `Amount Refunded`, `Currency` (lower case), `Fee`, `Status`, `Customer ID`, `Customer
/// Email`, `Invoice ID`, `PaymentIntent ID`, and metadata columns such as `invoice_number
/// (metadata)`, `customer_id (metadata)`, `kind (metadata)`. Columns come and go between exports:
/// those not named here are ignored, and the ones needed are required by name, not position.
///
/// A succeeded charge (`Paid`, or refunded later: `Refunded`, `Partially refunded`) is a
/// payment, or a prepaid top-up where `kind (metadata)` is `topup`; what it refunded is a
/// refund of its own (`ID/refund`, dated `Refunded date (UTC)` where the export has it), taken
/// in once: the export says how much was refunded in all, not each refund. A failed or
/// uncaptured charge is skipped.
public enum StripePaymentsExport {
    static let required = ["id", "Amount", "Currency", "Status"]
    static let created = ["Created date (UTC)", "Created (UTC)"]

    public static func read(path: String) throws(InputFileError) -> [PaymentFileRecord] {
        var out: [PaymentFileRecord] = []
        var header: [String] = []
        do {
            header = try CSVTable.forEachRow(path: path, required: required) { row in out += records(of: row) }
        } catch {
            throw InputFileError(path: path, line: error.line, error.problem)
        }
        guard created.contains(where: header.contains) else {
            throw InputFileError(path: path, line: 1, "the header names no creation date (\(created.joined(separator: " or "))): is this Stripe's payments export?")
        }
        return out
    }

    static func records(of row: CSVTable.Row) -> [PaymentFileRecord] {
        let status = row["Status"].lowercased()
        guard ["paid", "succeeded", "refunded", "partially refunded"].contains(status) else { return [.skipped("charge \(row["Status"].isEmpty ? "without a status" : row["Status"])")] }
        let id = row["id"]
        guard !id.isEmpty else { return [.quarantined(line: row.line, reason: "missing_field: id")] }
        let dateText = created.lazy.map { row[$0] }.first { !$0.isEmpty } ?? ""
        guard let date = UTCDay(String(dateText.prefix(10))) else {
            return [.quarantined(line: row.line, reason: "bad_time: \"\(dateText)\" is not a date and time such as 2026-10-15 14:23:11")]
        }
        guard let amount = ExactDecimal(row["Amount"]), amount > .zero else {
            return [.quarantined(line: row.line, reason: "bad_amount: Amount \"\(row["Amount"])\" is not a positive amount")]
        }
        let currency = row["Currency"].uppercased()
        guard ISOCodes.isCurrency(currency) else { return [.quarantined(line: row.line, reason: "missing_field: Currency \"\(row["Currency"])\"")] }
        let refunded = ExactDecimal(row["Amount Refunded"]) ?? .zero
        guard refunded <= amount else {
            return [.quarantined(line: row.line, reason: "bad_amount: Amount Refunded \(row["Amount Refunded"]) is more than the Amount \(row["Amount"]) charged")]
        }
        let customer = row["customer_id (metadata)"]
        let stripeCustomer = row["Customer ID"]
        let kind: Payment.Kind = row["kind (metadata)"].lowercased() == "topup" ? .topup : .payment
        let texts = [row["invoice_number (metadata)"], row["Description"]].filter { !$0.isEmpty }
        var payment = Payment(
            id: id, source: .stripe, kind: kind, date: date, amount: amount, currency: currency, fee: ExactDecimal(row["Fee"]),
            texts: texts, customerID: customer.isEmpty ? nil : customer, stripeCustomer: stripeCustomer.isEmpty ? nil : stripeCustomer)
        // The fee is in the settlement currency (`Converted Currency`) where the export says it.
        let settlement = row["Converted Currency"].uppercased()
        if ISOCodes.isCurrency(settlement), settlement != currency { payment.feeCurrency = settlement }
        var out: [PaymentFileRecord] = [.payment(payment)]
        if refunded > .zero {
            // `Refunded date (UTC)` where the export has it (the last refund's); else the charge's.
            let refundDay = UTCDay(String(row["Refunded date (UTC)"].prefix(10))) ?? date
            out.append(.payment(Payment(id: "\(id)/refund", source: .stripe, kind: .refund, date: max(refundDay, date), amount: refunded,
                                        currency: currency, texts: texts, customerID: customer.isEmpty ? nil : customer,
                                        stripeCustomer: stripeCustomer.isEmpty ? nil : stripeCustomer, refunds: id)))
        }
        return out
    }
}
