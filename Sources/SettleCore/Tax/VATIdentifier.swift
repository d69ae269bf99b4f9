/// A VAT identifier of an EU member state or the UK, in its compact form (`DE136695976`),
/// checked as python-stdnum checks it (`stdnum.eu.vat`, and `stdnum.gb.vat` for GB and XI):
/// the country prefix, the shape of the number after it, and its check digits.
///
/// A reverse-charge invoice names the customer's identifier, and one mistyped digit makes the
/// invoice wrong in law; so settle checks every identifier it is given and says what is wrong.
/// The check is arithmetic only: a number that passes may still not be registered (asking
/// VIES is I/O, and not done here).
public struct VATIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// The two-letter prefix as written: `EL` (or `GR`, which stdnum also takes) for Greece,
    /// `GB` for the UK and `XI` for Northern Ireland.
    public let country: String
    /// The rest, without separators and upper case, as stdnum compacts it: `136695976`; an old
    /// nine-digit Belgian number gets its leading 0, an eight-digit Greek one too, and a Dutch
    /// one its zeros up to nine digits before the B.
    public let number: String

    public var description: String { country + number }

    /// The prefixes settle checks: the member states' (Greece as EL and as GR), GB and XI.
    public static let countries: [String] = VATCountry.allCases.map(\.rawValue)

    /// Reads `text` as a person types it: spaces, dots, dashes and the other separators stdnum
    /// allows for the country, any case, look-alike characters (a no-break space, a fullwidth
    /// digit, an en dash) read as their ASCII ones.
    public init(_ text: String) throws(VATIdentifierError) {
        let shown = VATText(text).stripped.description
        // As stdnum.eu.vat does: the prefix is the first two characters once the text is
        // cleaned, upper case and stripped, before any separator is taken out.
        let whole = VATText(text).asciiEquivalents.uppercased.stripped
        guard whole.count > 0 else {
            throw VATIdentifierError(text: shown, kind: .unknownPrefix, problem: "it is empty")
        }
        let prefix = whole.slice(0, 2)
        guard let country = VATCountry(rawValue: prefix.description) else {
            throw VATIdentifierError(text: shown, kind: .unknownPrefix, problem: Self.unknownPrefix(prefix))
        }
        // Then as the country's own stdnum module does: its separators out, stripped again,
        // the prefix off, and the country's own compaction.
        let number = country.compacted(whole.removing(country.separators).stripped.slice(2))
        if let problem = VATCheckDigits.problem(in: number, of: country) {
            throw VATIdentifierError(text: shown, country: country, problem)
        }
        self.country = country.rawValue
        self.number = number.description
    }

    private static func unknownPrefix(_ prefix: VATText) -> String {
        if prefix == "EU" || prefix == "IM" {
            return "\(prefix) is the prefix of a One Stop Shop registration, not of a member state's VAT identifier"
        }
        let letters = prefix.count == 2 && prefix.scalars.allSatisfy { $0.value >= 65 && $0.value <= 90 }
        return letters ? "\(prefix) is not the prefix of an EU member state or GB"
            : "it does not start with the two-letter prefix of an EU member state or GB (such as DE)"
    }
}

/// Why a text is not a VAT identifier, in words for the accountant who typed it; the caller
/// adds where it was (file and line).
public struct VATIdentifierError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Empty, or not starting with the prefix of a member state, GB or XI.
        case unknownPrefix
        /// The wrong length, or a letter where a digit belongs (or the reverse).
        case format
        /// The right shape, but the check digit (or letter) is not the one the rest gives.
        case checkDigit
        /// A part with no valid value: a birth date that is no date, an unknown office code.
        case component
    }

    /// The text as given, trimmed.
    public let text: String
    public let kind: Kind
    /// What is wrong, after the colon of `description`.
    public let problem: String

    public var description: String { "\(text.isEmpty ? "\"\"" : text) is not a valid VAT identifier: \(problem)" }

    init(text: String, kind: Kind, problem: String) {
        self.text = text
        self.kind = kind
        self.problem = problem
    }

    init(text: String, country: VATCountry, _ problem: VATProblem) {
        switch problem {
        case .format: self.init(text: text, kind: .format, problem: "\(country.name) is \(country.shape)")
        case .checkDigit: self.init(text: text, kind: .checkDigit, problem: country.checkDigitMismatch)
        case .component(let why): self.init(text: text, kind: .component, problem: why)
        }
    }
}

/// The prefixes settle checks, each with what its stdnum module deletes as separators and how
/// to tell a person what a number of that country looks like.
enum VATCountry: String, CaseIterable, Sendable {
    case at = "AT", be = "BE", bg = "BG", cy = "CY", cz = "CZ", de = "DE", dk = "DK", ee = "EE"
    case el = "EL", es = "ES", fi = "FI", fr = "FR", gb = "GB", gr = "GR", hr = "HR", hu = "HU"
    case ie = "IE", it = "IT", lt = "LT", lu = "LU", lv = "LV", mt = "MT", nl = "NL", pl = "PL"
    case pt = "PT", ro = "RO", se = "SE", si = "SI", sk = "SK", xi = "XI"

