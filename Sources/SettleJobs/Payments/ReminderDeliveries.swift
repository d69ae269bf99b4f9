import SettleCore
import SettleFormats
import SettleStore

/// How reminders reach people, as alerts do: each customer with a webhook of their own (in the
/// version of customers.csv in force on the reminder's day) gets their reminders in one signed
/// POST; the reminders of customers without one go to the operator's `[alerts] webhook_url`
/// in one more. A passed reminder (a later step reached at the same time) is recorded, never
/// sent.
enum ReminderDeliveries {
    static func make(_ reminders: [Reminder], catalog: Catalog, operatorURL: String?, references: [String: String?],
                     at now: Timestamp) -> ([AlertDelivery], [Reminder.Key: String]) {
        var deliveries: [AlertDelivery] = []
        var deliveryOf: [Reminder.Key: String] = [:]
        var forOperator: [Reminder] = []
        let sent = reminders.filter { !$0.passed }
        for (customer, own) in Dictionary(grouping: sent, by: \.customerID).sorted(by: { $0.key < $1.key }) {
            guard let url = catalog.customers[customer]?.inForce(on: own[0].day).alertWebhook, !url.isEmpty else {
                forOperator += own
                continue
            }
            let id = "dlv_" + EvaluateAlerts.digest("reminders|" + own.map(reminderID).joined(separator: ","))
            for r in own { deliveryOf[r.key] = id }
            let body = JSONText.object([("customer_id", .string(customer)), ("reminders", .array(own.map { json($0, references: references) }))])
            deliveries.append(AlertDelivery(id: id, customerID: customer, url: url, body: body.rendered(), createdAt: now))
        }
        if let url = operatorURL, !url.isEmpty, !forOperator.isEmpty {
            let id = "dlv_" + EvaluateAlerts.digest("operator-reminders|" + forOperator.map(reminderID).joined(separator: ","))
            for r in forOperator { deliveryOf[r.key] = id }
            let body = JSONText.object([("reminders", .array(forOperator.map { json($0, references: references) }))])
            deliveries.append(AlertDelivery(id: id, customerID: "", url: url, body: body.rendered(), createdAt: now))
        }
        return (deliveries, deliveryOf)
    }

    /// The digest of what makes a reminder once-ever: the invoice and the step.
    static func reminderID(_ r: Reminder) -> String {
        "rem_" + EvaluateAlerts.digest("\(r.invoice)|\(r.days)")
    }

    static func json(_ r: Reminder, references: [String: String?]) -> JSONText {
        var members: [(String, JSONText)] = [
            ("id", .string(reminderID(r))), ("invoice", .string(r.invoice)), ("customer_id", .string(r.customerID)),
            ("currency", .string(r.currency)), ("open", .number(r.open.formatted(currency: r.currency))),
            ("due_date", .string(r.dueDate.description)), ("days_overdue", .int(Int64(r.daysOverdue))), ("reminder_days", .int(Int64(r.days))),
            ("day", .string(r.day.description)),
        ]
        if let reference = references[r.invoice] ?? nil { members.append(("payment_reference", .string(reference))) }
        members.append(("sent", .bool(!r.passed)))
        return .object(members)
    }

    /// `reminders/reminders.jsonl`: every reminder ever decided, oldest first, rewritten whole
    /// from the store so that a crash cannot leave it without one the store has.
    static func writeJSONLines(_ stored: [PaymentLedger.StoredReminder], references: [String: String?], outDir: String) throws -> String {
        let path = "\(outDir)/reminders/reminders.jsonl"
        var text = ""
        for s in stored {
            var line = json(s.reminder, references: references)
            if case .object(var members) = line {
                members.append(("created_at", .string(s.createdAt.description)))
                if let d = s.deliveryID { members.append(("delivery_id", .string(d))) }
                line = .object(members)
            }
            text += line.rendered() + "\n"
        }
        try FileSystem.writeAtomically(text, to: path)
        return path
    }
}
