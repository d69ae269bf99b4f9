import SettleCore

/// settle's own bill CSV, `provider,date,model,token_type,tier,quantity,cost`, for providers
/// with no report API: either of quantity and cost may be empty, not both.
struct PlainBillCSV {
    static let required = ["provider", "date", "model", "token_type", "tier", "quantity", "cost"]
    let header: BillCSVHeader

    init(header cells: [String], path: String) throws(InputFileError) {
        header = try BillCSVHeader(cells, required: Self.required, path: path, format: .csv)
    }

    func decode(_ cells: [String]) throws(BillFieldProblem) -> BillLine {
        let provider = header.cell(cells, "provider")
        guard !provider.isEmpty else { throw BillFieldProblem(.missingField, "provider") }
        let dateText = header.cell(cells, "date")
        guard let day = UTCDay(dateText) else { throw BillFieldProblem(.badTime, "date \(dateText) is not YYYY-MM-DD") }
        let model = header.cell(cells, "model")
        guard !model.isEmpty else { throw BillFieldProblem(.missingField, "model") }
        let typeText = header.cell(cells, "token_type")
        var type: TokenType?
        if !typeText.isEmpty {
            guard let t = TokenType(rawValue: typeText) else { throw BillFieldProblem(.unknownTokenType, "\(typeText)") }
            type = t
        }
        let tierText = header.cell(cells, "tier")
        guard let tier = tierText.isEmpty ? .standard : Tier(rawValue: tierText) else { throw BillFieldProblem(.unknownTier, "\(tierText)") }
        let quantityText = header.cell(cells, "quantity"), costText = header.cell(cells, "cost")
        var quantity: Int64?, cost: ExactDecimal?
        if !quantityText.isEmpty {
            guard let q = Int64(quantityText), q >= 0, q < 1_000_000_000_000_000 else { throw BillFieldProblem(.badCount, "quantity \(quantityText) is not a whole number ≥ 0") }
            quantity = q
        }
        if !costText.isEmpty {
            cost = try BillAmount.parse(costText, "cost")
        }
        guard quantity != nil || cost != nil else { throw BillFieldProblem(.missingField, "quantity or cost") }
        return BillLine(provider: provider, day: day, model: model, tier: tier, tokenType: type, quantity: quantity, cost: cost)
    }
}
