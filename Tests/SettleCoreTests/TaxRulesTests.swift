import Testing
@testable import SettleCore

/// FINANCE.md's "Tax" table, a test per row, and the customer's own rate winning over it.
@Suite struct TaxRulesTests {
    func pct(_ s: String) -> ExactDecimal { ExactDecimal(s)! }
    let day = UTCDay("2026-10-31")!
    let rates = VATRateBook([
        .init(country: "DE", ratePct: ExactDecimal(19), effectiveFrom: UTCDay("2007-01-01")!),
        .init(country: "FR", ratePct: ExactDecimal(20), effectiveFrom: UTCDay("2014-01-01")!),
        .init(country: "EE", ratePct: ExactDecimal(22), effectiveFrom: UTCDay("2024-01-01")!),
        .init(country: "EE", ratePct: ExactDecimal(24), effectiveFrom: UTCDay("2025-07-01")!),
        .init(country: "IE", ratePct: ExactDecimal(23), effectiveFrom: UTCDay("2021-03-01")!),
        .init(country: "GB", ratePct: ExactDecimal(20), effectiveFrom: UTCDay("2011-01-04")!),
    ])

    func decide(issuer: String? = "DE", customer: String?, vatID: Bool, rate: ExactDecimal? = nil, on day: UTCDay? = nil) throws -> TaxDecision {
        try TaxRules.decide(issuerCountry: issuer, customerCountry: customer, customerHasVATID: vatID, customerRatePct: rate,
                            on: day ?? self.day, rates: rates)
    }

    @Test func sameCountryIsStandardRatedAtItsRateWithOrWithoutAVATID() throws {
        for vatID in [true, false] {
            let d = try decide(customer: "DE", vatID: vatID)
            #expect(d.category == .standard && d.ratePct == ExactDecimal(19) && d.exemptionCode == nil && d.exemptionReason == nil)
            #expect(!d.oneStopShop && d.customerCountry == "DE")
        }
    }

    @Test func aBusinessInAnotherMemberStateIsReverseCharged() throws {
        let d = try decide(customer: "FR", vatID: true)
        #expect(d.category == .reverseCharge && d.ratePct.isZero && d.exemptionCode == "VATEX-EU-AE")
        #expect(d.exemptionReason == "Reverse charge: VAT to be accounted for by the recipient (Article 196, Directive 2006/112/EC)")
        #expect(!d.oneStopShop)
    }

    @Test func aConsumerInAnotherMemberStatePaysItsCountrysRateThroughTheOneStopShop() throws {
        let d = try decide(customer: "IE", vatID: false)
        #expect(d.category == .standard && d.ratePct == ExactDecimal(23) && d.oneStopShop && d.customerCountry == "IE")
        #expect(d.exemptionCode == nil)
    }

    @Test func aCustomerOutsideTheEUIsNotSubjectToVATWithOrWithoutAVATID() throws {
        for (country, printed) in [("US", "United States (US)"), ("GB", "United Kingdom (GB)"), ("CA", "Canada (CA)"), ("BZ", "BZ")] {
            for vatID in [true, false] {
                let d = try decide(customer: country, vatID: vatID)
                #expect(d.category == .outsideScope && d.ratePct.isZero && d.exemptionCode == "VATEX-EU-O")
                #expect(d.exemptionReason == "Not subject to VAT: services supplied outside the EU (place of supply: \(printed))")
            }
        }
    }

    @Test func anIssuerOutsideTheEUFollowsTheSameTable() throws {
        let home = try decide(issuer: "GB", customer: "GB", vatID: true)
        #expect(home.category == .standard && home.ratePct == ExactDecimal(20))
        #expect(try decide(issuer: "GB", customer: "FR", vatID: true).category == .reverseCharge)
        let consumer = try decide(issuer: "GB", customer: "FR", vatID: false)
        #expect(consumer.category == .standard && consumer.ratePct == ExactDecimal(20) && consumer.oneStopShop)
        #expect(try decide(issuer: "GB", customer: "US", vatID: false).category == .outsideScope)
    }

