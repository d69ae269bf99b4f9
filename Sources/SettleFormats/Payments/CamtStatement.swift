import SettleCore

/// An ISO 20022 bank-to-customer statement, `camt.053` versions .001.02 to .001.08 (the
/// namespace names the version; the elements read here are the same in all of them), as banks
/// send them: every booked credit entry is a payment received, its remittance information
/// (`Ustrd`, or `Strd/CdtrRefInf/Ref`, the structured creditor reference) what matches it to an
/// invoice. A batch-booked entry with several transaction details is one payment per detail.
///
/// Debit entries (money the issuer paid out) and entries not booked (`PDNG`, `INFO`) are
/// skipped and counted; a credit entry without an amount or a date is quarantined naming its
/// line. A file that is not a camt.053 is refused, never read as "no payments".
public enum CamtStatement {
    static let namespacePrefix = "urn:iso:std:iso:20022:tech:xsd:camt.053.001."
    static let versions = ["02", "03", "04", "05", "06", "07", "08"]

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var problem: String
        public var description: String { "\(path): \(problem)" }
    }

    public static func read(path: String, bytes: [UInt8]) throws(Failure) -> [PaymentFileRecord] {
        let tree: XMLTree
        do { tree = try XMLTree(bytes: bytes) } catch { throw Failure(path: path, problem: error.description) }
        guard let root = tree.root, root.name == "Document", let ns = root.namespace, ns.hasPrefix(namespacePrefix),
              versions.contains(String(ns.dropFirst(namespacePrefix.count))) else {
            throw Failure(path: path, problem: "not an ISO 20022 camt.053 statement of version .001.02 to .001.08 (expected a Document in urn:iso:std:iso:20022:tech:xsd:camt.053.001.0N)")
        }
        let statements = root.all("BkToCstmrStmt", "Stmt")
        guard !statements.isEmpty else { throw Failure(path: path, problem: "holds no statement (BkToCstmrStmt/Stmt)") }
        var out: [PaymentFileRecord] = []
        var seen: Set<String> = []
        for stmt in statements {
            let stmtID = stmt.at("Id")?.text ?? "statement"
            let accountCurrency = stmt.at("Acct", "Ccy")?.text
            for (n, entry) in stmt.children("Ntry").enumerated() {
                for record in records(of: entry, index: n + 1, statement: stmtID, accountCurrency: accountCurrency) {
                    // Banks reuse a reference across the entries of one statement (PostFinance
                    // books two collective credits under one): the id then names the entry too,
                    // so that no payment is taken for a duplicate of another.
                    guard case .payment(var p) = record, !seen.insert(p.id).inserted else {
                        out.append(record)
                        continue
                    }
                    p.id += "#\(n + 1)"
                    seen.insert(p.id)
                    out.append(.payment(p))
                }
            }
        }
        return out
    }

    static func records(of entry: XMLTree.Node, index: Int, statement: String, accountCurrency: String?) -> [PaymentFileRecord] {
        // Sts is a code in .001.02–.001.07 and `Sts/Cd` in .001.08.
        let status = entry.at("Sts", "Cd")?.text ?? entry.at("Sts")?.text ?? ""
        guard status == "BOOK" else { return [.skipped("entry not booked (\(status.isEmpty ? "no status" : status))")] }
        guard entry.at("CdtDbtInd")?.text == "CRDT" else { return [.skipped("debit entry")] }
        if entry.at("RvslInd")?.text == "true" { return [.skipped("reversal")] }
        guard let dateText = entry.at("BookgDt", "Dt")?.text ?? entry.at("BookgDt", "DtTm")?.text.prefix(10).description
                ?? entry.at("ValDt", "Dt")?.text, let date = UTCDay(dateText) else {
            return [.quarantined(line: entry.line, reason: "missing_field: the entry has no booking date (BookgDt/Dt or DtTm)")]
        }
        let details = entry.all("NtryDtls", "TxDtls")
        let entryRef = entry.at("AcctSvcrRef")?.text ?? entry.at("NtryRef")?.text
        // One payment per transaction detail where the bank booked several together.
        let parts: [XMLTree.Node?] = details.count > 1 ? details.map { $0 } : [details.first]
        return parts.enumerated().map { i, tx -> PaymentFileRecord in
            let amountNode = parts.count > 1 ? (tx?.at("AmtDtls", "TxAmt", "Amt") ?? tx?.at("Amt")) : entry.at("Amt")
            guard let amountNode, let amount = ExactDecimal(amountNode.text), amount > .zero else {
                return .quarantined(line: (tx ?? entry).line, reason: "bad_amount: \(amountNode.map { "\"\($0.text)\"" } ?? "no Amt") is not a positive amount")
            }
            guard let currency = amountNode.attribute("Ccy") ?? accountCurrency, ISOCodes.isCurrency(currency) else {
                return .quarantined(line: amountNode.line, reason: "missing_field: the amount has no currency (Ccy)")
            }
            let txRef = tx?.at("Refs", "AcctSvcrRef")?.text ?? tx?.at("Refs", "EndToEndId")?.text.nonEmptyUnless("NOTPROVIDED")
            let id = [statement, txRef ?? entryRef ?? "entry \(index)", parts.count > 1 && txRef == nil ? "\(i + 1)" : nil]
                .compactMap { $0 }.joined(separator: "/")
            let remittance = (tx ?? entry).all("RmtInf", "Ustrd").map(\.text) + entry.all("AddtlNtryInf").map(\.text)
            let reference = (tx ?? entry).all("RmtInf", "Strd").compactMap { $0.at("CdtrRefInf", "Ref")?.text }.first
            return .payment(Payment(id: id, source: .bank, date: date, amount: amount, currency: currency, reference: reference,
                                    texts: remittance.filter { !$0.isEmpty }))
        }
    }
}

extension String {
    /// nil when empty or `placeholder` (camt's `NOTPROVIDED`).
    fileprivate func nonEmptyUnless(_ placeholder: String) -> String? { isEmpty || self == placeholder ? nil : self }
}
