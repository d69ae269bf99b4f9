import SettleCore
import SettleFormats
import SettleStore

/// Puts back any quarantine file the store has rows for but the out folder lacks: a run killed
/// between committing a file and publishing its quarantine file, or an out folder restored
/// from an older backup. The rows are the store's, so nothing quarantined is ever lost.
enum QuarantineRepair {
    static func restoreMissing(store: any SettleStore, outDir: String) throws -> [String] {
        var restored: [String] = []
        for input in try store.pending.quarantinedInputs() {
            let path = QuarantineFile.path(outDir: outDir, sourcePath: input.path, sha256: input.sha256)
            guard !FileSystem.exists(path) else { continue }
            let file = QuarantineFile(outDir: outDir, sourcePath: input.path)
            for r in try store.pending.quarantinedRows(sha256: input.sha256) {
                try file.append(source: r.source, line: r.line, reason: r.reason, raw: r.raw)
            }
            if let p = try file.finish(sourcePath: input.path, sha256: input.sha256) { restored.append(p) }
        }
        return restored
    }
}
