import SettleCore
import Foundation

/// AWS Cost and Usage Report 2.0 rows for Amazon Bedrock.
///
/// `line_item_usage_type` holds region, model, token type and tier:
/// `USE1-Claude3Sonnet-input-tokens-batch`. The amount is in `pricing_unit`, which is read,
/// never assumed. Rows of other AWS services are skipped (counted, not kept); Bedrock rows that
/// are not usage (tax, credits, refunds) are kept as named lines.
struct CURBedrockDecoder {
    static let provider = "bedrock"
    static let required = ["line_item_product_code", "line_item_usage_type", "line_item_usage_amount",
                           "line_item_unblended_cost", "line_item_usage_start_date"]
    let header: BillCSVHeader
    let options: BillReadOptions

    init(header cells: [String], path: String, options: BillReadOptions = BillReadOptions()) throws(InputFileError) {
        self.options = options
        header = try BillCSVHeader(cells, required: Self.required, path: path, format: .cur)
    }

    /// The AWS service of a row that is not Bedrock's, as the run record counts it.
    func service(_ cells: [String]) -> String {
        let code = header.cell(cells, "line_item_product_code")
        return code.isEmpty ? "(no line_item_product_code)" : code
    }

    /// nil: not a Bedrock row.
    func decode(_ cells: [String]) throws(BillFieldProblem) -> BillLine? {
        guard header.cell(cells, "line_item_product_code") == "AmazonBedrock" else { return nil }
        let day = try FOCUSDecoder.day(header.cell(cells, "line_item_usage_start_date"))
        // A bill in another currency than the base: converted at the rate of its day.
        let rate = try options.rate(billedIn: header.cell(cells, "line_item_currency_code"), on: day)
        let costText = header.cell(cells, "line_item_unblended_cost")
        let cost = BillReadOptions.converted(try BillAmount.parse(costText, "line_item_unblended_cost"), rate)
        let itemType = header.cell(cells, "line_item_line_item_type")
        if !itemType.isEmpty && !["Usage", "DiscountedUsage", "SavingsPlanCoveredUsage"].contains(itemType) {
            var line = BillLine(provider: Self.provider, day: day, model: itemType, tokenType: nil, cost: cost)
            line.exchangeRate = rate
            return line
        }
        let usageType = header.cell(cells, "line_item_usage_type")
        guard let parsed = Self.parseUsageType(usageType) else {
            throw BillFieldProblem(.unknownUsageType, "\(usageType) (expected REGION-MODEL-input-tokens and the like)")
        }
        let quantity = try TokenUnit.tokens(header.cell(cells, "line_item_usage_amount"), unit: header.cell(cells, "pricing_unit"))
        guard quantity >= 0 else { throw BillFieldProblem(.badCount, "line_item_usage_amount is negative") }
        var line = BillLine(provider: Self.provider, day: day, model: parsed.model, tier: parsed.tier, tokenType: parsed.type,
                            quantity: quantity, cost: cost)
        line.exchangeRate = rate
        return line
    }

    private static let markers: [(String, TokenType)] = [
        ("-cache-read-input-token-count", .cachedInput), ("-cache-write-input-token-count", .cacheWrite),
        ("-input-tokens", .input), ("-output-tokens", .output),
        ("-input-token-count", .input), ("-output-token-count", .output),
    ]

    static func parseUsageType(_ text: String) -> (model: String, type: TokenType, tier: Tier)? {
        for (marker, type) in markers {
            guard let range = text.range(of: marker) else { continue }
            var model = Substring(text[..<range.lowerBound])
            // The region prefix: USE1-, EUC1-, APN1-, ...
            if let dash = model.firstIndex(of: "-"), Self.isRegion(model[..<dash]) { model = model[model.index(after: dash)...] }
            guard !model.isEmpty else { return nil }
            let suffixes = text[range.upperBound...].split(separator: "-")
            var tier = Tier.standard
            if suffixes.contains("batch") { tier = .batch } else if suffixes.contains("priority") { tier = .priority }
            else if suffixes.contains("flex") { tier = .flex }
            return (String(model), type, tier)
        }
        return nil
    }

    static func isRegion(_ s: Substring) -> Bool {
        s.count >= 3 && s.count <= 5 && s.allSatisfy { ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") } && s.last!.isNumber
    }
}
