/// settle.toml as the jobs use it: validated, with exact decimals and resolved paths.
/// Loading and its error messages live in SettleFormats; this is only the shape.
public struct SettleConfig: Sendable {
    /// Where the config came from; nil when settle runs on defaults with no file.
    public var sourcePath: String?
    public var database: String?
    public var outDir: String?
    public var currency: String = "USD"
    public var inbox = Inbox()
    public var catalog = CatalogPaths()
    public var markup = MarkupPolicy()
    public var volumeDiscounts: [VolumeDiscount] = []
    public var tierMultipliers: [Tier: ExactDecimal] = [:]
    public var plans: [String: Plan] = [:]
    /// provider → (provider-bill model name → gateway model name)
    public var aliases: [String: [String: String]] = [:]
    /// FOCUS ProviderName → settle provider
    public var providerNames: [String: String] = [:]
    public var reconcile = ReconcileSettings()
    public var alerts = AlertSettings()
    /// `[reminders] days`: after how many days past due an open invoice gets a reminder, each
    /// once ever (FINANCE.md, "Payments and receivables"), ascending, none repeated.
    public var reminderDays: [Int] = [7, 14, 30]
    /// `[journal]`: the chart of accounts the journal posts to, and what the import formats need.
    public var journal = JournalSettings()
    public var audit = AuditSettings()
    public var archive = ArchiveSettings()
    public var invoices = InvoiceSettings()
    public var gatewayDB = GatewayDatabaseSettings()
    /// LiteLLM spend logs: which column names the customer (end_user, user, team_id, organization_id).
    public var litellmCustomerField = "end_user"
    /// FOCUS: the pattern that reads model and token type from SkuId or ChargeDescription; nil
    /// for the default of FORMATS.md.
    public var focusSkuPattern: String?

    public init() {}

    public struct Inbox: Sendable {
        public var usage: String?
        public var bills: String?
        /// Optional: where Stripe's exports and bank statements land; nightly takes them in.
        public var payments: String?
        public init() {}
    }

    /// The ECB's reference rates (`[exchange_rates] file`): what an invoice in another currency
    /// than `currency` is converted at; nil: none, and such an invoice stays a draft.
    public var exchangeRatesFile: String?

    public struct CatalogPaths: Sendable {
        public var customers: String?
        public var prices: String?
        /// Standard VAT rates by country and date; nil: the copy settle ships (`ShippedVATRates`).
        public var vatRates: String?
        public var services: String?
        public var credits: String?
        /// The marketplace sellers (optional).
        public var sellers: String?
        public init() {}
    }
}

/// The gateway's own PostgreSQL database, for `ingest usage --source postgres`.
public struct GatewayDatabaseSettings: Sendable {
    public var url: String?
    /// `usage_logs` (the gateway's seed schema) or `litellm` (LiteLLM_SpendLogs).
    public var preset = "usage_logs"
    public var table: String?
    public var timeColumn: String?
    public var orderBy: String?
    /// settle field → SQL expression, overriding the preset's.
    public var columns: [String: String] = [:]
    public init() {}
}

/// A plan: its monthly fee and the limits that alerts watch.
public struct Plan: Sendable, Hashable {
    public var name: String
    public var monthlyFee: ExactDecimal
    public var tokenLimit: Int64?
    public var callLimit: Int64?
    public var costLimit: ExactDecimal?
    public var callLimitsByProvider: [String: Int64]
    /// `[plans.NAME] fees`: the monthly fee in other currencies, where finance sets it; any
    /// other currency's fee is `monthlyFee` converted and rounded.
    public var fees: [String: ExactDecimal] = [:]

    public init(name: String, monthlyFee: ExactDecimal = .zero, tokenLimit: Int64? = nil, callLimit: Int64? = nil,
                costLimit: ExactDecimal? = nil, callLimitsByProvider: [String: Int64] = [:]) {
        self.name = name
        self.monthlyFee = monthlyFee
        self.tokenLimit = tokenLimit
        self.callLimit = callLimit
        self.costLimit = costLimit
        self.callLimitsByProvider = callLimitsByProvider
    }
}

/// Markup on the upstream cost price: the first matching rule by priority (higher first),
/// then file order; else the default.
public struct MarkupPolicy: Sendable {
    public var defaultPct: ExactDecimal = ExactDecimal(20)
    public var rules: [MarkupRule] = []
    public init() {}
}