    @Test func theRateIsTheOneInForceOnTheDayAsked() throws {
        #expect(try decide(customer: "EE", vatID: false, on: UTCDay("2025-06-30")!).ratePct == ExactDecimal(22))
        #expect(try decide(customer: "EE", vatID: false, on: UTCDay("2025-07-01")!).ratePct == ExactDecimal(24))
    }

    @Test func theCustomersOwnRateWins() throws {
        let s = try decide(customer: "US", vatID: false, rate: pct("7.5"))
        #expect(s.category == .standard && s.ratePct == pct("7.5") && s.exemptionReason == nil && s.customerCountry == nil)
        let z = try decide(issuer: nil, customer: nil, vatID: false, rate: .zero)
        #expect(z.category == .zeroRated && z.ratePct.isZero)
    }

    @Test func whatCannotBeDecidedSaysWhatToSet() {
        #expect(throws: TaxRuleError.noIssuerCountry) { try decide(issuer: nil, customer: "FR", vatID: false) }
        #expect(throws: TaxRuleError.noCustomerCountry) { try decide(customer: nil, vatID: false) }
        #expect(throws: TaxRuleError.noCustomerCountry) { try decide(customer: "", vatID: true) }
        #expect(throws: TaxRuleError.noRate(country: "IT", day: day)) { try decide(customer: "IT", vatID: false) }
        #expect(throws: TaxRuleError.noRate(country: "DE", day: UTCDay("2006-12-31")!)) {
            try decide(customer: "DE", vatID: false, on: UTCDay("2006-12-31")!)
        }
        #expect(TaxRuleError.noRate(country: "IT", day: day).description == "vat_rates.csv has no standard rate for IT in force on 2026-10-31: add its row")
    }

    @Test func aMonthsQuarter() {
        let q = OneStopShop.quarter(of: PeriodMonth("2026-11")!)
        #expect(q.name == "2026-Q4" && q.months.map(\.description) == ["2026-10", "2026-11", "2026-12"])
        #expect(OneStopShop.quarter(of: PeriodMonth("2027-01")!).name == "2027-Q1")
        #expect(OneStopShop.quarter(of: PeriodMonth("2027-06")!).months.map(\.description) == ["2027-04", "2027-05", "2027-06"])
    }

    /// The One-Stop Shop return is in the issuer's accounting currency: a consumer's invoice in
    /// euros counts with its tax_accounting, its taxable amount at the same rate.
    @Test func theOneStopShopLinesAreInTheAccountingCurrency() {
        func d(_ s: String) -> ExactDecimal { ExactDecimal(s)! }
        func oss(_ currency: String, _ subtotal: String, _ tax: String, toUSD: String?) -> Invoice {
            var inv = Invoice(number: "INV-1", customerID: "c", customerName: "C", period: BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 1),
                              issueDate: UTCDay("2026-11-01")!, dueDate: UTCDay("2026-11-15")!, currency: currency, lines: [], subtotal: d(subtotal),
                              tax: d(tax), total: d(subtotal) + d(tax), creditsApplied: .zero, amountDue: d(subtotal) + d(tax), taxRatePct: d("21"))
            inv.apply(TaxDecision(category: .standard, ratePct: d("21"), oneStopShop: true, customerCountry: "ES"))
            inv.issuerCountry = "DE"
            if let r = toUSD {
                inv.taxAccountingRate = ExchangeRate(from: currency, to: "USD", rate: d(r), date: UTCDay("2026-10-30")!)
                inv.taxAccounting = inv.taxAccountingRate?.amount(inv.tax)
            }
            return inv
        }
        // 100.00 EUR × 1.1172 = 111.72 USD taxable, 21.00 EUR × 1.1172 = 23.46 USD tax; plus a USD invoice.
        let lines = OneStopShop.lines([oss("EUR", "100.00", "21.00", toUSD: "1.1172"), oss("USD", "10.00", "2.10", toUSD: nil)])
        #expect(lines.map { "\($0.country) \($0.ratePct) \($0.taxable) \($0.tax) \($0.currency)" } == ["ES 21 121.72 25.56 USD"])
    }
}

