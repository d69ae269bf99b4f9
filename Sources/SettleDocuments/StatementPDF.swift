import SettleCore

/// A seller's payout statement for a period as a PDF (`payouts/P/SELLER.pdf`): every service
/// and trial line of the period's issued invoices that pays the seller, then gross, platform fee
/// and net per service, and what is owed in all.
public enum StatementPDF {
    /// One service's payout: gross, the platform's fee (with its percentage) and net.
    public struct Service: Sendable {
        public var serviceID: String
        public var gross: ExactDecimal
        public var feePct: ExactDecimal
        public var fee: ExactDecimal
        public var net: ExactDecimal
        public init(serviceID: String, gross: ExactDecimal, feePct: ExactDecimal, fee: ExactDecimal, net: ExactDecimal) {
            self.serviceID = serviceID
            self.gross = gross
            self.feePct = feePct
            self.fee = fee
            self.net = net
        }
    }

    /// What a seller paid in another currency than the base receives (sellers.csv `currency`).
    public struct PaidIn: Sendable {
        public var net: ExactDecimal
        public var rate: ExchangeRate
        public init(net: ExactDecimal, rate: ExchangeRate) {
            self.net = net
            self.rate = rate
        }
    }

    /// `lines`: invoice, customer, service, kind, description, quantity, amount, all in
    /// `currency` (the base); `paidIn`: the net in the seller's own currency, last.
    public static func render(seller: String, period: PeriodMonth, currency: String, lines: [[String]], services: [Service],
                              issuer: InvoicePDF.Issuer, paper: Paper, created: UTCDay, logo: Logo? = nil, paidIn: PaidIn? = nil) -> [UInt8] {
        let canvas = PDFCanvas(paper: paper, created: "\(created)T00:00:00Z", title: "Payout statement \(seller) \(period)")
        let margin = InvoicePDF.margin, font = InvoicePDF.font, bold = InvoicePDF.bold
        let left = margin, right = paper.width - margin, width = right - left
        // Invoice, customer, description (which names the service), quantity (`1,100,000,000`
        // on one line), amount.
        let columns: [(x: Double, width: Double)] = [(left, 110), (left + 112, 80), (left + 196, width - 196 - 152),
                                                     (right - 148, 76), (right - 66, 66)]
        let rows = lines.map { l -> [String] in [l[0], l[1], l[4].isEmpty ? "\(l[2]) \(l[3])" : l[4], Figures.grouped(l[5]), l[6]] }
        let heights = rows.map { row in InvoicePDF.rowHeight(canvas, row, columns) }
        // The totals: per service gross, platform fee and net, then what is owed. A label takes
        // the width left of the amounts and as many lines as it needs: a long service id wraps
        // and pushes what follows down, never over it.
        let labelX = max(left, right - 400), labelWidth = right - 128 - labelX
        var totals: [(label: String, amount: ExactDecimal, bold: Bool, currency: String)] = []
        for s in services {
            totals.append(("\(s.serviceID) gross", s.gross, false, currency))
            totals.append(("\(s.serviceID) platform fee (\(s.feePct.normalized) %)", -s.fee, false, currency))
            totals.append(("\(s.serviceID) net", s.net, false, currency))
        }
        totals.append(("Owed to \(seller)", services.reduce(ExactDecimal.zero) { $0 + $1.net }, paidIn == nil, currency))
        if let paid = paidIn {
            totals.append(("Paid in \(paid.rate.to) (1 \(paid.rate.from) = \(paid.rate.rate.normalized) \(paid.rate.to), ECB \(paid.rate.date))",
                           paid.net, true, paid.rate.to))
        }
        let totalHeights = totals.map { t in
            canvas.cellHeight(t.label, width: labelWidth, font: t.bold ? bold : font, size: InvoicePDF.fontSize, line: 11) + 2
        }
        let top = margin + 130, laterTop = margin + 40, bottom = paper.height - margin - 30
        let layout = TablePages(heights: heights, firstTop: top + 16, laterTop: laterTop + 16, bottom: bottom,
                                after: totalHeights.reduce(0, +) + 10)
        func header(at y: Double) {
            for (c, title) in ["Invoice", "Customer", "Description", "Quantity", "Amount"].enumerated() {
                canvas.text(title, x: columns[c].x, y: y, width: columns[c].width, font: bold, align: c >= 3 ? .right : .left)
            }
            canvas.rule(x: left, y: y + 13, to: right)
        }
        func footer(_ page: Int) {
            InvoicePDF.footer(canvas, note: "Amounts in \(currency).", page: page, of: layout.pageCount)
        }
        InvoicePDF.letterhead(canvas, issuer: issuer, logo: logo)
        canvas.text("Payout statement", x: left + width / 2, y: margin, width: width / 2, font: "DejaVu Sans Bold 16", align: .right)
        canvas.text("Seller: \(seller)", x: left + width / 2, y: margin + 26, width: width / 2, font: font, align: .right)
        canvas.text("Period: \(period)", x: left + width / 2, y: margin + 38, width: width / 2, font: font, align: .right)
        for (p, indices) in layout.pages.enumerated() {
            if p > 0 {
                canvas.newPage()
                canvas.text("Payout statement \(seller) \(period) (continued)", x: left, y: margin, width: width, font: bold)
            }
            let tableTop = p == 0 ? top : laterTop
            header(at: tableTop)
            var y = tableTop + 16
            for i in indices {
                for c in 0..<5 {
                    canvas.text(rows[i][c], x: columns[c].x, y: y, width: columns[c].width, font: font, align: c >= 3 ? .right : .left)
                }
                y += heights[i]
            }
            footer(p + 1)
            guard p == layout.pages.count - 1 else { continue }
            if layout.needsPageAfter {
                canvas.newPage()
                y = laterTop
                footer(p + 2)
            }
            canvas.rule(x: labelX, y: y + 4, to: right)
            var line = y + 10
            for (t, height) in zip(totals, totalHeights) {
                canvas.text(t.label, x: labelX, y: line, width: labelWidth, font: t.bold ? bold : font)
                canvas.text("\(t.amount.formatted(currency: t.currency)) \(t.currency)", x: right - 120, y: line, width: 120, font: t.bold ? bold : font,
                            align: .right)
                line += height
            }
        }
        return canvas.finish()
    }
}
