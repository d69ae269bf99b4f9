/// What a country's rule found wrong with a compacted number; `VATIdentifierError` words it.
enum VATProblem: Hashable, Sendable {
    /// stdnum's InvalidFormat or InvalidLength: the number's shape.
    case format
    /// stdnum's InvalidChecksum.
    case checkDigit
    /// stdnum's InvalidComponent, with what the part is and why it cannot be.
    case component(String)
}

/// The per-country rules of python-stdnum 2.2 (`stdnum/<cc>/vat.py` and the modules it names:
/// at/uid, cz/dic with cz/rc, es/nif with dni, nie and cif, fr/tva with siren, ro/cf with cui
/// and cnp, …), ported line by line so that settle and stdnum agree on every number; the
/// comparison test runs stdnum on the fixture ids. Each function gets the number compacted and
/// without its prefix, and returns nil when it is valid.
enum VATCheckDigits {
    static func problem(in n: VATText, of country: VATCountry) -> VATProblem? {
        switch country {
        case .at: return austria(n)
        case .be: return belgium(n)
        case .bg: return bulgaria(n)
        case .cy: return cyprus(n)
        case .cz: return czechia(n)
        case .de: return germany(n)
        case .dk: return weighted(n, digits: 8, firstNotZero: true, [2, 7, 6, 5, 4, 3, 2, 1], modulo: 11)
        case .ee: return weighted(n, digits: 9, firstNotZero: false, [3, 7, 1, 3, 7, 1, 3, 7, 1], modulo: 10)
        case .el, .gr: return greece(n)
        case .es: return spain(n)
        case .fi: return weighted(n, digits: 8, firstNotZero: false, [7, 9, 10, 5, 8, 4, 2, 1], modulo: 11)
        case .fr: return france(n)
        case .gb, .xi: return unitedKingdom(n)
        case .hr: return croatia(n)
        case .hu: return weighted(n, digits: 8, firstNotZero: false, [9, 7, 3, 1, 9, 7, 3, 1], modulo: 10)
        case .ie: return ireland(n)
        case .it: return italy(n)
        case .lt: return lithuania(n)
        case .lu: return luxembourg(n)
        case .lv: return latvia(n)
        case .mt: return weighted(n, digits: 8, firstNotZero: true, [3, 4, 6, 7, 8, 9, 10, 1], modulo: 37)
        case .nl: return netherlands(n)
        case .pl: return weighted(n, digits: 10, firstNotZero: false, [6, 5, 7, 2, 3, 4, 5, 6, 7, -1], modulo: 11)
        case .pt: return portugal(n)
        case .ro: return romania(n)
        case .se: return sweden(n)
        case .si: return slovenia(n)
        case .sk: return slovakia(n)
        }
    }

    // MARK: Countries

    /// stdnum.at.uid: U, 7 digits and a Luhn-based check digit.
    static func austria(_ n: VATText) -> VATProblem? {
        guard n.slice(0, 1) == "U", n.slice(1).isDigits, n.count == 9 else { return .format }
        return matches(n[-1], mod(6 - luhn(n.slice(1, -1)), 10)) ? nil : .checkDigit
    }

    /// stdnum.be.vat: 10 digits starting 0 or 1, the last two making the number a multiple of 97.
    static func belgium(_ n: VATText) -> VATProblem? {
        guard n.isDigits, !n.isZero, n.count == 10 else { return .format }
        guard oneOf(n[0], "01") else { return .component("a Belgian one starts 0 or 1 after BE") }
        return (n.slice(nil, -2).int + n.slice(-2).int) % 97 == 0 ? nil : .checkDigit
    }

    /// stdnum.bg.vat: 9 digits for companies; 10 for people, valid as an EGN (birth number), a
    /// PNF (foreigner's number) or by the check for others.
    static func bulgaria(_ n: VATText) -> VATProblem? {
        guard n.isDigits else { return .format }
        switch n.count {
        case 9:
            let body = n.slice(nil, -1)
            var check = positional(body) { $0 + 1 } % 11
            if check == 10 { check = positional(body) { $0 + 3 } % 11 }
            return matches(n[-1], check % 10) ? nil : .checkDigit
        case 10:
            if isBulgarianEGN(n) || matches(n[-1], weightedSum([21, 19, 17, 13, 11, 9, 7, 3, 1], n) % 10) { return nil }
            return matches(n[-1], mod(11 - weightedSum([4, 3, 2, 7, 6, 5, 4, 3, 2], n), 11)) ? nil : .checkDigit
        default:
            return .format
        }
    }

