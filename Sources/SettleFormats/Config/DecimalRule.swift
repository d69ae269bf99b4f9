import SettleCore

/// What a money value, rate or percentage typed into the catalog or settle.toml may be
/// (PRODUCT.md, "Configuration"): a plain decimal (`ExactDecimal(plain:)`), and its bounds.
/// The refusal says what a valid value looks like; the caller adds the file and the line and
/// column, or the key, since only it knows them.
struct DecimalRule: Sendable {
    /// The lowest value allowed; nil for any value, negative ones too.
    var minimum: ExactDecimal?
    /// The highest value allowed; nil for no limit.
    var maximum: ExactDecimal?
    /// A valid value, shown in the refusal.
    var example: String
    /// Whether the refusal of a text that is no plain decimal mentions the leading `-`: only
    /// where a value may be negative.
    var mentionsSign: Bool

    /// Prices, fees, limits, tolerances, multipliers: 0 or more.
    static let nonNegative = DecimalRule(minimum: .zero, maximum: nil, example: "19.5", mentionsSign: false)
    /// A signed amount (a credit adjustment): a leading `-` is allowed.
    static let signed = DecimalRule(minimum: nil, maximum: nil, example: "-10.00", mentionsSign: true)
    /// A credit top-up or refund: written positive, a sign the caller refuses in its own words
    /// (a refund lowers the balance by it).
    static let creditAmount = DecimalRule(minimum: nil, maximum: nil, example: "100.00", mentionsSign: false)
    /// A share of something (tax rate, platform fee, volume discount): 0 to 100.
    static let percentage = DecimalRule(minimum: .zero, maximum: ExactDecimal(100), example: "19.5", mentionsSign: false)
    /// A markup may be negative (selling below cost), but not below −100: the price would be
    /// below zero.
    static let markup = DecimalRule(minimum: ExactDecimal(-100), maximum: nil, example: "20", mentionsSign: true)

    /// A refused value, in words; the caller makes it a `ConfigError` that names the place.
    struct Refusal: Error, Sendable {
        var message: String
    }

    /// `text` read as a plain decimal within the bounds.
    func value(_ text: String) throws(Refusal) -> ExactDecimal {
        guard let value = ExactDecimal(plain: text) else {
            let sign = mentionsSign ? ", an optional leading -" : ""
            throw Refusal(message: "\"\(text)\" is not a plain decimal; write digits\(sign) and at most one \".\", such as \(example) (no exponent, thousands separator or currency sign)")
        }
        try check(value, shown: "\"\(text)\"")
        return value
    }

    /// `value` within the bounds; `shown` is how the refusal quotes it.
    func check(_ value: ExactDecimal, shown: String) throws(Refusal) {
        switch (minimum, maximum) {
        case (let low?, let high?) where value < low || value > high:
            throw Refusal(message: "\(shown) is not from \(low) to \(high); write a percentage such as \(example)")
        case (let low?, nil) where value < low:
            throw Refusal(message: low.isZero
                ? "\(shown) must not be negative; write 0 or more, such as \(example)"
                : "\(shown) is below \(low); write \(low) or more, such as \(example)")
        default:
            return
        }
    }
}