public struct MarkupRule: Sendable, Hashable {
    /// A glob on the model name (`*` and `?`).
    public var pattern: String
    public var provider: String?
    public var plan: String?
    public var customer: String?
    public var pct: ExactDecimal
    public var priority: Int

    public init(pattern: String, provider: String? = nil, plan: String? = nil, customer: String? = nil,
                pct: ExactDecimal, priority: Int = 0) {
        self.pattern = pattern
        self.provider = provider
        self.plan = plan
        self.customer = customer
        self.pct = pct
        self.priority = priority
    }
}

/// The highest `minUsage` reached by the usage subtotal gives the discount on all of it.
public struct VolumeDiscount: Sendable, Hashable {
    public var minUsage: ExactDecimal
    public var pct: ExactDecimal
    public init(minUsage: ExactDecimal, pct: ExactDecimal) {
        self.minUsage = minUsage
        self.pct = pct
    }
}

public struct ReconcileSettings: Sendable {
    /// nil: every provider that has a bill ingested.
    public var providers: [String]?
    public var tokenTolerancePct = ExactDecimal(significand: 1, scale: 1)
    public var tokenToleranceAbs: Int64 = 0
    public var costTolerance = ExactDecimal(significand: 1, scale: 2)
    public init() {}
}

/// `[audit]`: the charge audit's tolerance, max(`tolerance`, `tolerance_pct` % of computed), for
/// each day's cells and each month's rows: the percentage keeps a stale price visible in small
/// cells, the absolute part keeps rounding in tiny ones quiet.
public struct AuditSettings: Sendable {
    public var tolerance = ExactDecimal(significand: 1, scale: 3)
    public var tolerancePct = ExactDecimal(1)
    public init() {}
}

/// `[archive]`: how many calendar months of events stay in the store (the current one
/// included), and where archive files go (relative to the config's folder).
public struct ArchiveSettings: Sendable {
    public var keepMonths = 13
    public var dir = "archive"
    public init() {}
}

public struct AlertSettings: Sendable {
    public var thresholds: [Int] = [80, 90, 100]
    public var webhookURL: String?
    public var webhookSecretEnv = "SETTLE_WEBHOOK_SECRET"
    public init() {}
}

public struct InvoiceSettings: Sendable {
    public var numberPrefix = "INV"
    public var creditNotePrefix = "CN"
    public var paymentTermsDays = 14
    public var issuerName = ""
    public var issuerAddress = ""
    public var issuerTaxID = ""
    /// Where the issuer is established (ISO 3166-1 alpha-2): what its tax id is checked as,
    /// and the origin of the VAT rules (FINANCE.md, "Tax").
    public var issuerCountry = ""
    /// The issuer's legal registration number, Peppol endpoint (`SCHEME:ID`), bank account and
    /// contact, as FINANCE.md's "Catalog additions" names them: printed on and carried in the
    /// documents that need them.
    public var issuerCompanyID = ""
    public var issuerPeppolID = ""
    public var issuerIBAN = ""
    public var issuerBIC = ""
    public var issuerContactName = ""
    public var issuerContactPhone = ""
    public var issuerContactEmail = ""
    /// The currency the issuer keeps its books in; "" for `currency`.
    public var accountingCurrency = ""
    /// The PDFs' paper: "A4" or "Letter".
    public var paper = "A4"
    /// A PNG printed above the issuer on every PDF, if set.
    public var logo: String?
    public init() {}

    public var issuer: InvoiceIssuer {
        InvoiceIssuer(name: issuerName, address: issuerAddress, taxID: issuerTaxID, companyID: issuerCompanyID, iban: issuerIBAN, bic: issuerBIC)
    }
}

/// `[journal]` (FINANCE.md, "The journal").
public struct JournalSettings: Sendable {
    /// `[journal.accounts]` codes and `[journal.names]` names; the spec's chart by default.
    public var chart = ChartOfAccounts()
    /// Xero's `*TaxRate` column: the name of a tax rate in the Xero organisation that leaves a
    /// journal line untaxed (the VAT is booked on its own account already).
    public var xeroTaxRate = "No VAT"
    /// QuickBooks Online reads dates in its region's order: `MM/DD/YYYY` (US), or `DD/MM/YYYY`.
    public var quickbooksDateFormat = "MM/DD/YYYY"
    public init() {}
}
