/// An input file that cannot be read as its format at all (exit 65). Row-level problems are
/// not errors: they are quarantined. The message names the file and, where it helps, the line.
public struct InputFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var problem: String

    public init(path: String, line: Int? = nil, _ problem: String) {
        self.path = path
        self.line = line
        self.problem = problem
    }

    public var description: String {
        if let line { return "\(path):\(line): \(problem)" }
        return "\(path): \(problem)"
    }
}
