import Testing
@testable import SettleCore

/// VAT identifiers checked as python-stdnum checks them: valid numbers from stdnum's doctests
/// and each country's special forms, the same with a digit changed or the length wrong, wrong
/// prefixes, the separators and look-alike characters people type, and the messages.
@Suite struct VATIdentifierTests {
    /// Four valid ids of every prefix, from python-stdnum's tests/test_eu_vat.doctest and
    /// tests/test_gb_vat.doctest (GR and XI: Greek and UK numbers under the other prefix; HR: its
    /// one doctest number, then numbers made with stdnum's mod_11_10.calc_check_digit), with
    /// the compact form stdnum.eu.vat.validate gives.
    static let valid: [String: [(String, String)]] = [
        "AT": [("ATU 142 43 102", "ATU14243102"), ("ATU 15159209", "ATU15159209"), ("ATU 28560205", "ATU28560205"), ("ATU13585627", "ATU13585627")],
        "BE": [("BE (0)468.561.072", "BE0468561072"), ("BE 0202.239.951", "BE0202239951"), ("BE 444.503.092", "BE0444503092"), ("BE0428759497", "BE0428759497")],
        "BG": [("BG 103873594", "BG103873594"), ("BG 131202360", "BG131202360"), ("BG7111042925", "BG7111042925"), ("BG7523169263", "BG7523169263")],
        "CY": [("CY 10246672X", "CY10246672X"), ("CY- 10277198H", "CY10277198H"), ("CY-10008489 A", "CY10008489A"), ("CY00632993 F", "CY00632993F")],
        "CZ": [("CZ 25123891", "CZ25123891"), ("CZ 640229/4448", "CZ6402294448"), ("CZ 640903926", "CZ640903926"), ("CZ 6956220612", "CZ6956220612")],
        "DE": [("DE - 113866163", "DE113866163"), ("DE 136.695.976", "DE136695976"), ("DE 136,695 976", "DE136695976"), ("DE 221.304.969", "DE221304969")],
        "DK": [("DK 10 50 32 80", "DK10503280"), ("DK-27630308", "DK27630308"), ("DK: 21599336", "DK21599336"), ("DK 2566 2202", "DK25662202")],
        "EE": [("EE 100 931 558", "EE100931558"), ("EE 100523487", "EE100523487"), ("EE101256753", "EE101256753"), ("EE 101288941", "EE101288941")],
        "EL": [("EL 039868210", "EL039868210"), ("EL 94051189", "EL094051189"), ("EL-082857563", "EL082857563"), ("EL: 094279805", "EL094279805")],
        "GR": [("GR 094259216", "GR094259216"), ("GR 039868210", "GR039868210"), ("GR 94051189", "GR094051189"), ("GR-082857563", "GR082857563")],
        "ES": [("ES - Q0818001J", "ESQ0818001J"), ("ES 54362315K", "ES54362315K"), ("ES A-28184661", "ESA28184661"), ("ES X-5253868-R", "ESX5253868R")],
        "FI": [("FI 02459042", "FI02459042"), ("FI 0982651-1", "FI09826511"), ("FI-214 95 540", "FI21495540"), ("FI18261444", "FI18261444")],
        "FR": [("FR 04409414364", "FR04409414364"), ("FR 114 248 728 36", "FR11424872836"), ("FR K 7399859412", "FRK7399859412"), ("FR 4Z123456782", "FR4Z123456782")],
        "GB": [("GB 002 4257 28", "GB002425728"), ("GB 100 1950 75", "GB100195075"), ("GB 242338087388", "GB242338087388"), ("GBGD100", "GBGD100")],
        "XI": [("XI 432525179", "XI432525179"), ("XI 980 7806 84", "XI980780684"), ("XI 242338087388", "XI242338087388"), ("XIGD100", "XIGD100")],
        "HR": [("HR 33392005961", "HR33392005961"), ("HR69824350130", "HR69824350130"), ("HR94701518343", "HR94701518343"), ("HR12345678903", "HR12345678903")],
        "HU": [("HU -12509403", "HU12509403"), ("HU 10672101", "HU10672101"), ("HU-10402434", "HU10402434"), ("HU11377304", "HU11377304")],
        "IE": [("IE 0005306C", "IE0005306C"), ("IE 632 3420 C", "IE6323420C"), ("IE6433435IH", "IE6433435IH"), ("IE6433435OA", "IE6433435OA")],
        "IT": [("IT - 01404480202", "IT01404480202"), ("IT 0 0 6 1 8 2 8 0 4 9 9", "IT00618280499"), ("IT 00 595 000 217", "IT00595000217"), ("IT: 02331250163", "IT02331250163")],
        "LT": [("LT 100001354118", "LT100001354118"), ("LT 119511515", "LT119511515"), ("LT-100000979812", "LT100000979812"), ("LT100004801610", "LT100004801610")],
        "LU": [("LU 10059929", "LU10059929"), ("LU 109 676 28", "LU10967628"), ("LU.248.70.640", "LU24870640"), ("LU: 2294 4200", "LU22944200")],
        "LV": [("LV 4000 3521 600", "LV40003521600"), ("LV 50003087101", "LV50003087101"), ("LV 90000528023", "LV90000528023"), ("LV-42103016370", "LV42103016370")],
        "MT": [("MT 1039-6417", "MT10396417"), ("MT 1167-9112", "MT11679112"), ("MT 1465 8213", "MT14658213"), ("MT 17025737", "MT17025737")],
        "NL": [("NL 001241 643 B01", "NL001241643B01"), ("NL 8225.69.759 b01", "NL822569759B01"), ("NL.0094.10.806.B.01", "NL009410806B01"), ("NL002455799B11", "NL002455799B11")],
        "PL": [("PL 5211355116", "PL5211355116"), ("PL 584-030-44-72", "PL5840304472"), ("PL-7532365958", "PL7532365958"), ("PL5261025421", "PL5261025421")],
        "PT": [("PT 500 019 720", "PT500019720"), ("PT 500135.495", "PT500135495"), ("PT-505 856 468", "PT505856468"), ("PT503038083", "PT503038083")],
        "RO": [("RO 11358544", "RO11358544"), ("RO 1630615123457", "RO1630615123457"), ("RO 1822964", "RO1822964"), ("RO 241 30 20", "RO2413020")],
        "SE": [("SE 202 100-5000 01", "SE202100500001"), ("SE 556.383.740.901", "SE556383740901"), ("SE-5562245190-01", "SE556224519001"), ("Se 556250398601", "SE556250398601")],
        "SI": [("SI 26808498", "SI26808498"), ("SI 3609 7152", "SI36097152"), ("SI-83815201", "SI83815201"), ("SI 5022 3054", "SI50223054")],
        "SK": [("SK 1078449064", "SK1078449064"), ("SK 202 274 96 19", "SK2022749619"), ("SK 2020 237 945", "SK2020237945"), ("SK2022193459", "SK2022193459")],
    ]
    /// Valid ids with one digit changed, or a digit added, and the kind of error stdnum raises
    /// (CZ 740903926: stdnum's InvalidLength, a 9-digit birth number from after 1953, is a
    /// component error here, as its message names the date).
    static let invalid: [(String, VATIdentifierError.Kind)] = [
        ("ATU 142 43 103", .checkDigit), ("ATU 15150209", .checkDigit), ("ATU 38560205", .checkDigit), ("ATU 142 43 1002", .format),
        ("BE (0)468.561.073", .checkDigit), ("BE 0202.249.951", .checkDigit), ("BE 544.503.092", .checkDigit), ("BE (0)468.561.0702", .format),
        ("BG 103873595", .checkDigit), ("BG 131212360", .checkDigit), ("BG8111042925", .checkDigit), ("BG 1038735904", .checkDigit),
        ("CY 10246673X", .checkDigit), ("CY- 10278198H", .checkDigit), ("CY-20008489 A", .checkDigit), ("CY 102466702X", .format),
        ("CZ 25123892", .checkDigit), ("CZ 640220/4448", .checkDigit), ("CZ 740903926", .component), ("CZ 251238901", .component),
        ("DE - 113866164", .checkDigit), ("DE 136.605.976", .checkDigit), ("DE 236,695 976", .checkDigit), ("DE - 1138661603", .format),
        ("DK 10 50 32 81", .checkDigit), ("DK-27631308", .checkDigit), ("DK: 31599336", .checkDigit), ("DK 10 50 32 800", .format),
        ("EE 100 931 559", .checkDigit), ("EE 100533487", .checkDigit), ("EE201256753", .checkDigit), ("EE 100 931 5508", .format),
        ("EL 039868211", .checkDigit), ("EL 94052189", .checkDigit), ("EL-182857563", .checkDigit), ("EL 0398682100", .format),
        ("GR 094259217", .checkDigit), ("GR 039878210", .checkDigit), ("GR 04051189", .checkDigit), ("GR 0942592106", .format),
        ("ES - Q0818002J", .checkDigit), ("ES 54363315K", .checkDigit), ("ES A-38184661", .checkDigit), ("ES - Q08180001J", .format),
        ("FI 02459043", .checkDigit), ("FI 0982751-1", .checkDigit), ("FI-314 95 540", .checkDigit), ("FI 024590402", .format),
        ("FR 04409414365", .checkDigit), ("FR 114 249 728 36", .checkDigit), ("FR K 8399859412", .checkDigit), ("FR 044094143604", .format),
        ("GB 002 4257 29", .checkDigit), ("GB 100 1050 75", .checkDigit), ("GB 342338087388", .checkDigit), ("GB 002 4257 208", .format),
        ("XI 432525170", .checkDigit), ("XI 980 7906 84", .checkDigit), ("XI 342338087388", .checkDigit), ("XI 4325251709", .format),
        ("HR 33392005962", .checkDigit), ("HR69824450130", .checkDigit), ("HR04701518343", .checkDigit), ("HR 333920059601", .format),
        ("HU -12509404", .checkDigit), ("HU 10673101", .checkDigit), ("HU-20402434", .checkDigit), ("HU -125094003", .format),
        ("IE 0005307C", .checkDigit), ("IE 632 4420 C", .checkDigit), ("IE7433435IH", .checkDigit), ("IE 00053006C", .format),
        ("IT - 01404480203", .checkDigit), ("IT 0 0 6 1 8 3 8 0 4 9 9", .checkDigit), ("IT 10 595 000 217", .checkDigit), ("IT - 014044802002", .format),
        ("LT 100001354119", .checkDigit), ("LT 119521515", .checkDigit), ("LT-200000979812", .checkDigit), ("LT 1000013541108", .format),
        ("LU 10059920", .checkDigit), ("LU 109 686 28", .checkDigit), ("LU.348.70.640", .checkDigit), ("LU 100599209", .format),
        ("LV 4000 3521 601", .checkDigit), ("LV 50003187101", .checkDigit), ("LV 00000528023", .component), ("LV 4000 3521 6000", .format),
        ("MT 1039-6418", .checkDigit), ("MT 1167-0112", .checkDigit), ("MT 2465 8213", .checkDigit), ("MT 1039-64107", .format),
        ("NL 8225.60.759 b01", .checkDigit), ("NL.1094.10.806.B.01", .checkDigit), ("NL002455799B12", .checkDigit), ("NL 001241 643 B001", .format),
        ("PL 5211355117", .checkDigit), ("PL 584-031-44-72", .checkDigit), ("PL-8532365958", .checkDigit), ("PL 52113551106", .format),
        ("PT 500 019 721", .checkDigit), ("PT 500145.495", .checkDigit), ("PT-605 856 468", .checkDigit), ("PT 500 019 7200", .format),
        ("RO 11358545", .checkDigit), ("RO 1630616123457", .checkDigit), ("RO 2822964", .checkDigit), ("RO 113585404", .checkDigit),
        ("SE 202 100-5000 02", .format), ("SE 556.383.840.901", .checkDigit), ("SE-6562245190-01", .checkDigit), ("SE 202 100-5000 001", .format),
        ("SI 26808499", .checkDigit), ("SI 3609 8152", .checkDigit), ("SI-93815201", .checkDigit), ("SI 268084908", .format),
        ("SK 1078449065", .checkDigit), ("SK 202 275 96 19", .checkDigit), ("SK 3020 237 945", .checkDigit), ("SK 10784490604", .format),
    ]

