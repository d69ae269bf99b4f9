import SettleCore

/// An invoice as EN 16931 describes it (its business terms, BT-n and groups BG-n), built
/// once from a stored document and written in each syntax (UBL 2.1 for `peppol` and
/// `xrechnung`, CII D16B for `cii` and `facturx`). The syntaxes differ in element names and
/// order only; every figure and every choice (the type code, which identifier a party
/// carries, how a line's price is stated) is made here, so the two can never disagree.
///
/// All amounts are as a credit note states them: positive for what is credited (EN 16931
/// has a credit note carry the amounts of the invoice it reverses with their own sign).
public struct EInvoice: Sendable, Hashable {
    /// BT-3, UNTDID 1001.
    public enum TypeCode: String, Sendable, Hashable {
        case commercialInvoice = "380"
        case creditNote = "381"
        case correctedInvoice = "384"
        case selfBilledInvoice = "389"
    }

    /// BT-24: which specification the document follows, and so which rules check it.
    public enum Specification: String, Sendable, Hashable {
        case en16931 = "urn:cen.eu:en16931:2017"
        case peppol = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
        case xrechnung = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"

        /// BT-23, the business process: Peppol's billing process for Peppol documents.
        public var profileID: String? {
            self == .peppol ? "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0" : nil
        }
    }

    public var specification: Specification
    public var typeCode: TypeCode
    /// BT-1, BT-2, BT-9 (nil: no due date, a credit note that pays nothing).
    public var number: String
    public var issueDate: UTCDay
    public var dueDate: UTCDay?
    /// BT-5.
    public var currency: String
    /// BT-6 and BT-111: the issuer's accounting currency and the VAT in it, where it is not
    /// the document's.
    public var taxCurrency: String?
    public var taxInTaxCurrency: ExactDecimal?
    /// BT-10: the customer id, which Peppol and XRechnung require and a buyer can route by.
    public var buyerReference: String
    /// BG-14, the billing period.
    public var periodStart: UTCDay
    public var periodEnd: UTCDay
    /// BG-3: the invoice a credit note or corrected invoice adjusts.
    public var precedingInvoice: String?
    /// BG-4 and BG-7.
    public var seller: Party
    public var buyer: Party
    /// BG-16; nil when the issuer gave no account.
    public var payment: PaymentInstructions?
    /// BT-20.
    public var paymentTerms: String?
    /// BG-25.
    public var lines: [Line]
    /// BG-20, document-level allowances (the volume discount).
    public var allowances: [Allowance]
    /// BG-23, one entry per VAT category and rate.
    public var vatBreakdown: [VATBreakdown]
    /// BG-22.
    public var totals: Totals

    public struct Party: Sendable, Hashable {
        /// BT-27 / BT-44.
        public var name: String
        /// BT-29: the seller's id at the platform, on a self-billed invoice.
        public var identifier: String?
        public var address: PostalAddress
        /// BT-31 / BT-48, the VAT identifier with its country prefix; nil where the rules forbid
        /// it (category O, BR-O-02) or the party has none.
        public var vatID: String?
        /// BT-30 / BT-47, the legal registration number.
        public var companyID: String?
        /// BT-32: a seller's tax number that is not a VAT identifier (a self-billing seller
        /// outside the EU).
        public var taxRegistrationID: String?
        /// BT-34 / BT-49: the electronic address, `scheme` an EAS code (0208, 9930, … or `EM`
        /// for an e-mail address).
        public var endpoint: Endpoint?
        /// BG-6 (the seller's contact, which XRechnung requires).
        public var contact: Contact?

        public init(name: String, identifier: String? = nil, address: PostalAddress, vatID: String? = nil, companyID: String? = nil, taxRegistrationID: String? = nil,
                    endpoint: Endpoint? = nil, contact: Contact? = nil) {
            self.taxRegistrationID = taxRegistrationID
            self.identifier = identifier
            self.name = name
            self.address = address
            self.vatID = vatID
            self.companyID = companyID
            self.endpoint = endpoint
            self.contact = contact
        }
    }

    public struct Endpoint: Sendable, Hashable {
        public var scheme: String
        public var id: String
        public init(scheme: String, id: String) {
            self.scheme = scheme
            self.id = id
        }

        /// `0208:0477472701` as settle's catalog writes a Peppol participant id; nil when it is not one.
        public init?(peppolID: String) {
            guard EInvoiceFormat.isPeppolID(peppolID), let colon = peppolID.firstIndex(of: ":") else { return nil }
            self.init(scheme: String(peppolID[..<colon]), id: String(peppolID[peppolID.index(after: colon)...]))
        }
    }

    public struct Contact: Sendable, Hashable {
        public var name: String
        public var phone: String
        public var email: String
        public init(name: String, phone: String, email: String) {
            self.name = name
            self.phone = phone
            self.email = email
        }
    }

