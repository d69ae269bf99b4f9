import SettleCore

/// A party's address as the e-invoices carry it (BG-5 / BG-8): street (BT-35), city (BT-37),
/// post code (BT-38) and country (BT-40).
///
/// The catalog keeps an address as one line, as it is printed (`17 Market Lane, 10115 Berlin,
/// Germany`), and XRechnung requires the city and the post code apart (BR-DE-3, BR-DE-4,
/// BR-DE-8, BR-DE-9). So the line is read the way a person reads it: the first part is the
/// street; a last part that names the country is dropped (the country is a code of its own);
/// in what is left, the words with a digit are the post code (`10115`, `EH6 6QN`, `D02 X285`,
/// `TX 78701` keeps only `78701`) and the others the city. An address of one part is a street
/// alone; nothing is guessed beyond that, and nothing is lost: the parts join back to the line.
public struct PostalAddress: Sendable, Hashable {
    public var street: String
    public var city: String
    public var postCode: String
    /// ISO 3166-1 alpha-2.
    public var country: String

    public init(street: String, city: String, postCode: String, country: String) {
        self.street = street
        self.city = city
        self.postCode = postCode
        self.country = country
    }

    public init(line: String, country: String) {
        var parts = line.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        if parts.count > 1, let last = parts.last, Self.namesCountry(last, country) { parts.removeLast() }
        guard parts.count > 1 else {
            self.init(street: parts.first ?? "", city: "", postCode: "", country: country)
            return
        }
        let rest = parts.dropFirst().joined(separator: ", ")
        var city: [Substring] = []
        var code: [Substring] = []
        for word in rest.split(separator: " ") {
            if word.contains(where: \.isNumber) { code.append(word) } else { city.append(word) }
        }
        var cityText = city.joined(separator: " ")
        while cityText.hasSuffix(",") { cityText.removeLast() }
        self.init(street: parts[0], city: cityText, postCode: code.joined(separator: " "), country: country)
    }

    private static func namesCountry(_ part: String, _ code: String) -> Bool {
        let p = part.lowercased()
        return p == code.lowercased() || p == CountryNames.shortName(of: code)?.lowercased()
    }
}
