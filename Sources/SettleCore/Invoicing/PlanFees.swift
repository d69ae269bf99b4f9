/// Plan fee lines of a billing period (PRODUCT.md, "Customers over time"): one per stretch of
/// the period on one plan, `round(monthly_fee × days in force ÷ days in the period)`, for a plan
/// with a fee. A period on one plan throughout has one line of the whole fee.
///
/// In another currency than the base, the monthly fee is `[plans.NAME] fees`' for it, else the
/// base fee converted and rounded (`InvoiceMoney.fee`); prorated in that currency, to its minor unit.
public enum PlanFees {
    public static func lines(_ customer: CustomerHistory, plans: [String: Plan], period: BillingPeriod,
                             money: InvoiceMoney? = nil) -> [InvoiceLine] {
        customer.planStretches(in: period).compactMap { stretch in
            guard let plan = plans[stretch.plan], plan.monthlyFee > .zero else { return nil }
            let fee = money?.fee(plan) ?? plan.monthlyFee
            let places = money.map { MinorUnits.of($0.currency) } ?? 2
            let amount = stretch.isWholePeriod ? fee
                : (fee * ExactDecimal(stretch.days)).divided(by: Int64(stretch.periodDays), places: places)
            return InvoiceLine(kind: .planFee, description: description(plan.name, stretch), quantity: 1, unitPrice: amount, amount: amount)
        }
    }

    /// `pro plan, 2026-10-01 to 2026-10-19 (19/31 days)`; the whole period without the days.
    static func description(_ plan: String, _ s: PlanStretch) -> String {
        "\(plan) plan, \(s.firstDay) to \(s.lastDay)" + (s.isWholePeriod ? "" : " (\(s.days)/\(s.periodDays) days)")
    }
}
