import ArgumentParser
import SettleCore
import SettleFormats
import SettleJobs
import SettleStore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create or migrate the database, and check the configuration and catalog.",
        discussion: """
        Safe to run any time: it applies only the migrations the database lacks. Other commands migrate automatically too; init is the explicit, reported way.

        Example:
          settle --config settle.toml init
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions

    func run() throws {
        let console = global.console
        try withExitStatus(console) {
            let env = try global.environment()
            let catalog = try CatalogLoader.load(config: env.config)
            let store = try StoreOpener.open(url: env.databaseURL)
            let lock = try store.acquireLock(job: "init", runID: "init")
            defer { lock.release() }
            let applied = try store.migrate()
            let version = try store.schemaVersion()
            console.say("database \(store.displayURL): schema version \(version)"
                + (applied.isEmpty ? " (up to date)" : " (applied \(applied.map(String.init).joined(separator: ", ")))"))
            console.say("configuration \(env.config.sourcePath ?? "(defaults, no settle.toml)"): \(env.config.plans.count) plans, "
                + "\(catalog.customers.count) customers (\(catalog.customers.all.reduce(0) { $0 + $1.versions.count }) versions), "
                + "\(catalog.prices.count) prices, \(catalog.services.count) services, \(catalog.credits.count) credit entries")
            return .ok
        }
    }
}
