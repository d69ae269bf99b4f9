import SettleCore

/// Payments taken in, what each did (`PaymentPosting`), the receivables they settle and the
/// reminders sent; the same SQL on both stores. Amounts go in and come out as decimal text, so
/// no cent is lost; sums are made in Swift, never by the database's arithmetic on text.
public final class PaymentLedger {
    let sql: any SQLExecutor

    init(_ sql: any SQLExecutor) { self.sql = sql }

    /// Starts the unit of work that loads one payment file: everything it stores commits
    /// together or not at all.
    public func beginLoad(runID: String, path: String, format: String) throws -> PaymentLoad {
        try PaymentLoad(sql: sql, runID: runID, path: path, format: format)
    }

    static let paymentNames = ["id", "source", "kind", "day", "amount", "currency", "fee", "fee_currency", "reference", "texts", "named_customer",
                               "stripe_customer", "refunds", "invoice", "rule", "applied", "credit", "customer_id", "unmatched"]
    static let paymentColumns = StoredColumns("payments", paymentNames)
    /// Separates a payment's texts in one column: a control character no remittance holds.
    static let textSeparator: Character = "\u{1F}"

    /// Every payment stored: the posted ones in the order they were posted, then the unmatched
    /// ones by date and id.
    public func all() throws -> [PostedPayment] {
        try sql.rows(Self.paymentColumns, "FROM payments ORDER BY posted_seq IS NULL, posted_seq, day, id", [], { try Self.posted(&$0) })
    }

    static func posted(_ row: inout StoredRow) throws -> PostedPayment {
        let id = try row.text()
        let source = try row.value(Payment.Source.self)
        let kind = try row.value(Payment.Kind.self)
        let day = try row.day()
        let amount = try row.money()
        let currency = try row.text()
        let fee = try row.decimal()
        let feeCurrency = try row.text()
        let reference = try row.text()
        let texts = try row.text()
        let named = try row.text()
        let stripe = try row.text()
        let refunds = try row.text()
        let invoice = try row.text()
        let rule = try row.text()
        let applied = try row.money()
        let credit = try row.money()
        let customer = try row.text()
        let unmatched = try row.optionalText()
        let payment = Payment(id: id, source: source, kind: kind, date: day, amount: amount, currency: currency, fee: fee,
                              reference: reference.isEmpty ? nil : reference,
                              texts: texts.split(separator: textSeparator, omittingEmptySubsequences: true).map(String.init),
                              customerID: named.isEmpty ? nil : named, stripeCustomer: stripe.isEmpty ? nil : stripe,
                              refunds: refunds.isEmpty ? nil : refunds)
        var p = payment
        p.feeCurrency = feeCurrency.isEmpty ? nil : feeCurrency
        guard rule.isEmpty || PaymentMatching.Rule(rawValue: rule) != nil else { throw StoreError.unreadable("payments.rule", rule) }
        let posting = PaymentPosting(invoice: invoice.isEmpty ? nil : invoice, rule: PaymentMatching.Rule(rawValue: rule), applied: applied,
                                     credit: credit, customerID: customer.isEmpty ? nil : customer, unmatched: unmatched)
        return PostedPayment(payment: p, posting: posting)
    }

