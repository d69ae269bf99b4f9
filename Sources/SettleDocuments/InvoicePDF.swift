import SettleCore

/// An issued invoice, credit note or supplementary invoice as the PDF a customer receives
/// (PRODUCT.md, "Invoice documents"): the issuer, the customer, number, dates and period, the
/// lines with page breaks and the table's header repeated, the totals, the payment terms, and
/// "page N of M". Everything comes from the document itself, so the same document gives the
/// same bytes.
public enum InvoicePDF {
    public typealias Issuer = InvoiceIssuer

    static let font = "DejaVu Sans 8.5"
    static let bold = "DejaVu Sans Bold 8.5"
    static let margin = 48.0

    public static func render(_ inv: Invoice, issuer: Issuer, paper: Paper, paymentTermsDays: Int, logo: Logo? = nil) -> [UInt8] {
        let number = inv.number ?? "draft"
        let canvas = PDFCanvas(paper: paper, created: "\(inv.issueDate)T00:00:00Z", title: number)
        let left = margin, right = paper.width - margin, width = right - left
        // Columns of the line table: description, quantity, unit price, its unit, amount. The
        // unit has a column of its own so that `0.0000025` and `per 1M tokens` each stay on one line.
        // The unit price's column takes a converted price to 6 decimals (`1965.628357` in yen).
        let columns: [(x: Double, width: Double)] = [(left, width - 322), (right - 316, 76), (right - 236, 84), (right - 146, 84),
                                                     (right - 60, 60)]
        let aligns: [PDFCanvas.Align] = [.left, .right, .right, .left, .right]
        let rows = inv.lines.map { l -> [String] in
            [l.description, Figures.grouped(l.quantity), l.unitPriceText, l.unitLabel, l.amount.formatted(currency: inv.currency)]
        }
        // A row is as tall as its tallest cell (a long description, unit price or quantity wraps).
        let heights = rows.map { row in rowHeight(canvas, row, columns) }

        // The first page: logo, issuer, document, customer; the table starts below the lowest.
        let issuerEnd = letterhead(canvas, issuer: issuer, logo: logo, paymentMeans: inv.kind != .creditNote)
        canvas.text(title(of: inv), x: left + width / 2, y: margin, width: width / 2, font: "DejaVu Sans Bold 16", align: .right)
        // A credit note is not paid: it has no due date (PRODUCT.md, "Invoice documents").
        let due: [(String, String)] = inv.kind == .creditNote ? [] : [("Due date", inv.dueDate.description)]
        let adjusts: [(String, String)] = inv.adjusts.map { [("Adjusts", $0)] } ?? []
        // A document in another currency than the base says the rate its prices were converted
        // at (FINANCE.md, "Currencies"), and its VAT in the issuer's accounting currency.
        let rate: [(String, String)] = inv.exchangeRate.map {
            [("Rate", "1 \($0.from) = \($0.rate.normalized) \($0.to)"), ("Rate of", "ECB, \($0.date)")]
        } ?? []
        let accounting: [(String, String)] = inv.taxAccounting.flatMap { tax in
            inv.taxAccountingRate.map { [("VAT in \($0.to)", tax.formatted(currency: $0.to))] }
        } ?? []
        let reference: [(String, String)] = inv.paymentReference.map { [("Payment reference", CreditorReference.printed($0))] } ?? []
        let facts: [(String, String)] = [("Number", number), ("Issue date", inv.issueDate.description)] + due + reference
            + [("Period", "\(inv.period.firstDay) – \(inv.period.lastDay)")] + adjusts + rate + accounting
        var factsEnd = margin + 26
        for (label, value) in facts {
            factsEnd += max(canvas.text("\(label): \(value)", x: left + width / 2, y: factsEnd, width: width / 2, font: font, align: .right), 12)
        }
        var billTo = max(margin + 120, issuerEnd + 14, factsEnd + 14)
        billTo += canvas.text("Bill to", x: left, y: billTo, width: width / 2, font: bold)
        billTo += canvas.text(inv.customerName, x: left, y: billTo, width: width / 2, font: font)
        if !inv.customerAddress.isEmpty { billTo += canvas.text(inv.customerAddress, x: left, y: billTo, width: width / 2, font: font) }
        if !inv.customerTaxID.isEmpty { billTo += canvas.text("Tax ID \(inv.customerTaxID)", x: left, y: billTo, width: width / 2, font: font) }
        billTo += canvas.text("Customer \(inv.customerID)", x: left, y: billTo, width: width / 2, font: font)

        let firstTop = max(margin + 230, billTo + 20), laterTop = margin + 40, bottom = paper.height - margin - 30
        let layout = TablePages(heights: heights, firstTop: firstTop + 16, laterTop: laterTop + 16, bottom: bottom, after: 6 * 13.0 + 10)
        let pages = layout.pages, pageCount = layout.pageCount

        func footer(_ page: Int) {
            let terms = inv.kind == .creditNote
                ? "Credited to your account, to be used by your next invoices; nothing to pay."
                : "Payment due by \(inv.dueDate) (\(paymentTermsDays) days from the issue date), in \(inv.currency)."
            Self.footer(canvas, note: terms, page: page, of: pageCount)
        }
        func tableHeader(at top: Double) {
            for (c, title) in ["Description", "Quantity", "Unit price", "Unit", "Amount"].enumerated() {
                canvas.text(title, x: columns[c].x, y: top, width: columns[c].width, font: bold, align: aligns[c])
            }
            canvas.rule(x: left, y: top + 13, to: right)
        }

        for (p, indices) in pages.enumerated() {
            if p > 0 {
                canvas.newPage()
                canvas.text("\(title(of: inv)) \(number) (continued)", x: left, y: margin, width: width, font: bold)
            }
            let top = p == 0 ? firstTop : laterTop
            tableHeader(at: top)
            var rowY = top + 16
            for i in indices {
                for c in 0..<columns.count {
                    canvas.text(rows[i][c], x: columns[c].x, y: rowY, width: columns[c].width, font: font, align: aligns[c])
                }
                rowY += heights[i]
            }
            footer(p + 1)
            if p == pages.count - 1 {
                if layout.needsPageAfter {
                    canvas.newPage()
                    rowY = laterTop
                    footer(p + 2)
                }
                canvas.rule(x: right - 250, y: rowY + 4, to: right)
                // Why no VAT is charged, beside the totals (VAT Directive article 226 asks for
                // the words of a reverse charge); a document that charges VAT has none.
                if let reason = inv.taxExemptionReason {
                    canvas.text(reason, x: left, y: rowY + 10, width: width - 270, font: font)
                }
                let rate = inv.taxRatePct.normalized.description
                // A credit note's total goes on account (its credits applied is the total itself).
                let applied = inv.kind == .creditNote ? ("Credited to your account", -inv.creditsApplied) : ("Credits applied", -inv.creditsApplied)
                let totals = [("Subtotal", inv.subtotal), ("Tax (\(rate) %)", inv.tax), ("Total", inv.total), applied, ("Amount due", inv.amountDue)]
                // A label that wraps pushes the next one down: no figure prints over another.
                var line = rowY + 10
                for (label, amount) in totals {
                    let f = label == "Amount due" || label == "Total" ? bold : font
                    let height = canvas.text(label, x: right - 250, y: line, width: 128, font: f)
                    canvas.text("\(amount.formatted(currency: inv.currency)) \(inv.currency)", x: right - 120, y: line, width: 120, font: f, align: .right)
                    line += max(13, height + 2)
                }
            }
        }
        return canvas.finish()
    }