    /// The characters the country's stdnum module deletes: each has its own list (a slash is
    /// fine in a Czech number, not in a Bulgarian one), and any other is an error.
    var separators: String {
        switch self {
        case .at, .be: return " -./"
        case .bg, .fr, .gb, .nl, .pt, .se, .xi: return " -."
        case .cy, .es, .fi, .hr, .hu, .ie, .lt, .lv, .mt, .pl, .ro, .si, .sk: return " -"
        case .cz: return " /"
        case .de: return " -./,"
        case .dk: return " -.,/:"
        case .ee: return " "
        case .el, .gr: return " -./:"
        case .it: return " -:"
        case .lu: return " :.-"
        }
    }

    /// stdnum's compaction after the prefix: `(0)` in a Belgian number is a 0, an old
    /// nine-digit Belgian and eight-digit Greek number get a leading 0, and a Dutch number
    /// zeros in front up to nine digits before its B.
    func compacted(_ number: VATText) -> VATText {
        switch self {
        case .be:
            var text = number
            if text.hasPrefix("(0)") { text = VATText("0") + text.slice(3) }
            return text.count == 9 ? VATText("0") + text : text
        case .el, .gr:
            return number.count == 8 ? VATText("0") + number : number
        case .nl:
            return number.slice(nil, -3).stripped.zfill(9) + number.slice(-3)
        default:
            return number
        }
    }

    /// "a German one", as in "a German one is DE and 9 digits".
    var name: String {
        switch self {
        case .at: return "an Austrian one"
        case .be: return "a Belgian one"
        case .bg: return "a Bulgarian one"
        case .cy: return "a Cypriot one"
        case .cz: return "a Czech one"
        case .de: return "a German one"
        case .dk: return "a Danish one"
        case .ee: return "an Estonian one"
        case .el, .gr: return "a Greek one"
        case .es: return "a Spanish one"
        case .fi: return "a Finnish one"
        case .fr: return "a French one"
        case .gb: return "a UK one"
        case .hr: return "a Croatian one"
        case .hu: return "a Hungarian one"
        case .ie: return "an Irish one"
        case .it: return "an Italian one"
        case .lt: return "a Lithuanian one"
        case .lu: return "a Luxembourg one"
        case .lv: return "a Latvian one"
        case .mt: return "a Maltese one"
        case .nl: return "a Dutch one"
        case .pl: return "a Polish one"
        case .pt: return "a Portuguese one"
        case .ro: return "a Romanian one"
        case .se: return "a Swedish one"
        case .si: return "a Slovenian one"
        case .sk: return "a Slovak one"
        case .xi: return "a Northern Irish one"
        }
    }

    /// What a valid number looks like, prefix included.
    var shape: String {
        switch self {
        case .at: return "ATU and 8 digits"
        case .be: return "BE and 10 digits (9 in the old form)"
        case .bg: return "BG and 9 or 10 digits"
        case .cy: return "CY, 8 digits and a letter"
        case .cz: return "CZ and 8, 9 or 10 digits"
        case .de: return "DE and 9 digits, the first not 0"
        case .dk: return "DK and 8 digits, the first not 0"
        case .ee: return "EE and 9 digits"
        case .el, .gr: return "\(rawValue) and 9 digits (8 in the old form)"
        case .es: return "ES and 9 characters: a letter or digit, 7 digits, a letter or digit"
        case .fi: return "FI and 8 digits"
        case .fr: return "FR, 2 digits or letters (the key) and the 9-digit SIREN"
        case .gb, .xi: return "\(rawValue) and 9 or 12 digits, or GD or HA and 3 digits"
        case .hr: return "HR and 11 digits"
        case .hu: return "HU and 8 digits"
        case .ie: return "IE, 7 digits and 1 or 2 letters (or the old form: a digit, a letter, 5 digits, a letter)"
        case .it: return "IT and 11 digits"
        case .lt: return "LT and 9 or 12 digits"
        case .lu: return "LU and 8 digits"
        case .lv: return "LV and 11 digits"
        case .mt: return "MT and 8 digits, the first not 0"
        case .nl: return "NL, 9 digits, B and 2 digits"
        case .pl: return "PL and 10 digits"
        case .pt: return "PT and 9 digits, the first not 0"
        case .ro: return "RO and 2 to 10 digits, the first not 0 (or a 13-digit CNP)"
        case .se: return "SE and 12 digits ending 01"
        case .si: return "SI and 8 digits, the first not 0"
        case .sk: return "SK and 10 digits"
        }
    }

    /// The check that failed, named as the country's number has it.
    var checkDigitMismatch: String {
        switch self {
        case .cy, .ie: return "its check letter does not match"
        case .es: return "its check character does not match"
        case .be, .fr, .gb, .lu, .xi: return "its check digits do not match"
        default: return "its check digit does not match"
        }
    }
}
