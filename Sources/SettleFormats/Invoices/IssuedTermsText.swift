import Foundation
import SettleCore

/// The stored text of `IssuedTerms`: JSON with sorted keys, money and dates as their exact
/// decimal and ISO texts, so the same terms always give the same bytes (the store keeps each
/// distinct catalog once, by its digest). Reading it back is strict: terms that cannot be read
/// stop the job, since pricing an issued period with anything else would re-price it.
public enum IssuedTermsText {
    public struct Unreadable: Error, CustomStringConvertible {
        public var what: String
        public var description: String {
            "the issued terms of \(what) stored in the database cannot be read back; was the database edited by hand, or written by a newer settle?"
        }
    }

    struct WirePlan: Codable {
        var name, monthlyFee: String
        var tokenLimit, callLimit: Int64?
        var costLimit: String?
        var callLimitsByProvider: [String: Int64]
        /// `[plans.NAME] fees`; left out when none, so terms frozen before keep their text.
        var fees: [String: String]?
    }
    struct WireRule: Codable {
        var pattern, pct: String
        var provider, plan, customer: String?
        var priority: Int
    }
    struct WireService: Codable {
        var id, seller, model, promptPricePer1K, completionPricePer1K, platformFeePct: String
        var trialTokens: Int64
    }
    struct WirePrice: Codable {
        var provider, model, tokenType, tier, price, per, effectiveFrom: String
        var band: Int64?
    }
    struct WireDiscount: Codable { var minUsage, pct: String }
    struct WireCatalog: Codable {
        var plans: [WirePlan]
        var markupDefaultPct: String
        var markupRules: [WireRule]
        var services: [WireService]
        var prices: [WirePrice]
        var tierMultipliers: [String: String]
        var volumeDiscounts: [WireDiscount]
    }

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    static func text<T: Encodable>(_ value: T) -> String {
        // Encoding plain strings, numbers, arrays and dictionaries cannot fail.
        String(decoding: (try? encoder().encode(value)) ?? Data(), as: UTF8.self)
    }

    // MARK: the customer's part

    /// Written for every period a close issues, so by hand (`JSONText`, keys sorted, absent
    /// optionals left out) rather than through an encoder made per customer.
    public static func customer(_ h: CustomerHistory) -> String {
        JSONText.array(h.versions.map { v in
            var members: [(String, JSONText)] = [("address", .string(v.address))]
            if let w = v.alertWebhook { members.append(("alertWebhook", .string(w))) }
            members += [("billingDay", .int(Int64(v.billingDay)))]
            // Left out when empty: terms frozen before customers had a country keep their text.
            if !v.country.isEmpty { members.append(("country", .string(v.country))) }
            if let c = v.currency { members.append(("currency", .string(c))) }
            if let from = v.effectiveFrom { members.append(("effectiveFrom", .string(from.description))) }
            if let e = v.einvoice { members.append(("einvoice", .string(e.rawValue))) }
            members += [("email", .string(v.email)), ("id", .string(v.id)), ("name", .string(v.name))]
            if !v.peppolID.isEmpty { members.append(("peppolID", .string(v.peppolID))) }
            members += [("plan", .string(v.plan)),
                        ("taxID", .string(v.taxID))]
            // Left out when customers.csv leaves it empty (the rules decide the tax).
            if let rate = v.taxRatePct { members.append(("taxRatePct", .string(rate.description))) }
            return .object(members)
        }).rendered()
    }

    public static func customer(from text: String, what: String) throws -> CustomerHistory {
        guard case .array(let items)? = try? JSONValue.parse(Array(text.utf8)), !items.isEmpty else { throw Unreadable(what: what) }
        let versions = try items.map { v -> Customer in
            func field(_ key: String) throws -> String {
                guard let s = v[key]?.string else { throw Unreadable(what: what) }
                return s
            }
            guard case .number(let day)? = v["billingDay"], let billingDay = Int(day) else { throw Unreadable(what: what) }
            var rate: ExactDecimal?
            if v["taxRatePct"] != nil {
                guard let given = ExactDecimal(try field("taxRatePct")) else { throw Unreadable(what: what) }
                rate = given
            }
            var from: UTCDay?
            if let f = v["effectiveFrom"] {
                guard let text = f.string, let d = UTCDay(text) else { throw Unreadable(what: what) }
                from = d
            }
            var c = Customer(id: try field("id"), name: try field("name"), email: try field("email"), plan: try field("plan"),
                            billingDay: billingDay, taxRatePct: rate, alertWebhook: v["alertWebhook"]?.string, effectiveFrom: from,
                            address: try field("address"), taxID: try field("taxID"), country: v["country"]?.string ?? "")
            c.currency = v["currency"]?.string
            c.einvoice = v["einvoice"]?.string.flatMap(EInvoiceFormat.init(rawValue:))
            c.peppolID = v["peppolID"]?.string ?? ""
            return c
        }
        return CustomerHistory(versions: versions)
    }