    func verdict(_ text: String) -> Result<VATIdentifier, VATIdentifierError> {
        do throws(VATIdentifierError) {
            return .success(try VATIdentifier(text))
        } catch {
            return .failure(error)
        }
    }

    func expectValid(_ text: String, _ compact: String, sourceLocation: SourceLocation = #_sourceLocation) {
        switch verdict(text) {
        case .success(let id): #expect(id.description == compact, "\(text)", sourceLocation: sourceLocation)
        case .failure(let error): Issue.record("\(error)", sourceLocation: sourceLocation)
        }
    }

    func expectInvalid(_ text: String, _ kind: VATIdentifierError.Kind, sourceLocation: SourceLocation = #_sourceLocation) {
        switch verdict(text) {
        case .success(let id): Issue.record("\(text) passed as \(id)", sourceLocation: sourceLocation)
        case .failure(let error): #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func everyPrefixIsHandledAndHasValidExamples() {
        #expect(VATIdentifier.countries.count == 30)
        #expect(Set(Self.valid.keys) == Set(VATIdentifier.countries))
        for prefix in ["AT", "EL", "GR", "GB", "XI", "SE"] { #expect(VATIdentifier.countries.contains(prefix)) }
    }

    @Test func validNumbersOfEveryCountryPassCompacted() {
        for (_, ids) in Self.valid {
            #expect(ids.count >= 3)
            for (text, compact) in ids { expectValid(text, compact) }
        }
    }

    @Test func aChangedDigitOrLengthIsRefused() {
        #expect(Self.invalid.count >= 30 * 4)
        for (text, kind) in Self.invalid { expectInvalid(text, kind) }
    }

    /// stdnum's own list of numbers "mangled so their check digit is wrong".
    @Test func stdnumsMangledCheckDigitsAreRefused() {
        let mangled = ["ATU 143 43 102", "ATU46080904", "BE 0406.139.583", "BE697449982", "BG 131 172 009", "BG 200940556",
                       "CY 10246672F", "CY00632893 F", "CZ 48207726", "CZ 8058018314", "DE 125014855", "DE 813 91 38 75",
                       "DK 2565 2202", "DK10159817", "EE 100525487", "EE101256754", "ES 54362415K", "ES K-2814015-F",
                       "ES-x-2322300w", "Es-a48951310", "EL 094068733", "EL: 094269805", "FR 04409414264", "FR K 7399859312",
                       "FR L 7399859412", "IE 4731823H", "IE 632 3421 C", "IE8D79729I", "LV 40003189715", "LV-42103048181",
                       "SK 1078449164", "SK 2020457679"]
        for text in mangled { expectInvalid(text, .checkDigit) }
    }

    @Test func eachCountrysSpecialFormsPass() {
        expectValid("BE 1000000021", "BE1000000021")              // a 10-digit Belgian number starting 1
        expectValid("BE 444.503.092", "BE0444503092")             // the 9-digit legacy form
        expectValid("BE (0)468.561.072", "BE0468561072")
        expectValid("BG 7501020018", "BG7501020018")              // a person's EGN
        expectValid("BG7111042925", "BG7111042925")               // a foreigner's PNF
        expectValid("BG 7153849522", "BG7153849522")              // others
        expectValid("CZ 640903926", "CZ640903926")                // special case, 9 digits starting 6
        expectValid("CZ 736028/5163", "CZ7360285163")             // a birth number
        expectValid("ES 54362315K", "ES54362315K")                // DNI
        expectValid("ES X-5253868-R", "ESX5253868R")              // NIE
        expectValid("ES M-1234567-L", "ESM1234567L")              // no NIE: the DNI letter
        expectValid("ES A-28184661", "ESA28184661")               // CIF, check digit
        expectValid("ES - Q0818001J", "ESQ0818001J")              // CIF, check letter
        expectValid("FR K 7399859412", "FRK7399859412")           // new-style key
        expectValid("FR 4Z123456782", "FR4Z123456782")            // new-style key starting with a digit
        expectValid("FR16000063601", "FR16000063601")             // Monaco: no SIREN check
        expectValid("GB GD100", "GBGD100")                        // government department
        expectValid("GB HA501", "GBHA501")                        // health authority
        expectValid("GB GD888810003", "GBGD888810003")
        expectValid("GB HA888856782", "GBHA888856782")
        expectValid("GB 100190874", "GB100190874")                // restarting from 100
        expectValid("GB 242338087388", "GB242338087388")          // branch trader
        expectValid("IE 6433435F", "IE6433435F")                  // pre-2013
        expectValid("IE 6433435OA", "IE6433435OA")                // 2013 form
        expectValid("IE 8D79739I", "IE8D79739I")                  // old form
        expectValid("IT 00743110157", "IT00743110157")
        expectValid("LT 119511515", "LT119511515")                // a company
        expectValid("LT 100001919017", "LT100001919017")          // temporarily registered
        expectValid("LT100004801610", "LT100004801610")           // the second step of the check
        expectValid("LV 161175-19997", "LV16117519997")           // a person, birth date
        expectValid("LV 328673-00679", "LV32867300679")           // a person, new code
        expectValid("NL4495445B01", "NL004495445B01")
        expectValid("NL002455799B11", "NL002455799B11")           // a sole proprietor: mod 97
        expectValid("RO 185 472 90", "RO18547290")
        expectValid("RO 1630615123457", "RO1630615123457")        // a CNP
        expectValid("SE 123456789701", "SE123456789701")
        expectValid("SK 7103192745", "SK7103192745")              // a birth number
        expectValid("EL 94051189", "EL094051189")                 // the old 8-digit form
        expectValid("GR 094259216", "GR094259216")
        expectValid("XI 432525179", "XI432525179")
    }

    @Test func compactionAsStdnumDoesIt() {
        expectValid("DE 136.695.976", "DE136695976")
        expectValid("DE 136,695 976", "DE136695976")
        expectValid("  de136695976  ", "DE136695976")
        expectValid("DE\u{00A0}136\u{00A0}695\u{00A0}976", "DE136695976")            // no-break spaces
        expectValid("DE\u{FF11}\u{FF13}\u{FF16}\u{FF16}\u{FF19}\u{FF15}\u{FF19}\u{FF17}\u{FF16}", "DE136695976")  // fullwidth digits
        expectValid("DE 136\u{2013}695\u{2013}976", "DE136695976")                    // en dashes
        expectValid("NL 8225\u{00B7}69\u{00B7}759 B01", "NL822569759B01")              // middle dots
        expectValid("NL.0094.10.806.B.01", "NL009410806B01")
        expectValid("ES-x-2482300w", "ESX2482300W")
        expectValid("IT 0 0 6 1 8 2 8 0 4 9 9", "IT00618280499")
        expectValid("DK: 21599336", "DK21599336")
        expectValid("CZ 640229/4448", "CZ6402294448")
        expectValid("SE 202 100-5000 01", "SE202100500001")
        // Each country's module deletes only its own separators: a slash in a Bulgarian one stays.
        expectInvalid("BG 131/202/360", .format)
        expectValid("BG 131 202 360", "BG131202360")
        // The prefix is the first two characters before separators are taken out.
        expectInvalid("D E136695976", .unknownPrefix)
    }

    @Test func wrongPrefixesAreRefused() {
        expectInvalid("XX136695976", .unknownPrefix)
        expectInvalid("136695976", .unknownPrefix)
        expectInvalid("", .unknownPrefix)
        expectInvalid("   ", .unknownPrefix)
        expectInvalid("EU372022452", .unknownPrefix)
        expectInvalid("FR136695976", .format)           // a German number under FR
        expectInvalid("DE DE 246595415", .format)       // the prefix twice
        expectInvalid("ATU ATU 65033803", .format)
    }

    @Test func partsWithNoValidValueAreRefused() {
        expectInvalid("BE2000021323", .component)       // a Belgian one starts 0 or 1
        expectInvalid("CY-12259033P", .component)
        expectInvalid("CZ 95123891", .component)
        expectInvalid("IT 00687129980", .component)     // office code 998
        expectInvalid("LT 100001354", .component)
        expectInvalid("LV 161375-19997", .component)    // month 13
        expectInvalid("RO 1631315123457", .component)   // month 13
        expectInvalid("GB GD600", .component)
        expectInvalid("GB HA201", .component)
        expectInvalid("GB GD888860018", .component)
        expectInvalid("GB HA888856700", .checkDigit)
        expectInvalid("GB ZZ100", .format)
        expectInvalid("IE 8?79739J", .format)
        expectInvalid("FR IO334175221", .format)        // no I or O in a key
        expectInvalid("NL 123456789B90", .checkDigit)
        expectInvalid("NL 001241643801", .format)
        expectInvalid("BE0000000000", .format)
        expectInvalid("SE 5567003255201", .format)
        expectInvalid("SI 5022 3055", .checkDigit)
        expectInvalid("ES L1111111C", .checkDigit)
        expectInvalid("ES A11111118", .checkDigit)
    }

    @Test func messagesSayWhatIsWrong() {
        func message(_ text: String) -> String {
            switch verdict(text) {
            case .success(let id): return "valid: \(id)"
            case .failure(let error): return error.description
            }
        }
        #expect(message("DE12345678") == "DE12345678 is not a valid VAT identifier: a German one is DE and 9 digits, the first not 0")
        #expect(message("DE 125014855") == "DE 125014855 is not a valid VAT identifier: its check digit does not match")
        #expect(message(" XX136695976 ") == "XX136695976 is not a valid VAT identifier: XX is not the prefix of an EU member state or GB")
        #expect(message("136695976") == "136695976 is not a valid VAT identifier: it does not start with the two-letter prefix of an EU member state or GB (such as DE)")
        #expect(message("") == "\"\" is not a valid VAT identifier: it is empty")
        #expect(message("IE 4731823H") == "IE 4731823H is not a valid VAT identifier: its check letter does not match")
        #expect(message("IT 00687129980") == "IT 00687129980 is not a valid VAT identifier: 998 (its 8th to 10th digits) is not an Italian tax office")
        #expect(message("CZ 251238901") == "CZ 251238901 is not a valid VAT identifier: its birth date 251238 is not a date")
        #expect(message("EL 12345678901") == "EL 12345678901 is not a valid VAT identifier: a Greek one is EL and 9 digits (8 in the old form)")
    }

    @Test func theCompactFormIsTheIdentity() throws {
        let a = try VATIdentifier("nl 8225.69.759 b01")
        let b = try VATIdentifier("NL822569759B01")
        #expect(a == b && a.country == "NL" && a.number == "822569759B01")
        #expect(try VATIdentifier("EL 094501040") != VATIdentifier("GR 094501040"))
    }
}
