import ArgumentParser
import SettleCore
import SettleFormats
import SettleJobs

struct IngestPaymentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payments",
        abstract: "Ingest payments: Stripe's payments export and camt.053 bank statements.",
        discussion: """
        Reads Stripe's payments export (the Dashboard's CSV: id, Created date (UTC), Amount, Amount Refunded, Currency, Fee, Status, Customer ID and metadata columns such as invoice_number (metadata), customer_id (metadata), kind (metadata)) and ISO 20022 camt.053 bank statements (.001.02 to .001.08: booked credit entries). The format is read from the content.

        Each payment is matched to an invoice by its RF creditor reference, else an invoice number in its remittance, description or metadata, else (where it names its customer) that customer's one open invoice of exactly its amount. A part payment leaves the rest open; an overpayment becomes credit on account; a Stripe payment with kind (metadata) = topup is a prepaid top-up; a refund reopens what it refunds. Payments that match nothing are listed in OUT/payments/unmatched.csv (exit 3) and tried again by every later ingest and receivables run, so a payment that came before its invoice is matched once the invoice is issued.

        Each file is one transaction. A payment id seen before is a duplicate, forever: the same file again changes nothing. Records that cannot be read are quarantined to OUT/quarantine/ (exit 3); a file that is no payment file, or holds nothing, stops the run with exit 65 before anything is stored.

        Examples:
          settle ingest payments inbox/payments/
          settle ingest payments stripe-payments-2026-10.csv camt053-2026-10-31.xml
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions

    @Argument(help: "Files or folders (folders are read recursively, hidden files skipped).")
    var paths: [String]

    func run() throws {
        let console = global.console
        try withExitStatus(console) {
            let env = try global.environment()
            let store = try env.openStore()
            let result = try IngestPayments(paths: paths).execute(store: store, env: env)
            for input in result.inputs {
                console.say(InputLines.tally(input, label: input.format, skipped: "not payments received"))
            }
            for p in result.posted { console.say("  " + PaymentLines.posted(p)) }
            let record = result.runRecord!
            console.say("run \(record.runID): \(result.inputs.count) payment files; record \(env.outDir)/runs/\(record.runID).json")
            if !result.unmatched.isEmpty {
                for p in result.unmatched.prefix(5) { console.warn("unmatched \(p.payment.id): \(p.posting.unmatched ?? "")") }
                let more = result.unmatched.count > 5 ? " (\(result.unmatched.count - 5) more)" : ""
                console.warn("\(result.unmatched.count) payments match no invoice\(more); they are in \(result.unmatchedFile ?? "payments/unmatched.csv")")
            }
            if result.quarantined > 0 {
                console.warn("\(grouped(result.quarantined)) payment records quarantined; the records and reasons are in \(env.outDir)/quarantine/")
            }
            return result.status
        }
    }
}

/// A posted payment in one line, as an operator reads it.
enum PaymentLines {
    static func posted(_ p: PostedPayment) -> String {
        let pay = p.payment, q = p.posting
        let amount = "\(pay.amount.formatted(currency: pay.currency)) \(pay.currency)"
        let credit = q.credit.isZero ? "" : ", \(q.credit.formatted(currency: pay.currency)) to \(q.customerID ?? "")'s credit"
        switch pay.kind {
        case .topup:
            return "\(pay.id): top-up of \(amount) for \(q.customerID ?? "")"
        case .refund:
            let reopened = q.applied.isZero ? "" : ", reopens \((-q.applied).formatted(currency: pay.currency)) of \(q.invoice ?? "")"
            return "\(pay.id): refund of \(amount)\(reopened)\(credit)"
        case .payment:
            return "\(pay.id): \(amount) pays \(q.invoice ?? "") (by \(q.rule?.rawValue ?? "")): \(q.applied.formatted(currency: pay.currency)) applied\(credit)"
        }
    }
}