    /// BG-16/BG-17: a credit transfer to the issuer's account, with the remittance text (BT-83)
    /// the payer quotes.
    public struct PaymentInstructions: Sendable, Hashable {
        /// BT-81: `58` a SEPA credit transfer (a euro invoice), `30` any other credit transfer.
        public var meansCode: String
        public var iban: String
        public var bic: String?
        public var remittance: String
        public init(meansCode: String, iban: String, bic: String?, remittance: String) {
            self.meansCode = meansCode
            self.iban = iban
            self.bic = bic
            self.remittance = remittance
        }
    }

    /// One invoice line (BG-25). Its net amount (BT-131) is the stored document's amount, and
    /// quantity × price ÷ base quantity gives it to the cent.
    public struct Line: Sendable, Hashable {
        public var id: String
        /// BT-153, the item's name: the line's description.
        public var name: String
        /// BT-129 with unit code BT-130 (`C62`, one: a token, a request, a month's fee).
        public var quantity: ExactDecimal
        public var unitCode: String
        /// BT-131.
        public var netAmount: ExactDecimal
        /// BT-146, never negative (BR-27); a negative line has a negative quantity.
        public var price: ExactDecimal
        /// BT-149: 1,000,000 for a price per million tokens, 1,000 per thousand; nil for 1.
        public var baseQuantity: Int64?
        /// BG-26, the days the line's usage was at its price, where the document has them.
        public var from: UTCDay?
        public var through: UTCDay?
        /// BT-151, BT-152.
        public var category: TaxDecision.Category
        public var ratePct: ExactDecimal

        public init(id: String, name: String, quantity: ExactDecimal, unitCode: String = "C62", netAmount: ExactDecimal, price: ExactDecimal,
                    baseQuantity: Int64? = nil, from: UTCDay? = nil, through: UTCDay? = nil, category: TaxDecision.Category,
                    ratePct: ExactDecimal) {
            self.id = id
            self.name = name
            self.quantity = quantity
            self.unitCode = unitCode
            self.netAmount = netAmount
            self.price = price
            self.baseQuantity = baseQuantity
            self.from = from
            self.through = through
            self.category = category
            self.ratePct = ratePct
        }
    }

    /// BG-20: an allowance on the whole document (BT-92 amount, BT-97 reason, BT-95/96 its VAT).
    public struct Allowance: Sendable, Hashable {
        public var amount: ExactDecimal
        public var reason: String
        public var category: TaxDecision.Category
        public var ratePct: ExactDecimal
        public init(amount: ExactDecimal, reason: String, category: TaxDecision.Category, ratePct: ExactDecimal) {
            self.amount = amount
            self.reason = reason
            self.category = category
            self.ratePct = ratePct
        }
    }

    /// BG-23: BT-116 taxable, BT-117 tax, BT-118 category, BT-119 rate, BT-120/121 exemption.
    public struct VATBreakdown: Sendable, Hashable {
        public var category: TaxDecision.Category
        public var ratePct: ExactDecimal
        public var taxable: ExactDecimal
        public var tax: ExactDecimal
        public var exemptionReason: String?
        public var exemptionCode: String?
        public init(category: TaxDecision.Category, ratePct: ExactDecimal, taxable: ExactDecimal, tax: ExactDecimal,
                    exemptionReason: String? = nil, exemptionCode: String? = nil) {
            self.category = category
            self.ratePct = ratePct
            self.taxable = taxable
            self.tax = tax
            self.exemptionReason = exemptionReason
            self.exemptionCode = exemptionCode
        }
    }

    /// BG-22: BT-106 lines, BT-107 allowances, BT-109 without VAT, BT-110 VAT, BT-112 with VAT,
    /// BT-113 paid (prepaid credit applied), BT-115 due.
    public struct Totals: Sendable, Hashable {
        public var lineTotal: ExactDecimal
        public var allowanceTotal: ExactDecimal
        public var taxExclusive: ExactDecimal
        public var tax: ExactDecimal
        public var taxInclusive: ExactDecimal
        public var prepaid: ExactDecimal
        public var payable: ExactDecimal
        public init(lineTotal: ExactDecimal, allowanceTotal: ExactDecimal, taxExclusive: ExactDecimal, tax: ExactDecimal,
                    taxInclusive: ExactDecimal, prepaid: ExactDecimal, payable: ExactDecimal) {
            self.lineTotal = lineTotal
            self.allowanceTotal = allowanceTotal
            self.taxExclusive = taxExclusive
            self.tax = tax
            self.taxInclusive = taxInclusive
            self.prepaid = prepaid
            self.payable = payable
        }
    }
}

extension EInvoice {
    /// Money as both syntaxes write it: the currency's decimals (two for most, none for yen), a
    /// point, a minus sign where negative.
    static func amount(_ value: ExactDecimal, _ currency: String) -> String { value.formatted(currency: currency) }

    /// A quantity, price or rate: as many decimals as it has, none when it is whole.
    static func number(_ value: ExactDecimal) -> String { value.normalized.description }
}
