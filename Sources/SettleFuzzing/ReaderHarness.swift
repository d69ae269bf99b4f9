import Foundation
import SettleCore
import SettleFormats

/// Every parser of files settle is given, driven with arbitrary bytes: what `scripts/fuzz`
/// runs under libFuzzer (`Fuzz/`), and what the seed-corpus test runs on every seed in the
/// repository. A parser may refuse any input with an error; it must never crash, hang or
/// take a non-empty file that is no bill for an empty one.
public enum ReaderHarness {
    public enum Target: String, CaseIterable, Sendable {
        /// Gateway usage: JSON Lines, CSV, LiteLLM spend logs.
        case usage
        /// Provider bills, whichever format the content shows.
        case bills
        /// RFC 4180 CSV records.
        case csv
        /// settle.toml.
        case config
        /// prices.csv, the catalog table with the most rules.
        case prices
        /// customers.csv, services.csv and credits.csv: the same bytes offered to each loader.
        case catalog
        /// Payment files: a camt.053 bank statement (XML) or Stripe's payments export (CSV).
        case payments
        /// The ECB's reference rates (eurofxref-hist.csv).
        case rates
    }

    /// A folder of its own per process, reused for every input.
    static let folder: String = {
        let dir = NSTemporaryDirectory() + "/settle-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// Runs `target`'s parser over `data`; returns what it made of it, for the seed test.
    @discardableResult
    public static func run(_ target: Target, data: [UInt8]) -> Outcome {
        let path = "\(folder)/input-\(target.rawValue)"
        guard FileManager.default.createFile(atPath: path, contents: Data(data)) else { return .refused("cannot write \(path)") }
        do {
            switch target {
            case .usage:
                var rows = 0
                _ = try UsageFileReader.open(path: path).forEachRow { _ in rows += 1 }
                return .read(rows)
            case .bills:
                let reader = try BillFileReader.open(path: path)
                var records = 0
                _ = try reader.forEachRecord { _ in records += 1 }
                return .read(records)
            case .csv:
                var records = 0
                _ = try CSVRecordStream(path: path).forEachRecord { _, _, _ in records += 1; return true }
                return .read(records)
            case .config:
                _ = try ConfigLoader.parse(String(decoding: data, as: UTF8.self), file: "fuzz.toml")
                return .read(1)
            case .prices:
                return .read(try CatalogLoader.prices(path).count)
            case .catalog:
                // Whichever table the header is; the others refuse it at once.
                let plans = ["free": Plan(name: "free"), "starter": Plan(name: "starter"), "pro": Plan(name: "pro"), "enterprise": Plan(name: "enterprise")]
                var read = 0
                var refusal: String?
                do { read += try CatalogLoader.customers(path, plans: plans).count } catch { refusal = "\(error)" }
                do { read += try CatalogLoader.services(path).count } catch { refusal = refusal ?? "\(error)" }
                do { read += try CatalogLoader.credits(path, customers: Set((1...50).map { "cus_\(String(format: "%04d", $0))" })).count } catch { refusal = refusal ?? "\(error)" }
                return read > 0 ? .read(read) : .refused(refusal ?? "empty")
            case .payments:
                // As `settle ingest payments` opens them: the format told from the content.
                return .read(try PaymentFile.open(path: path).records.count)
            case .rates:
                return .read(try ECBRatesFile.read(path).days.count)
            }
        } catch {
            return .refused("\(error)")
        }
    }

    public enum Outcome: Sendable, Equatable {
        case read(Int)
        case refused(String)
    }
}
