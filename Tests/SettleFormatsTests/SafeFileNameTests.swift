import Testing
@testable import SettleFormats

/// PRODUCT.md, "Outputs": an id becomes part of a file name only through the safe encoding.
/// Expected names worked out by hand and checked with python3 and sha256sum.
@Suite struct SafeFileNameTests {
    @Test func ordinaryIdsAndNumbersKeepTheirNames() {
        #expect(SafeFileName.encode("cus_0001") == "cus_0001")
        #expect(SafeFileName.encode("INV-2026-000001") == "INV-2026-000001")
        #expect(SafeFileName.encode("codewell-health") == "codewell-health")
        #expect(SafeFileName.encode("a.b") == "a.b")
    }

    @Test func slashesDotsAndEveryOtherByteAreEncoded() {
        #expect(SafeFileName.encode("../../../tmp/pwned-seller") == "%2E.%2F..%2F..%2Ftmp%2Fpwned-seller")
        #expect(SafeFileName.encode("../evil") == "%2E.%2Fevil")
        #expect(SafeFileName.encode("a/b") == "a%2Fb")
        #expect(SafeFileName.encode("\u{01}") == "%01")
        #expect(SafeFileName.encode("a\u{01}b") == "a%01b")
        #expect(SafeFileName.encode(".hidden") == "%2Ehidden")
        #expect(SafeFileName.encode(".") == "%2E")
        #expect(SafeFileName.encode("..") == "%2E.")
        #expect(SafeFileName.encode("Zürich") == "Z%C3%BCrich")
        #expect(SafeFileName.encode("a b") == "a%20b")
        // `%` itself is encoded, so two ids never share a name.
        #expect(SafeFileName.encode("100%") == "100%25")
        #expect(SafeFileName.encode("a%2Fb") == "a%252Fb")
        // The catalog refuses an empty id; were one to get here, it is no name of another id.
        #expect(SafeFileName.encode("") == "%")
    }

    @Test func aLongIdIsCutAt200BytesAndEndsWithItsHash() {
        // printf 'a%.0s' {1..300} | sha256sum → 9835fa6bf4e20a9b…
        let long = SafeFileName.encode(String(repeating: "a", count: 300))
        #expect(long == String(repeating: "a", count: 183) + "-9835fa6bf4e20a9b")
        #expect(long.utf8.count == 200)
        // 150 × "é": 900 encoded bytes, cut on a triple's boundary at 183.
        let accents = SafeFileName.encode(String(repeating: "é", count: 150))
        #expect(accents == String(repeating: "%C3%A9", count: 30) + "%C3-cb1fa3158102cb16")
        #expect(accents.utf8.count == 200)
        // A cut that would split `%2F` backs up to its `%`: 198 and 199 bytes.
        let slashes = SafeFileName.encode("a" + String(repeating: "/", count: 100))
        #expect(slashes == "a" + String(repeating: "%2F", count: 60) + "-fc5583e03c6c00ce")
        #expect(slashes.utf8.count == 198)
        let slashes2 = SafeFileName.encode("aa" + String(repeating: "/", count: 100))
        #expect(slashes2 == "aa" + String(repeating: "%2F", count: 60) + "-d97be512c5ed2f3e")
        #expect(slashes2.utf8.count == 199)
        // Exactly 200 encoded bytes is not cut.
        #expect(SafeFileName.encode(String(repeating: "b", count: 200)) == String(repeating: "b", count: 200))
        let cut = SafeFileName.encode(String(repeating: "b", count: 201))
        #expect(cut.utf8.count == 200 && cut.hasPrefix(String(repeating: "b", count: 183) + "-"))
    }

    @Test func noNameLeavesItsFolderOrHides() {
        for id in ["..", ".", "/", "/etc/passwd", "../x", "x/../../y", ".x.tmp-1", "\u{0}", "\n", String(repeating: "../", count: 100)] {
            let name = SafeFileName.encode(id)
            #expect(!name.isEmpty && !name.contains("/") && !name.hasPrefix(".") && name.utf8.count <= 200, "\(id) → \(name)")
            #expect(name.utf8.allSatisfy { SafeFileName.isKept($0) || $0 == UInt8(ascii: "%") }, "\(id) → \(name)")
        }
    }

    /// Quarantine files are named after their input file, through the same encoding: a leading
    /// dot or a space in an input's name makes no hidden or odd file.
    @Test func quarantineFilesAreNamedThroughTheEncoding() {
        #expect(QuarantineFile.path(outDir: "/o", sourcePath: "/in/.evil name.jsonl", sha256: "abcdef0123456789")
                == "/o/quarantine/%2Eevil%20name-abcdef012345.jsonl")
        #expect(QuarantineFile.path(outDir: "/o", sourcePath: "inbox/2026-10-25.jsonl", sha256: "0123456789abcdef")
                == "/o/quarantine/2026-10-25-0123456789ab.jsonl")
    }
}
