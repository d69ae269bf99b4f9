import Foundation

/// A part of an XLSX file (a zip of XML), read back with unzip, so tests check what a
/// spreadsheet program would read.
public enum XLSXPart {
    public static func read(_ file: String, _ name: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
        p.arguments = ["-p", file, name]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