    /// Which of `ids` are stored already.
    public func stored(_ ids: [String]) throws -> Set<String> {
        var out = Set<String>()
        let idColumn = StoredColumns("payments", ["id"])
        var at = 0
        while at < ids.count {
            let chunk = Array(ids[at..<min(at + 500, ids.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            for id in try sql.rows(idColumn, "FROM payments WHERE id IN (\(marks))", chunk.map { .text($0) }, { try $0.text() }) { out.insert(id) }
            at += chunk.count
        }
        return out
    }

    /// Stores what unmatched payments do now that they match (an invoice they name was issued
    /// since), in the order given, after every posting already stored.
    public func post(_ matched: [PostedPayment]) throws {
        guard !matched.isEmpty else { return }
        try sql.inTransaction { try Self.update(matched, sql: sql) }
    }

    static func update(_ matched: [PostedPayment], sql: any SQLExecutor) throws {
        var seq = try nextSeq(sql)
        for p in matched {
            try sql.perform("""
                UPDATE payments SET posted_seq = ?, invoice = ?, rule = ?, applied = ?, credit = ?, customer_id = ?, unmatched = NULL
                WHERE id = ? AND unmatched IS NOT NULL
                """, [.int(seq), .text(p.posting.invoice ?? ""), .text(p.posting.rule?.rawValue ?? ""), .decimal(p.posting.applied),
                      .decimal(p.posting.credit), .text(p.posting.customerID ?? ""), .text(p.payment.id)])
            seq += 1
        }
    }

    static func nextSeq(_ sql: any SQLExecutor) throws -> Int64 {
        let last = StoredColumns("payments", ["MAX(posted_seq)"])
        return (try sql.rows(last, "FROM payments", [], { try $0.optionalInt() })[0] ?? 0) + 1
    }

    // MARK: Receivables

    static let receivableColumns = StoredColumns("invoices", ["number", "customer_id", "currency", "issue_date", "due_date", "amount_due"])

    /// Every issued invoice and supplementary invoice as a receivable: its amount due (what the
    /// credit applied when issued left), nothing yet paid. `base`: the currency of documents
    /// stored before invoices kept theirs.
    public func receivables(base: String) throws -> [Receivable] {
        try sql.rows(Self.receivableColumns, "FROM invoices WHERE kind <> 'credit_note' ORDER BY issue_date, number") { row -> Receivable in
            let number = try row.text()
            let customer = try row.text()
            let currency = try row.text()
            let issued = try row.day()
            let due = try row.day()
            let amount = try row.money()
            return Receivable(number: number, customerID: customer, currency: currency.isEmpty ? base : currency, issueDate: issued,
                              dueDate: due, total: amount)
        }
    }

    /// The numbers of the invoices (not credit notes) of the billing periods of `period`.
    public func invoiceNumbers(period: PeriodMonth) throws -> Set<String> {
        Set(try sql.rows(StoredColumns("invoices", ["number"]), "FROM invoices WHERE kind <> 'credit_note' AND period = ?",
                         [.text(period.description)], { try $0.text() }))
    }

    static let settlementColumns = StoredColumns("credit_uses", ["source", "day", "amount"])

    /// What credit notes settled of the invoices they correct.
    public func settlements() throws -> [ReceivableBook.Settlement] {
        try sql.rows(Self.settlementColumns, "FROM credit_uses WHERE kind = 'settled'") { row -> ReceivableBook.Settlement in
            let invoice = try row.text()
            let day = try row.day()
            let amount = try row.money()
            return ReceivableBook.Settlement(invoice: invoice, day: day, amount: amount)
        }
    }

    /// What is open of an issued invoice now: its amount due less what payments and credit
    /// notes settled. Zero for a number the store does not have.
    public func openAmount(of number: String) throws -> ExactDecimal {
        let due = StoredColumns("invoices", ["amount_due"])
        guard let amount = try sql.rows(due, "FROM invoices WHERE number = ?", [.text(number)], { try $0.money() }).first else { return .zero }
        let applied = StoredColumns("payments", ["applied"])
        let paid = try sql.rows(applied, "FROM payments WHERE invoice = ? AND unmatched IS NULL", [.text(number)], { try $0.money() })
        let settled = try sql.rows(StoredColumns("credit_uses", ["amount"]), "FROM credit_uses WHERE kind = 'settled' AND source = ?",
                                   [.text(number)], { try $0.money() })
        return (paid + settled).reduce(amount) { $0 - $1 }
    }

    // MARK: Reminders

    /// The reminders recorded so far, sent or passed: what is never sent again.
    public func reminderKeys() throws -> Set<Reminder.Key> {
        Set(try sql.rows(StoredColumns("reminders", ["invoice", "days"]), "FROM reminders") { row -> Reminder.Key in
            let invoice = try row.text()
            let days = try row.int()
            return Reminder.Key(invoice: invoice, days: Int(days))
        })
    }

    /// Stores reminders with the deliveries that carry them, in one transaction (the outbox:
    /// a delivery is stored before it is sent). One already stored is left as it was.
    public func record(_ reminders: [Reminder], deliveries: [AlertDelivery], deliveryOf: [Reminder.Key: String], createdAt: Timestamp,
                       runID: String) throws {
        guard !reminders.isEmpty else { return }
        try sql.inTransaction {
            for r in reminders {
                try sql.perform("""
                    INSERT INTO reminders(invoice, days, customer_id, currency, due_date, open_amount, days_overdue, day, passed, delivery_id,
                        created_at, run_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """, [.text(r.invoice), .int(Int64(r.days)), .text(r.customerID), .text(r.currency), .text(r.dueDate.description),
                          .decimal(r.open), .int(Int64(r.daysOverdue)), .text(r.day.description), .int(r.passed ? 1 : 0),
                          .optional(deliveryOf[r.key]), .text(createdAt.description), .text(runID)])
            }
            for d in deliveries { try AlertLedger.insert(d, sql: sql) }
        }
    }

    /// A reminder as stored, with when it was recorded and the delivery that carries it.
    public struct StoredReminder: Sendable, Hashable {
        public var reminder: Reminder
        public var createdAt: Timestamp
        public var deliveryID: String?
    }

    static let reminderColumns = StoredColumns("reminders", ["invoice", "days", "customer_id", "currency", "due_date", "open_amount",
                                                             "days_overdue", "day", "passed", "delivery_id", "created_at"])

    /// Every reminder, oldest first.
    public func reminders() throws -> [StoredReminder] {
        try sql.rows(Self.reminderColumns, "FROM reminders ORDER BY created_at, invoice, days") { row -> StoredReminder in
            let invoice = try row.text()
            let days = try row.int()
            let customer = try row.text()
            let currency = try row.text()
            let due = try row.day()
            let open = try row.money()
            let overdue = try row.int()
            let day = try row.day()
            let passed = try row.flag()
            let delivery = try row.optionalText()
            let created = try row.time()
            return StoredReminder(reminder: Reminder(invoice: invoice, customerID: customer, currency: currency, days: Int(days), dueDate: due,
                                                     open: open, daysOverdue: Int(overdue), day: day, passed: passed),
                                  createdAt: created, deliveryID: delivery)
        }
    }
}

/// The tally of one payment file: read = accepted + duplicates + quarantined (+ skipped: debits,
/// charges that did not succeed).
public struct PaymentTally: Sendable {
    public var sha256: String
    public var bytes: Int64
    public var read: Int
    public var quarantined: Int
    public var skipped: Int
    public var skippedBy: [String: Int]

    public init(sha256: String, bytes: Int64, read: Int, quarantined: Int, skipped: Int, skippedBy: [String: Int]) {
        self.sha256 = sha256
        self.bytes = bytes
        self.read = read
        self.quarantined = quarantined
        self.skipped = skipped
        self.skippedBy = skippedBy
    }
}

/// One payment file's payments, postings, quarantined records and tally in one transaction.
/// Opened before the postings are decided, so that what they are decided against (the stored
/// payments and invoices) is what the transaction sees.
public final class PaymentLoad {
    private let sql: any SQLExecutor
    private let inputID: Int64
    private var open = true
    public var ledger: PaymentLedger { PaymentLedger(sql) }

    init(sql: any SQLExecutor, runID: String, path: String, format: String) throws {
        self.sql = sql
        try sql.beginWork()
        do {
            inputID = try IngestInputs.begin(sql, runID: runID, path: path, format: format, kind: "payment")
        } catch {
            sql.rollbackWork()
            throw error
        }
    }

    /// Stores the file's new payments (`new`, in the order posted), the unmatched payments of
    /// earlier files that match now (`matched`), the quarantined records and the tally, and
    /// commits. `duplicates`: payments of the file already stored (or twice in it).
    public func commit(new: [PostedPayment], matched: [PostedPayment], duplicates: Int, quarantined: [QuarantinedRowRecord],
                       tally: PaymentTally, runID: String, inbox: InboxEntry?, beforeCommit: () -> Void = {}) throws {
        do {
            try PaymentLedger.update(matched, sql: sql)
            var seq = try PaymentLedger.nextSeq(sql)
            for p in new {
                let q = p.posting, pay = p.payment
                try sql.perform("""
                    INSERT INTO payments(id, input_id, source, kind, day, amount, currency, fee, fee_currency, reference, texts, named_customer,
                        stripe_customer, refunds, posted_seq, invoice, rule, applied, credit, customer_id, unmatched, run_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.text(pay.id), .int(inputID), .text(pay.source.rawValue), .text(pay.kind.rawValue), .text(pay.date.description),
                          .decimal(pay.amount), .text(pay.currency), .decimal(pay.fee), .text(pay.feeCurrency ?? ""), .text(pay.reference ?? ""),
                          .text(pay.texts.joined(separator: String(PaymentLedger.textSeparator))), .text(pay.customerID ?? ""),
                          .text(pay.stripeCustomer ?? ""), .text(pay.refunds ?? ""), q.isPosted ? .int(seq) : .null,
                          .text(q.invoice ?? ""), .text(q.rule?.rawValue ?? ""), .decimal(q.applied), .decimal(q.credit),
                          .text(q.customerID ?? ""), .optional(q.unmatched), .text(runID)])
                if q.isPosted { seq += 1 }
            }
            if var inbox { inbox.sha256 = tally.sha256; try PendingWork(sql).record(inbox) }
            try IngestInputs.quarantine(quarantined, sha256: tally.sha256, inputID: inputID, sql)
            try IngestInputs.finish(inputID, IngestInputs.Tally(sha256: tally.sha256, bytes: tally.bytes, read: tally.read, accepted: new.count,
                                                                duplicates: duplicates, quarantined: tally.quarantined, skipped: tally.skipped,
                                                                skippedBy: tally.skippedBy), sql)
            beforeCommit()
            try sql.commitWork()
            open = false
        } catch {
            rollback()
            throw error
        }
    }

    public func rollback() {
        guard open else { return }
        open = false
        sql.rollbackWork()
    }

    deinit { rollback() }
}
