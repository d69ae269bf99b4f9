import Foundation
import SettleFuzzing

// Built two ways. `scripts/fuzz` builds it with -DFUZZING and -sanitize=fuzzer: libFuzzer
// supplies `main` and calls LLVMFuzzerTestOneInput with each input, for the parser that
// $SETTLE_FUZZ_TARGET names. Built plainly, it replays files through the same harness
// (`settle-fuzz bills crash-1234`), to see what a crash the fuzzer saved does.

#if FUZZING
let fuzzTarget: ReaderHarness.Target = {
    let name = ProcessInfo.processInfo.environment["SETTLE_FUZZ_TARGET"] ?? ""
    guard let target = ReaderHarness.Target(rawValue: name) else {
        FileHandle.standardError.write(Data("set SETTLE_FUZZ_TARGET to one of: \(ReaderHarness.Target.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(64)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ReaderHarness.run(fuzzTarget, data: data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

/// libFuzzer's driver, for an entry point of our own: SwiftPM links an executable's `main` to
/// `settle_fuzz_main`, so libFuzzer's `main` is never pulled in.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("settle_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return runFuzzerDriver(&count, &vector) { data, size in fuzzOneInput(data, size) }
}
#else
@main
struct ReplayFuzzInputs {
    static func main() {
        let args = Array(CommandLine.arguments.dropFirst())
        guard let name = args.first, let target = ReaderHarness.Target(rawValue: name), args.count > 1 else {
            print("usage: settle-fuzz \(ReaderHarness.Target.allCases.map(\.rawValue).joined(separator: "|")) FILE...")
            exit(64)
        }
        for path in args.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { print("\(path): cannot read"); continue }
            print("\(path): \(ReaderHarness.run(target, data: [UInt8](data)))")
        }
    }
}
#endif
