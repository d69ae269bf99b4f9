import Foundation
import SettleCore

enum TOMLPreflight {
    /// TOML that the parser (toml++, inside TOMLKit) does not refuse but aborts the process on,
    /// found by fuzzing: a table header whose key starts with a dot (`[.reconcile]`,
    /// `[[ .x ]]`). Refused here first, as bad configuration naming the line (78), never a crash.
    /// A line inside a multi-line string that looks like such a header is refused too: rare in
    /// a settle.toml, and never a crash.
    static func check(_ text: String, file: String) throws(ConfigError) {
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.drop { $0 == " " || $0 == "\t" }
            guard line.first == "[" else { continue }
            line = line.dropFirst()
            if line.first == "[" { line = line.dropFirst() }
            line = line.drop { $0 == " " || $0 == "\t" }
            if line.first == "." {
                throw ConfigError(file: file, line: i + 1, "a table header's name cannot start with a dot: \(raw.trimmingCharacters(in: .whitespaces)) (write [reconcile], not [.reconcile])")
            }
        }
    }
}
