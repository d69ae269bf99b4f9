import Foundation
import SettleCore

enum TOMLPreflight {
    /// TOML that the parser (toml++, inside TOMLKit) does not refuse but aborts the process on,
    /// found by fuzzing: a table header whose name does not start with a name's character
    /// (`[.reconcile]`, `[=x]`, `[[ #x ]]`, `[` alone). Refused here first, as bad configuration
    /// naming the line (78), never a crash. A line of a multi-line array that starts with `[`
    /// and such a character (`[+1, 2]`) is refused too: rare in a settle.toml, and never a crash.
    static func check(_ text: String, file: String) throws(ConfigError) {
        // By Unicode scalar, not by Character: `[` followed by a combining mark is one Character.
        for (i, raw) in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.drop { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" }
            guard line.first == "[" else { continue }
            line = line.dropFirst()
            if line.first == "[" { line = line.dropFirst() }
            line = line.drop { $0 == " " || $0 == "\t" }
            guard let c = line.first, nameStarts(c) else {
                let shown = String(String.UnicodeScalarView(raw)).trimmingCharacters(in: .whitespaces)
                throw ConfigError(file: file, line: i + 1, "a table header must start with its name: \(shown.prefix(60)) (write [reconcile], [plans.pro])")
            }
        }
    }

    /// A bare key's characters, a quoted key's quote, or the `]` of an empty array.
    static func nameStarts(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-" || c == "\"" || c == "'" || c == "]"
    }
}