    /// The font's size in points, for `PDFCanvas.cellHeight`.
    static let fontSize = 8.5

    /// A table row's height: its tallest cell, at least one line, and 3 points apart.
    static func rowHeight(_ canvas: PDFCanvas, _ row: [String], _ columns: [(x: Double, width: Double)]) -> Double {
        var tallest = 11.0
        for (cell, column) in zip(row, columns) {
            tallest = max(tallest, canvas.cellHeight(cell, width: column.width, font: font, size: fontSize, line: 11))
        }
        return tallest + 3
    }

    static func title(of inv: Invoice) -> String {
        switch inv.kind {
        case .invoice: return "Invoice"
        case .creditNote: return "Credit note"
        case .supplementary: return "Supplementary invoice"
        }
    }

    /// The logo (36 points tall) and the issuer's name, address and tax id, top left; returns
    /// where they end.
    @discardableResult
    static func letterhead(_ canvas: PDFCanvas, issuer: Issuer, logo: Logo?, paymentMeans: Bool = false) -> Double {
        let width = canvas.paper.width - 2 * margin
        var at = margin
        if let logo {
            canvas.image(logo, x: margin, y: at, height: 36)
            at += 42
        }
        at += canvas.text(issuer.name, x: margin, y: at, width: width / 2, font: "DejaVu Sans Bold 12")
        if !issuer.address.isEmpty { at += canvas.text(issuer.address, x: margin, y: at, width: width / 2, font: font) }
        if !issuer.taxID.isEmpty { at += canvas.text("Tax ID \(issuer.taxID)", x: margin, y: at, width: width / 2, font: font) }
        if !issuer.companyID.isEmpty { at += canvas.text("Company no. \(issuer.companyID)", x: margin, y: at, width: width / 2, font: font) }
        // The payment means (FINANCE.md: `iban`/`bic` "printed as payment means") on what is
        // paid: not on a credit note, nor on a seller's statement, which the platform pays.
        if paymentMeans && !issuer.iban.isEmpty {
            at += canvas.text("IBAN \(groupedIBAN(issuer.iban))", x: margin, y: at, width: width / 2, font: font)
            if !issuer.bic.isEmpty { at += canvas.text("BIC \(issuer.bic)", x: margin, y: at, width: width / 2, font: font) }
        }
        return at
    }

    /// An IBAN as it is printed for people, in groups of four (`GB33 BUKB 2020 …`).
    static func groupedIBAN(_ iban: String) -> String {
        var out = ""
        for (i, c) in iban.filter({ $0 != " " }).enumerated() {
            if i > 0 && i % 4 == 0 { out.append(" ") }
            out.append(c)
        }
        return out
    }

    /// A note (the terms) bottom left and "Page N of M" bottom right.
    static func footer(_ canvas: PDFCanvas, note: String, page: Int, of pages: Int) {
        let y = canvas.paper.height - margin - 12, width = canvas.paper.width - 2 * margin
        canvas.text(note, x: margin, y: y, width: width - 90, font: font)
        canvas.text("Page \(page) of \(pages)", x: margin + width - 90, y: y, width: 90, font: font, align: .right)
    }
}
