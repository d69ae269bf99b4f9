import SettleFormats

/// Broken rows of the kinds real inboxes carry, one per quarantine reason, in turn.
enum BadRow {
    static func make(kind: Int, event: EventLine, csv: Bool) -> String {
        var fields = event.fields
        func set(_ name: String, _ value: JSONText?) {
            if let i = fields.firstIndex(where: { $0.0 == name }) {
                if let value { fields[i].1 = value } else { fields.remove(at: i) }
            }
        }
        // A fresh id, so that the broken row is not mistaken for a duplicate of its source.
        if case .string(let id)? = fields.first?.1 { set("request_id", .string(id + "-bad\(kind)")) }
        switch kind % 7 {
        case 0:
            // A line cut off mid-write (a crashed log shipper).
            let json = JSONText.object(fields).rendered()
            let cut = String(json.prefix(json.count / 2))
            return csv ? cut.replacingAll(",", with: ";") + "\r\n" : cut
        case 1: set("customer_id", nil)
        case 2: set("ts", .string("2026-10-32T25:61:00Z"))
        case 3: set("output_tokens", .int(-42))
        case 4:
            set("input_tokens", .int(100))
            set("cached_input_tokens", .int(90))
            set("cache_write_tokens", .int(20))
        case 5: set("tier", .string("turbo"))
        default: set("input_tokens", .string("12.5"))
        }
        let row = EventLine(fields: fields)
        return csv ? row.csv : row.json
    }
}