    // MARK: the catalog's part

    public static func catalog(_ c: CatalogTerms) -> String {
        let wire = WireCatalog(
            plans: c.plans.values.sorted { $0.name < $1.name }.map {
                WirePlan(name: $0.name, monthlyFee: $0.monthlyFee.description, tokenLimit: $0.tokenLimit, callLimit: $0.callLimit,
                         costLimit: $0.costLimit?.description, callLimitsByProvider: $0.callLimitsByProvider,
                         fees: $0.fees.isEmpty ? nil : $0.fees.mapValues(\.description))
            },
            markupDefaultPct: c.markupDefaultPct.description,
            markupRules: c.markupRules.map {
                WireRule(pattern: $0.pattern, pct: $0.pct.description, provider: $0.provider, plan: $0.plan, customer: $0.customer,
                         priority: $0.priority)
            },
            services: c.services.map {
                WireService(id: $0.id, seller: $0.seller, model: $0.model, promptPricePer1K: $0.promptPricePer1K.description,
                            completionPricePer1K: $0.completionPricePer1K.description, platformFeePct: $0.platformFeePct.description,
                            trialTokens: $0.trialTokens)
            },
            prices: c.prices.map {
                WirePrice(provider: $0.provider, model: $0.model, tokenType: $0.tokenType.rawValue, tier: $0.tier.rawValue,
                          price: $0.price.description, per: $0.per.rawValue, effectiveFrom: $0.effectiveFrom.description, band: $0.band)
            },
            tierMultipliers: Dictionary(uniqueKeysWithValues: c.tierMultipliers.map { ($0.key.rawValue, $0.value.description) }),
            volumeDiscounts: c.volumeDiscounts.map { WireDiscount(minUsage: $0.minUsage.description, pct: $0.pct.description) })
        return text(wire)
    }

    public static func catalog(from text: String, what: String) throws -> CatalogTerms {
        guard let w = try? JSONDecoder().decode(WireCatalog.self, from: Data(text.utf8)) else { throw Unreadable(what: what) }
        func dec(_ s: String) throws -> ExactDecimal {
            guard let d = ExactDecimal(s) else { throw Unreadable(what: what) }
            return d
        }
        var plans: [String: Plan] = [:]
        for p in w.plans {
            var plan = Plan(name: p.name, monthlyFee: try dec(p.monthlyFee), tokenLimit: p.tokenLimit, callLimit: p.callLimit,
                            costLimit: try p.costLimit.map(dec), callLimitsByProvider: p.callLimitsByProvider)
            for (currency, fee) in p.fees ?? [:] { plan.fees[currency] = try dec(fee) }
            plans[p.name] = plan
        }
        let rules = try w.markupRules.map {
            MarkupRule(pattern: $0.pattern, provider: $0.provider, plan: $0.plan, customer: $0.customer, pct: try dec($0.pct),
                       priority: $0.priority)
        }
        let services = try w.services.map {
            Service(id: $0.id, seller: $0.seller, model: $0.model, promptPricePer1K: try dec($0.promptPricePer1K),
                    completionPricePer1K: try dec($0.completionPricePer1K), platformFeePct: try dec($0.platformFeePct),
                    trialTokens: $0.trialTokens)
        }
        let prices = try w.prices.map { p -> PriceRow in
            guard let type = TokenType(rawValue: p.tokenType), let tier = Tier(rawValue: p.tier), let per = PriceUnit(rawValue: p.per),
                  let from = Timestamp(rfc3339: p.effectiveFrom) else { throw Unreadable(what: what) }
            return PriceRow(provider: p.provider, model: p.model, tokenType: type, tier: tier, price: try dec(p.price), per: per,
                            effectiveFrom: from, band: p.band)
        }
        var multipliers: [Tier: ExactDecimal] = [:]
        for (k, v) in w.tierMultipliers {
            guard let tier = Tier(rawValue: k) else { throw Unreadable(what: what) }
            multipliers[tier] = try dec(v)
        }
        let discounts = try w.volumeDiscounts.map { VolumeDiscount(minUsage: try dec($0.minUsage), pct: try dec($0.pct)) }
        return CatalogTerms(plans: plans, markupDefaultPct: try dec(w.markupDefaultPct), markupRules: rules, services: services,
                            prices: prices, tierMultipliers: multipliers, volumeDiscounts: discounts)
    }
}
