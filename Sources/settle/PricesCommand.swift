import ArgumentParser
import Foundation
import SettleCore
import SettleFormats
import SettleJobs

struct PricesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prices",
        abstract: "Work with the price book (prices.csv).",
        discussion: """
        import turns a public price list (LiteLLM's model_prices_and_context_window.json, OpenRouter's model list) into prices.csv rows, every price read exactly from its text, for a person to review and merge.

        Example:
          settle prices import --from litellm model_prices_and_context_window.json --provider openai
        """,
        subcommands: [PricesImportCommand.self]
    )
}

struct PricesImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a public price list into prices.csv rows, exactly.",
        discussion: """
        Reads LiteLLM's model_prices_and_context_window.json or OpenRouter's /api/v1/models list. Per-token prices are read from their decimal text and written per 1M tokens (per 1 for OpenRouter's request price), so 2.5e-06 becomes 2.5, never 2.4999999999. LiteLLM's long-prompt and tier keys (input_cost_per_token_above_200k_tokens_priority) become rows of their band and tier; a price key the import cannot place is named on stderr. Review the rows, then merge the ones you want into prices.csv.

        Examples:
          settle prices import --from litellm model_prices_and_context_window.json --provider openai --provider anthropic
          settle prices import --from openrouter models.json --effective-from 2026-11-01 --output prices-openrouter.csv
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions

    @Option(help: "The list's format: litellm or openrouter.")
    var from: PriceListImport.Source

    @Option(help: "effective_from of the rows, YYYY-MM-DD (default: today, UTC).")
    var effectiveFrom: UTCDay?

    @Option(help: "Keep only this provider (repeatable).")
    var provider: [String] = []

    @Option(help: "Write the CSV here (atomically) instead of to standard output.")
    var output: String?

    @Argument(help: "The price list file.")
    var file: String

    func run() throws {
        let console = global.console
        try withExitStatus(console) {
            let day = effectiveFrom ?? WallClock.now().day
            guard let data = FileManager.default.contents(atPath: file) else {
                throw InputFileError(path: file, "cannot be read")
            }
            let imported = try PriceListImport.read(from: from, json: Array(data), path: file, effectiveFrom: day.start,
                                                    providers: Set(provider))
            let rows = imported.rows
            // Prices the book cannot hold go to stderr, so they are seen and never lost in silence.
            for key in imported.unplaced { console.warn("\(file): \(key)") }
            let text = PriceListImport.csv(rows)
            if let output {
                try FileSystem.writeAtomically(text, to: output)
                console.say("\(rows.count) price rows written to \(output)")
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
            return .ok
        }
    }
}

extension PriceListImport.Source: ExpressibleByArgument {}