    /// stdnum.bg.egn: a birth date (month +20 before 1900, +40 from 2000) and a check digit.
    static func isBulgarianEGN(_ n: VATText) -> Bool {
        var year = n.slice(0, 2).int + 1900
        var month = n.slice(2, 4).int
        if month > 40 {
            year += 100
            month -= 40
        } else if month > 20 {
            year -= 100
            month -= 20
        }
        guard CivilDate(year: year, month: month, day: n.slice(4, 6).int) != nil else { return false }
        return matches(n[-1], weightedSum([2, 4, 8, 5, 10, 9, 7, 3, 6], n) % 11 % 10)
    }

    /// stdnum.cy.vat: 8 digits, not starting 12, and a check letter.
    static func cyprus(_ n: VATText) -> VATProblem? {
        guard n.slice(nil, -1).isDigits, n.count == 9 else { return .format }
        guard n.slice(0, 2) != "12" else { return .component("a Cypriot one cannot start with 12") }
        let odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]
        var sum = 0
        for (i, d) in n.slice(nil, -1).digits.enumerated() { sum += i % 2 == 0 ? odd[d] : d }
        return n[-1] == letters[sum % 26] ? nil : .checkDigit
    }

    /// stdnum.cz.dic: 8 digits for companies, 9 starting 6 for special cases, else a birth
    /// number (stdnum.cz.rc).
    static func czechia(_ n: VATText) -> VATProblem? {
        guard n.isDigits else { return .format }
        if n.count == 8 {
            guard n[0] != "9" else { return .component("an 8-digit Czech one cannot start with 9") }
            let check = mod(11 - positional(n.slice(nil, -1)) { 8 - $0 }, 11)
            return matches(n[-1], (check == 0 ? 1 : check) % 10) ? nil : .checkDigit
        }
        if n.count == 9 && n[0] == "6" {
            let check = positional(n.slice(1, -1)) { 8 - $0 } % 11
            return matches(n[-1], mod(8 - (10 - check) % 11, 10)) ? nil : .checkDigit
        }
        if n.count == 9 || n.count == 10 { return birthNumber(n) }
        return .format
    }

    /// stdnum.cz.rc (also Slovakia's): YYMMDD (month +50 for women, +20 when a day's serials
    /// ran out), a serial, and from 1954 a check digit; 9 digits only before 1954.
    static func birthNumber(_ n: VATText) -> VATProblem? {
        var year = 1900 + n.slice(0, 2).int
        if n.count == 9 {
            if year >= 1980 { year -= 100 }
            if year > 1953 { return .component("a 9-digit birth number is from before 1954") }
        } else if year < 1954 {
            year += 100
        }
        guard CivilDate(year: year, month: n.slice(2, 4).int % 50 % 20, day: n.slice(4, 6).int) != nil else {
            return .component("its birth date \(n.slice(0, 6)) is not a date")
        }
        if n.count == 10 && !matches(n[-1], n.slice(nil, -1).int % 11 % 10) { return .checkDigit }
        return nil
    }

    /// stdnum.de.vat: 9 digits, ISO 7064 Mod 11,10.
    static func germany(_ n: VATText) -> VATProblem? {
        guard n.isDigits, n[0] != "0", n.count == 9 else { return .format }
        return mod11_10(n) == 1 ? nil : .checkDigit
    }

    /// stdnum.gr.vat: 9 digits, the last a doubling checksum of the others.
    static func greece(_ n: VATText) -> VATProblem? {
        guard n.isDigits, n.count == 9 else { return .format }
        var sum = 0
        for d in n.slice(nil, -1).digits { sum = sum * 2 + d }
        return matches(n[-1], sum * 2 % 11 % 10) ? nil : .checkDigit
    }

    /// stdnum.es.nif: a DNI (8 digits and a letter), a NIE (X, Y or Z, 7 digits, a letter), a
    /// K, L or M number (the DNI letter), or a CIF (an organisation letter, 7 digits and a
    /// check digit or letter).
    static func spain(_ n: VATText) -> VATProblem? {
        guard n.slice(1, -1).isDigits, n.count == 9 else { return .format }
        let first = n[0], last = n[-1]
        if oneOf(first, "KLM") { return last == dniLetter(n.slice(1, -1).int) ? nil : .checkDigit }
        if VATText.isDigit(first) { return last == dniLetter(n.slice(nil, -1).int) ? nil : .checkDigit }
        if oneOf(first, "XYZ") {
            let lead = Int(first.value) - 88  // X 0, Y 1, Z 2
            return last == dniLetter(lead * 10_000_000 + n.slice(1, -1).int) ? nil : .checkDigit
        }
        guard oneOf(first, "ABCDEFGHJNPQRSUVW") else { return .format }
        let digit = mod(10 - luhn(n.slice(1, -1) + VATText("0")), 10)
        return matches(last, digit) || last == cifLetters[digit] ? nil : .checkDigit
    }

    static func dniLetter(_ value: Int) -> Unicode.Scalar { dniLetters[value % 23] }
    static let dniLetters = Array("TRWAGMYFPDXBNJZSQVHLCKE".unicodeScalars)
    static let cifLetters = Array("JABCDEFGHI".unicodeScalars)

    /// stdnum.fr.tva: a two-character key (digits, or letters but I and O) and the SIREN, Luhn
    /// checked unless it starts 000 (Monaco); a numeric key is the SIREN's mod 97, a new-style
    /// one checked by its own formula.
    static func france(_ n: VATText) -> VATProblem? {
        let key = n.slice(0, 2), siren = n.slice(2)
        guard key.scalars.allSatisfy({ frenchKeyCharacters.contains($0) }), siren.isDigits, n.count == 11 else { return .format }
        if siren.slice(0, 3) != "000" && luhn(siren) != 0 { return .checkDigit }
        if key.isDigits { return key.int == (siren.int * 100 + 12) % 97 ? nil : .checkDigit }
        let a = frenchKeyCharacters.firstIndex(of: n[0]) ?? 0, b = frenchKeyCharacters.firstIndex(of: n[1]) ?? 0
        let check = VATText.isDigit(n[0]) ? a * 24 + b - 10 : a * 34 + b - 100
        return (siren.int + 1 + check / 11) % 11 == check % 11 ? nil : .checkDigit
    }

    static let frenchKeyCharacters = Array("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ".unicodeScalars)

    /// stdnum.gb.vat: 9 digits (12 for a branch) checked mod 97 (0, or 42 or 55 from 100 up);
    /// GD and 3 digits below 500 for government departments, HA and 500 or above for health
    /// authorities, or either with 8888, the 3 digits and those mod 97.
    static func unitedKingdom(_ n: VATText) -> VATProblem? {
        let ranges = "GD numbers run 000–499 (government departments), HA numbers 500–999 (health authorities)"
        if n.count == 5 {
            guard n.slice(2).isDigits, n.hasPrefix("GD") || n.hasPrefix("HA") else { return .format }
            return isGovernmentRange(n, n.slice(2).int) ? nil : .component(ranges)
        }
        if n.count == 11 && (n.slice(0, 6) == "GD8888" || n.slice(0, 6) == "HA8888") {
            guard n.slice(6).isDigits else { return .format }
            let value = n.slice(6, 9).int
            guard isGovernmentRange(n, value) else { return .component(ranges) }
            return value % 97 == n.slice(9, 11).int ? nil : .checkDigit
        }
        guard n.count == 9 || n.count == 12, n.isDigits else { return .format }
        let sum = weightedSum([8, 7, 6, 5, 4, 3, 2, 10, 1], n.slice(nil, 9)) % 97
        if n.slice(nil, 3).int >= 100 { return sum == 0 || sum == 42 || sum == 55 ? nil : .checkDigit }
        return sum == 0 ? nil : .checkDigit
    }

    static func isGovernmentRange(_ n: VATText, _ value: Int) -> Bool {
        (n.hasPrefix("GD") && value < 500) || (n.hasPrefix("HA") && value >= 500)
    }

    /// stdnum.hr.oib: 11 digits, ISO 7064 Mod 11,10.
    static func croatia(_ n: VATText) -> VATProblem? {
        guard n.isDigits, n.count == 11 else { return .format }
        return mod11_10(n) == 1 ? nil : .checkDigit
    }

    /// stdnum.ie.vat: 7 digits, a check letter and (since 2013) a second letter; or the old
    /// form, a digit, a letter or + or *, 5 digits and the check letter.
    static func ireland(_ n: VATText) -> VATProblem? {
        guard n.slice(nil, 1).isDigits, n.slice(2, 7).isDigits, n.slice(7).scalars.allSatisfy({ irishLetters.contains($0) }),
              n.count == 8 || n.count == 9 else { return .format }
        if n.slice(nil, 7).isDigits {
            return n[7] == irishCheckLetter(n.slice(nil, 7) + n.slice(8)) ? nil : .checkDigit
        }
        guard oneOf(n[1], "ABCDEFGHIJKLMNOPQRSTUVWXYZ+*") else { return .format }
        return n[7] == irishCheckLetter(n.slice(2, 7) + n.slice(0, 1)) ? nil : .checkDigit
    }

    /// Of up to 7 digits (zero-filled) and an optional second letter.
    static func irishCheckLetter(_ text: VATText) -> Unicode.Scalar {
        let padded = text.zfill(7)
        var sum = positional(padded.slice(nil, 7)) { 8 - $0 }
        if let letter = padded.slice(7).scalars.first { sum += 9 * (irishLetters.firstIndex(of: letter) ?? 0) }
        return irishLetters[sum % 23]
    }

    static let irishLetters = Array("WABCDEFGHIJKLMNOPQRSTUV".unicodeScalars)

    /// stdnum.it.iva: 11 digits, the 8th to 10th a tax office code, Luhn checked.
    static func italy(_ n: VATText) -> VATProblem? {
        guard n.isDigits, !n.slice(0, 7).isZero, n.count == 11 else { return .format }
        let office = n.slice(7, 10)
        guard (1...100).contains(office.int) || [120, 121, 888, 999].contains(office.int) else {
            return .component("\(office) (its 8th to 10th digits) is not an Italian tax office")
        }
        return luhn(n) == 0 ? nil : .checkDigit
    }

    /// stdnum.lt.pvm: 9 digits with 1 as the 8th, or 12 with 1 as the 11th, and a check digit.
    static func lithuania(_ n: VATText) -> VATProblem? {
        guard n.isDigits else { return .format }
        switch n.count {
        case 9:
            guard n[7] == "1" else { return .component("a 9-digit Lithuanian one has 1 as its 8th digit") }
        case 12:
            guard n[10] == "1" else { return .component("a 12-digit Lithuanian one has 1 as its 11th digit") }
        default:
            return .format
        }
        let body = n.slice(nil, -1)
        var check = positional(body) { 1 + $0 % 9 } % 11
        if check == 10 { check = positional(body) { 1 + ($0 + 2) % 9 } }
        return matches(n[-1], check % 11 % 10) ? nil : .checkDigit
    }

    /// stdnum.lu.tva: 8 digits, the last two the first six mod 89.
    static func luxembourg(_ n: VATText) -> VATProblem? {
        guard n.isDigits, n.count == 8 else { return .format }
        return n.slice(nil, 6).int % 89 == n.slice(-2).int ? nil : .checkDigit
    }

    /// stdnum.lv.pvn: 11 digits; from 4 up a company, 32 a person's new code, else a person's
    /// code starting with the birth date (DDMMYY and the century).
    static func latvia(_ n: VATText) -> VATProblem? {
        guard n.isDigits, n.count == 11 else { return .format }
        if n[0].value > ("3" as Unicode.Scalar).value {
            return weightedSum([9, 1, 4, 8, 3, 10, 2, 5, 7, 6, 1], n) % 11 == 3 ? nil : .checkDigit
        }
        if !n.hasPrefix("32") {
            let year = n.slice(4, 6).int + 1800 + n.slice(6, 7).int * 100
            guard CivilDate(year: year, month: n.slice(2, 4).int, day: n.slice(0, 2).int) != nil else {
                return .component("its birth date \(n.slice(0, 6)) is not a date")
            }
        }
        let check = 1 + weightedSum([10, 5, 8, 4, 2, 1, 6, 3, 7, 9], n.slice(nil, -1))
        return matches(n[-1], check % 11 % 10) ? nil : .checkDigit
    }

    /// stdnum.nl.btw: a BSN (9 digits, 11-proof) or, for sole proprietors since 2020, 9 digits
    /// whose NL…B.. form is ISO 7064 Mod 97,10; then B and 2 digits (not 00).
    static func netherlands(_ n: VATText) -> VATProblem? {
        let head = n.slice(nil, 9), tail = n.slice(10)
        guard head.isDigits, !head.isZero, tail.isDigits, !tail.isZero, n.count == 12, n[9] == "B" else { return .format }
        let bsnSum = positional(head.slice(nil, -1)) { 9 - $0 } - head.digits[8]
        if mod(bsnSum, 11) == 0 { return nil }
        return mod97_10(VATText("NL") + n) == 1 ? nil : .checkDigit
    }

    /// stdnum.pt.nif: 9 digits, the first not 0, and a check digit.
    static func portugal(_ n: VATText) -> VATProblem? {
        guard n.isDigits, n[0] != "0", n.count == 9 else { return .format }
        let sum = positional(n.slice(nil, -1)) { 9 - $0 }
        return matches(n[-1], mod(11 - sum, 11) % 10) ? nil : .checkDigit
    }

    /// stdnum.ro.cf: a CUI of 2 to 10 digits, or a person's 13-digit CNP.
    static func romania(_ n: VATText) -> VATProblem? {
        if n.count == 13 { return romanianCNP(n) }
        guard (2...10).contains(n.count), n.isDigits, n[0] != "0" else { return .format }
        let check = 10 * weightedSum([7, 5, 3, 2, 1, 7, 5, 3, 2], n.slice(nil, -1).zfill(9))
        return matches(n[-1], check % 11 % 10) ? nil : .checkDigit
    }

    /// stdnum.ro.cnp: sex and century, YYMMDD, a county, a serial and a check digit.
    static func romanianCNP(_ n: VATText) -> VATProblem? {
        guard n.isDigits else { return .format }
        guard n[0] != "0" else { return .component("a 13-digit Romanian one (a CNP) cannot start with 0") }
        let century: Int
        switch n[0] {
        case "3", "4": century = 1800
        case "5", "6": century = 2000
        default: century = 1900
        }
        guard CivilDate(year: n.slice(1, 3).int + century, month: n.slice(3, 5).int, day: n.slice(5, 7).int) != nil else {
            return .component("its birth date \(n.slice(1, 7)) is not a date")
        }
        guard romanianCounties.contains(n.slice(7, 9).int) else {
            return .component("\(n.slice(7, 9)) (its 8th and 9th digits) is not a Romanian county")
        }
        let check = weightedSum([2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9], n) % 11
        return matches(n[-1], check == 10 ? 1 : check) ? nil : .checkDigit
    }

    static let romanianCounties: Set<Int> = Set(1...48).union([51, 52, 70, 80, 81, 82, 83])

    /// stdnum.se.vat: the 10-digit organisation number (Luhn) and 01.
    static func sweden(_ n: VATText) -> VATProblem? {
        guard n.isDigits, n.slice(-2) == "01", n.count == 12 else { return .format }
        return luhn(n.slice(nil, -2)) == 0 ? nil : .checkDigit
    }

    /// stdnum.si.ddv: 8 digits, the first not 0, and a check digit (none fits when it would be 11).
    static func slovenia(_ n: VATText) -> VATProblem? {
        guard n.isDigits, n[0] != "0", n.count == 8 else { return .format }
        let check = 11 - positional(n.slice(nil, -1)) { 8 - $0 } % 11
        return matches(n[-1], check == 10 ? 0 : check) ? nil : .checkDigit
    }

    /// stdnum.sk.dph: a valid birth number, or 10 digits (not starting 0, the 3rd 2, 3, 4, 7, 8
    /// or 9) divisible by 11.
    static func slovakia(_ n: VATText) -> VATProblem? {
        guard n.isDigits, n.count == 10 else { return .format }
        if birthNumber(n) == nil { return nil }
        guard n[0] != "0", [2, 3, 4, 7, 8, 9].contains(n.digits[2]) else { return .format }
        return n.int % 11 == 0 ? nil : .checkDigit
    }

    // MARK: Arithmetic

    /// The countries whose rule is a weighted sum of all digits that the modulus divides.
    static func weighted(_ n: VATText, digits: Int, firstNotZero: Bool, _ weights: [Int], modulo: Int) -> VATProblem? {
        guard n.isDigits, !(firstNotZero && n[0] == "0"), n.count == digits else { return .format }
        return mod(weightedSum(weights, n), modulo) == 0 ? nil : .checkDigit
    }

    /// Python's `sum(w * int(n) for w, n in zip(weights, number))`: as far as the shorter goes.
    static func weightedSum(_ weights: [Int], _ n: VATText) -> Int {
        zip(weights, n.digits).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// The sum of each digit times `weight(position)`, positions from 0.
    static func positional(_ n: VATText, _ weight: (Int) -> Int) -> Int {
        var sum = 0
        for (i, d) in n.digits.enumerated() { sum += weight(i) * d }
        return sum
    }

    /// stdnum.luhn.checksum: 0 for a valid number.
    static func luhn(_ n: VATText) -> Int {
        var sum = 0
        for (i, d) in n.digits.reversed().enumerated() { sum += i % 2 == 0 ? d : (d * 2) / 10 + (d * 2) % 10 }
        return sum % 10
    }

    /// stdnum.iso7064.mod_11_10.checksum: 1 for a valid number.
    static func mod11_10(_ n: VATText) -> Int {
        var check = 5
        for d in n.digits { check = (((check == 0 ? 10 : check) * 2) % 11 + d) % 10 }
        return check
    }

    /// stdnum.iso7064.mod_97_10.checksum (letters count 10 to 35): 1 for a valid number.
    static func mod97_10(_ n: VATText) -> Int {
        var remainder = 0
        for s in n.scalars {
            switch s.value {
            case 48...57: remainder = (remainder * 10 + Int(s.value) - 48) % 97
            case 65...90: remainder = (remainder * 100 + Int(s.value) - 55) % 97
            default: return -1
            }
        }
        return remainder
    }

    /// Python's `a % m`: never negative for a positive modulus.
    static func mod(_ a: Int, _ m: Int) -> Int { ((a % m) + m) % m }

    /// stdnum's `str(value) == character`: a value of 10 or more matches no character.
    static func matches(_ character: Unicode.Scalar, _ value: Int) -> Bool {
        value >= 0 && value <= 9 && character.value == UInt32(48 + value)
    }

    /// Python's `character in "…"`.
    static func oneOf(_ character: Unicode.Scalar, _ set: String) -> Bool { set.unicodeScalars.contains(character) }

    static let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ".unicodeScalars)
}

