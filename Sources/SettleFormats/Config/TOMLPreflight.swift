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
        try checkNesting(text, file: file)
    }

    /// The other input toml++ aborts on: a `}` where an array expects a value (`a = [}`,
    /// `a = { b = [ } }`). Found by a scan that skips strings and comments and follows the
    /// nesting of arrays and inline tables; in valid TOML a `}` inside an array only ever
    /// closes an inline table opened inside it.
    static func checkNesting(_ text: String, file: String) throws(ConfigError) {
        var open: [Unicode.Scalar] = []
        var line = 1
        var scalars = Array(text.unicodeScalars)[...]
        func starts(_ s: String) -> Bool { scalars.starts(with: s.unicodeScalars) }
        while let c = scalars.first {
            if c == "\n" { line += 1; scalars = scalars.dropFirst(); continue }
            if c == "#" {
                scalars = scalars.drop { $0 != "\n" }
                continue
            }
            if c == "\"" || c == "'" {
                let triple = String(repeating: String(c), count: 3)
                let multi = starts(triple)
                scalars = scalars.dropFirst(multi ? 3 : 1)
                while let d = scalars.first {
                    if d == "\n" {
                        if !multi { break }   // an unclosed one-line string: toml++ says so
                        line += 1
                    }
                    if c == "\"" && d == "\\" { scalars = scalars.dropFirst(2); continue }
                    if multi ? starts(triple) : d == c {
                        scalars = scalars.dropFirst(multi ? 3 : 1)
                        break
                    }
                    scalars = scalars.dropFirst()
                }
                continue
            }
            switch c {
            case "[", "{": open.append(c)
            case "]": if open.last == "[" { open.removeLast() }
            case "}":
                if open.last == "{" {
                    open.removeLast()
                } else if open.last == "[" {
                    throw ConfigError(file: file, line: line, "a } where the array expects a value (is a [ or a { missing?)")
                }
            default: break
            }
            scalars = scalars.dropFirst()
        }
    }

    /// A bare key's characters, a quoted key's quote, or the `]` of an empty array.
    static func nameStarts(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-" || c == "\"" || c == "'" || c == "]"
    }
}
