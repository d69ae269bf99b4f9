import SettleCore
import SettleFormats

/// A period's payouts and each seller's statement lines, gathered as the issued documents are
/// read back in number order (`add`); the lines wait in temporary files, so a month of a
/// million documents is never held (a seller's lines wait 256 KiB at a time in memory, so that
/// a marketplace of hundreds of sellers stays small). Close feeds it while it writes the invoice
/// files. Amounts are in the base currency, a line of a document in another at its rate.
final class PayoutStatements {
    private(set) var book: PayoutBook
    private var lines: [String: SpillFile] = [:]

    init(services: [Service]) { book = PayoutBook(services: services) }

    func add(_ inv: Invoice) {
        book.add(inv)
        for l in PayoutBook.soldLines(of: inv) {
            guard let seller = book.seller(of: l) else { continue }
            let file: SpillFile
            if let f = lines[seller] { file = f } else { file = SpillFile(spillBytes: 256 << 10); lines[seller] = file }
            file.append(fields: [inv.number ?? "", inv.customerID, l.serviceID ?? "", l.kind.rawValue, l.description,
                                 String(l.quantity), inv.inBase(l.amount).formatted(places: 2)])
        }
    }

    /// `statement-SELLER.csv`: the seller's lines, then gross, platform fee and net per service.
    func writeStatement(of seller: String, payouts: [Payout], fees: [String: ExactDecimal], to path: String) throws {
        let out = try AtomicFileWriter(path: path)
        try out.write(CSVText.record(["invoice", "customer_id", "service_id", "kind", "description", "quantity", "amount"]))
        try lines[seller]?.forEachFields { try out.write(CSVText.record($0)) }
        for p in payouts where p.seller == seller {
            try out.write(CSVText.record(["", "", p.serviceID, "gross", "", "", p.gross.formatted(places: 2)]))
            try out.write(CSVText.record(["", "", p.serviceID, "platform_fee", "\(fees[p.serviceID]?.normalized.description ?? "") %", "",
                                          (-p.platformFee).formatted(places: 2)]))
            try out.write(CSVText.record(["", "", p.serviceID, "net", "", "", p.net.formatted(places: 2)]))
        }
        try out.commit()
    }

    /// The seller's lines in order: invoice, customer, service, kind, description, quantity, amount.
    func forEachLine(of seller: String, _ body: ([String]) throws -> Void) throws {
        try lines[seller]?.forEachFields(body)
    }
}
