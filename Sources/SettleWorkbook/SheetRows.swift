import SettleCore
import SettleFormats

/// A sheet's rows, a few bytes a cell, in a `SpillFile`: a month of a million customers is
/// three sheets of a million rows, which as Swift values would take gigabytes. Read back in
/// the order appended.
final class SheetRows: @unchecked Sendable {
    private let records: SpillFile
    /// Why a copy could not read its original's rows: thrown when these rows are read, so the
    /// workbook fails with the reason instead of missing rows.
    private var broken: (any Error)?

    init(spillBytes: Int = 4 << 20) { records = SpillFile(spillBytes: spillBytes) }

    var count: Int { records.count }

    func append(_ row: [Sheet.Cell]) {
        records.append { buffer in
            func integer<T: FixedWidthInteger>(_ value: T) {
                withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
            }
            for cell in row {
                switch cell {
                case .empty: buffer.append(0)
                case .text(var s):
                    buffer.append(1)
                    s.withUTF8 { bytes in
                        integer(UInt32(bytes.count))
                        buffer.append(contentsOf: bytes)
                    }
                case .integer(let n):
                    buffer.append(2)
                    integer(UInt64(bitPattern: n))
                case .number(let d), .money(let d):
                    if case .number = cell { buffer.append(3) } else { buffer.append(4) }
                    integer(UInt64(truncatingIfNeeded: d.significand))
                    integer(UInt64(truncatingIfNeeded: d.significand >> 64))
                    buffer.append(UInt8(d.scale))
                }
            }
        }
    }

    /// Every row in order; a temporary file that cannot be read back is an error.
    func forEach(_ body: ([Sheet.Cell]) throws -> Void) throws {
        if let broken { throw broken }
        try records.forEach { try body(Self.decode($0)) }
    }

    /// A copy, for a `Sheet` copied and then appended to (value semantics; settle's own
    /// workbooks never do, so only a test's rows are ever copied).
    func copy() -> SheetRows {
        let out = SheetRows(spillBytes: records.spillBytes)
        do {
            try forEach { out.append($0) }
        } catch {
            out.broken = error
        }
        return out
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer) -> [Sheet.Cell] {
        var cells: [Sheet.Cell] = []
        var at = 0
        func integer<T: FixedWidthInteger>(_: T.Type) -> T {
            defer { at += MemoryLayout<T>.size }
            return T(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: T.self))
        }
        while at < bytes.count {
            let tag = bytes[at]
            at += 1
            switch tag {
            case 1:
                let n = Int(integer(UInt32.self))
                cells.append(.text(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + n)]), as: UTF8.self)))
                at += n
            case 2:
                cells.append(.integer(Int64(bitPattern: integer(UInt64.self))))
            case 3, 4:
                let low = integer(UInt64.self), high = integer(UInt64.self)
                let d = ExactDecimal(significand: Int128(Int64(bitPattern: high)) << 64 | Int128(low), scale: Int(bytes[at]))
                at += 1
                cells.append(tag == 3 ? .number(d) : .money(d))
            default:
                cells.append(.empty)
            }
        }
        return cells
    }
}
