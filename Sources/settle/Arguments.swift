import ArgumentParser
import SettleCore

/// Days and months on the command line are typed when parsed: `--from 2026-13-01` is refused by
/// argument-parser itself (exit 64, naming the option), and no command checks a string in
/// `validate()` and force-unwraps it later.
extension UTCDay: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

extension PeriodMonth: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