/// A number as python-stdnum's code handles it: a sequence of Unicode code points, indexed and
/// sliced the way Python strings are (a negative index counts from the end, a slice past either
/// end stops there), so the rules above read like the code they were ported from.
struct VATText: Sendable, CustomStringConvertible {
    var scalars: [Unicode.Scalar]

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }
    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    var count: Int { scalars.count }

    var description: String {
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        return text
    }

    /// Python's `s[i]`.
    subscript(_ i: Int) -> Unicode.Scalar { scalars[i < 0 ? count + i : i] }

    /// Python's `s[from:to]`, nil for an open end.
    func slice(_ from: Int?, _ to: Int? = nil) -> VATText {
        let lower = from.map { bound($0) } ?? 0
        let upper = to.map { bound($0) } ?? count
        return lower < upper ? VATText(Array(scalars[lower..<upper])) : VATText([])
    }

    private func bound(_ i: Int) -> Int { min(max(i < 0 ? count + i : i, 0), count) }

    static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 48 && s.value <= 57 }

    /// stdnum's `isdigits`: one or more ASCII digits.
    var isDigits: Bool { !scalars.isEmpty && scalars.allSatisfy(VATText.isDigit) }

    /// Python's `int(s) == 0` for a text that `isDigits`, safe at any length.
    var isZero: Bool { scalars.allSatisfy { $0 == "0" } }

    /// Python's `int(s)` for a text that `isDigits` (called on 13 digits at most; wraps, never
    /// traps, beyond 18).
    var int: Int { scalars.reduce(0) { $0 &* 10 &+ (Int($1.value) &- 48) } }

    /// The digits' values, for a text that `isDigits`.
    var digits: [Int] { scalars.map { Int($0.value) - 48 } }

    func hasPrefix(_ prefix: String) -> Bool { scalars.starts(with: prefix.unicodeScalars) }

    static func == (text: VATText, string: String) -> Bool { text.scalars.elementsEqual(string.unicodeScalars) }
    static func != (text: VATText, string: String) -> Bool { !(text == string) }
    static func + (lhs: VATText, rhs: VATText) -> VATText { VATText(lhs.scalars + rhs.scalars) }

    // MARK: stdnum.util.clean, str.upper, str.strip, str.zfill

    /// stdnum's `clean`: look-alike characters (fullwidth and mathematical digits, the many
    /// dashes, dots, spaces, commas, colons, slashes, asterisks and apostrophes) as ASCII.
    var asciiEquivalents: VATText { VATText(scalars.map(VATText.ascii)) }

    /// Python's `str.upper()`: each code point's full upper-case mapping (ß is SS).
    var uppercased: VATText {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(count)
        for s in scalars {
            if s.value >= 97 && s.value <= 122 {
                out.append(Unicode.Scalar(UInt8(s.value - 32)))
            } else if s.isASCII {
                out.append(s)
            } else {
                out.append(contentsOf: s.properties.uppercaseMapping.unicodeScalars)
            }
        }
        return VATText(out)
    }

    /// Python's `str.strip()`: whitespace off both ends, as Python's `isspace` counts it.
    var stripped: VATText {
        guard let first = scalars.firstIndex(where: { !VATText.isSpace($0) }),
              let last = scalars.lastIndex(where: { !VATText.isSpace($0) }) else { return VATText([]) }
        return VATText(Array(scalars[first...last]))
    }

    /// stdnum's `clean(number, deletechars)`: those characters taken out.
    func removing(_ characters: String) -> VATText {
        let delete = Set(characters.unicodeScalars)
        return VATText(scalars.filter { !delete.contains($0) })
    }

    /// Python's `str.zfill(width)`: zeros in front up to `width`, after a leading sign.
    func zfill(_ width: Int) -> VATText {
        guard count < width else { return self }
        let zeros = [Unicode.Scalar](repeating: "0", count: width - count)
        if let sign = scalars.first, sign == "+" || sign == "-" {
            var out = [sign]
            out += zeros
            out += scalars.dropFirst()
            return VATText(out)
        }
        return VATText(zeros + scalars)
    }

    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// stdnum.util's `_char_map`, grouped by the ASCII character each stands for.
    static func ascii(_ s: Unicode.Scalar) -> Unicode.Scalar {
        let v = s.value
        if v < 0x80 { return v == 0x60 ? "'" : s }
        switch v {
        case 0x00AF, 0x02D7, 0x058A, 0x05BE, 0x1680, 0x180A, 0x2010...0x2015, 0x203E, 0x2043, 0x207B, 0x208B, 0x2212,
             0x23AF, 0x23BA...0x23BD, 0x23E4, 0xFE63, 0xFF0D, 0xFFE3:
            return "-"
        case 0x066D, 0x070D, 0x204E, 0x2055, 0x2217, 0x22C6, 0x2731...0x2733, 0x273A...0x273D, 0x274A, 0x274B, 0xA60E,
             0xFE61, 0xFF0A:
            return "*"
        case 0x00B8, 0x060C, 0x066B, 0x066C, 0x201A, 0x2032, 0x2E34, 0x3001, 0xFE10, 0xFE50, 0xFE51, 0xFF0C:
            return ","
        case 0x00B7, 0x02D9, 0x0387, 0x06D4, 0x0701, 0x0702, 0x0830, 0x0F0B, 0x0F0C, 0x16EB, 0x2022, 0x2024, 0x2027,
             0x2219, 0x22C5, 0x2E31, 0x2E33, 0x3002, 0x30FB, 0xFBB2, 0xFBB3, 0xFE52, 0xFF0E, 0xFF65, 0x10101, 0x1091F,
             0x10A50:
            return "."
        case 0x083C, 0x2044, 0x2215, 0x27CB, 0x29F8, 0xFF0F:
            return "/"
        case 0x1361, 0x16EC, 0x1804, 0xFE13, 0xFE30, 0xFE55, 0xFF1A:
            return ":"
        case 0x00A0, 0x2000...0x200A, 0x202F, 0x205F, 0x3000:
            return " "
        case 0x00B4, 0x02B9, 0x02BB, 0x02BC, 0x02BE, 0x02BF, 0x02C8, 0x0300, 0x0301, 0x0312, 0x0313, 0x055A, 0x2018,
             0x2019, 0x201B:
            return "'"
        case 0xFF10...0xFF19:
            return Unicode.Scalar(UInt8(48 + v - 0xFF10))
        case 0x1D7CE...0x1D7FF:
            return Unicode.Scalar(UInt8(48 + (v - 0x1D7CE) % 10))
        default:
            return s
        }
    }
}
