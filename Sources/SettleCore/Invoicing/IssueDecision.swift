/// Whether a computed invoice is issued now or stays a draft (PRODUCT.md, "Billing"): issued
/// only when finalizing was asked for, every line has a price, and the period has ended by the
/// issue date (a period still running would be invoiced short). Drafts are not findings,
/// except those held by usage without a price.
public enum IssueDecision: Sendable, Equatable {
    case issue
    /// Finalizing was not asked for.
    case draft
    /// Usage without a price in force: a finding, exit 3.
    case draftUnpriced
    /// The period ends after the issue date: a later run issues it.
    case draftPeriodOpen

    public static func of(_ invoice: Invoice, finalize: Bool, issueDate: UTCDay) -> IssueDecision {
        guard finalize else { return .draft }
        guard invoice.isFinalizable else { return .draftUnpriced }
        return invoice.period.endDay > issueDate ? .draftPeriodOpen : .issue
    }

    /// An adjustment of an issued period (a credit note or supplementary invoice) is issued
    /// unless some of its usage has no price.
    public static func ofAdjustment(_ adjustment: Invoice) -> IssueDecision {
        adjustment.isFinalizable ? .issue : .draftUnpriced
    }
}
