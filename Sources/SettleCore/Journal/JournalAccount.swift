/// The accounts settle posts to (FINANCE.md, "The journal"), each under the code
/// `[journal.accounts]` gives it (defaults: the spec's chart) and a name for systems that
/// import by name (QuickBooks Online).
public enum JournalAccount: String, Sendable, CaseIterable, Comparable {
    case receivable
    case bank
    case customerCredit = "customer_credit"
    case sellerPayable = "seller_payable"
    case taxPayable = "tax_payable"
    case providerPayable = "provider_payable"
    case revenueFees = "revenue_fees"
    case revenueUsage = "revenue_usage"
    case revenuePlatformFee = "revenue_platform_fee"
    case discounts
    case creditBreakage = "credit_breakage"
    case providerCost = "provider_cost"
    case paymentFees = "payment_fees"
    case fxDifferences = "fx_differences"

    public var defaultCode: String {
        switch self {
        case .receivable: "1100"
        case .bank: "1200"
        case .customerCredit: "2100"
        case .sellerPayable: "2200"
        case .taxPayable: "2300"
        case .providerPayable: "2400"
        case .revenueFees: "4000"
        case .revenueUsage: "4010"
        case .revenuePlatformFee: "4020"
        case .discounts: "4090"
        case .creditBreakage: "4900"
        case .providerCost: "5000"
        case .paymentFees: "6100"
        case .fxDifferences: "7900"
        }
    }

    public var defaultName: String {
        switch self {
        case .receivable: "Accounts Receivable"
        case .bank: "Bank"
        case .customerCredit: "Customer Prepaid Credit"
        case .sellerPayable: "Marketplace Sellers Payable"
        case .taxPayable: "Sales Tax Payable"
        case .providerPayable: "Provider Payable"
        case .revenueFees: "Plan Fee Revenue"
        case .revenueUsage: "Usage Revenue"
        case .revenuePlatformFee: "Platform Fee Revenue"
        case .discounts: "Discounts Given"
        case .creditBreakage: "Credit Breakage Income"
        case .providerCost: "Provider Cost"
        case .paymentFees: "Payment Processing Fees"
        case .fxDifferences: "Exchange Differences"
        }
    }

    public static func < (a: JournalAccount, b: JournalAccount) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }
}

/// `[journal.accounts]`: each account's code and name in the books the journal goes to.
public struct ChartOfAccounts: Sendable, Hashable {
    public var codes: [JournalAccount: String]
    public var names: [JournalAccount: String]

    public init(codes: [JournalAccount: String] = [:], names: [JournalAccount: String] = [:]) {
        self.codes = codes
        self.names = names
    }

    public func code(_ a: JournalAccount) -> String { codes[a] ?? a.defaultCode }
    public func name(_ a: JournalAccount) -> String { names[a] ?? a.defaultName }
}
