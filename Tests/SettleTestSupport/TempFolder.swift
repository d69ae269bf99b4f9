import Foundation

/// A fresh folder under the system temp dir, removed when the test ends.
public final class TempFolder: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "settle-test") {
        var template = Array("\(NSTemporaryDirectory())/\(label)-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` inside the folder (creating subfolders) and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        let full = "\(path)/\(name)"
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: full, atomically: false, encoding: .utf8)
        return full
    }

    public func read(_ name: String) -> String {
        (try? String(contentsOfFile: name.hasPrefix("/") ? name : "\(path)/\(name)", encoding: .utf8)) ?? ""
    }

    public func files(in sub: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(path)/\(sub)")) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }
}
