import SettleCharts

/// A typed HTML tree: every text and attribute value is escaped when rendered, so no value from
/// the books (a customer's name, a model, a memo) can become markup. Only a chart's SVG, which
/// SettleCharts draws with every text escaped, goes in as it is.
public indirect enum HTML: Sendable {
    case element(String, [(String, String)], [HTML])
    case text(String)
    /// Markup settle drew itself (a chart): written as it is.
    case svg(String)

    public static func el(_ name: String, _ attributes: [(String, String)] = [], _ children: [HTML] = []) -> HTML {
        .element(name, attributes, children)
    }

    public static func el(_ name: String, _ attributes: [(String, String)] = [], _ text: String) -> HTML {
        .element(name, attributes, [.text(text)])
    }

    static let void: Set<String> = ["meta", "link", "br", "hr", "img"]

    public func render(into out: inout String) {
        switch self {
        case .text(let t): out += Self.escape(t)
        case .svg(let s): out += s
        case .element(let name, let attributes, let children):
            out += "<\(name)"
            for (k, v) in attributes { out += " \(k)=\"\(Self.escape(v))\"" }
            out += ">"
            guard !Self.void.contains(name) else { return }
            for c in children { c.render(into: &out) }
            out += "</\(name)>"
        }
    }

    public var rendered: String {
        var out = ""
        render(into: &out)
        return out
    }

    public static func escape(_ s: String) -> String { Markup.escape(s) }
}

/// What every page is made of: the document with its inline style (nothing fetched, print
/// styles included), headings, tables and figures with their data.
public enum Page {
    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:24px auto;max-width:1040px;padding:0 16px;color:#1f2328;background:#fff}
        h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.2em;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
        p.meta{color:#57606a;margin:0 0 16px}nav a{margin-right:12px}
        table{border-collapse:collapse;width:100%;font-size:.9em;margin:8px 0}th,td{border-bottom:1px solid #d8dee4;padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#f6f8fa}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        .status-ok,.status-matched,.status-paid,.status-succeeded{color:#1a7f37}.status-findings,.status-overdue,.status-failed,.status-mismatch{color:#d1242f;font-weight:600}
        .cards{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;min-width:150px}.card b{display:block;font-size:1.3em}
        svg.chart{max-width:100%;height:auto;font-size:11px}svg .grid{stroke:#d8dee4}svg .limit{stroke:#d1242f;stroke-dasharray:6 4}svg .limit-label{fill:#d1242f}
        svg .bar{fill:#1f6feb}svg .bar.negative{fill:#d1242f}svg .axis,svg .legend,svg .value{fill:#57606a}svg .chart-title{font-weight:600;fill:#1f2328}
        figure{margin:12px 0}figcaption{color:#57606a;font-size:.85em}
        @media print{body{margin:0;max-width:none}nav{display:none}h2{break-after:avoid}tr,svg{break-inside:avoid}}
        """

    public static func document(title: String, subtitle: String, nav: [(String, String)] = [], body: [HTML]) -> String {
        var header: [HTML] = []
        if !nav.isEmpty { header.append(.el("nav", [], nav.map { .el("a", [("href", $0.1)], $0.0) })) }
        header += [.el("h1", [], title), .el("p", [("class", "meta")], subtitle)]
        let page = HTML.el("html", [("lang", "en")], [
            .el("head", [], [
                .el("meta", [("charset", "utf-8")]),
                .el("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1")]),
                .el("title", [], title),
                .el("style", [], [.svg(style)]),
            ]),
            .el("body", [], header + body),
        ])
        return "<!DOCTYPE html>\n" + page.rendered + "\n"
    }

    public static func section(_ title: String, _ children: [HTML]) -> HTML { .el("section", [], [.el("h2", [], title)] + children) }

    /// A table; `numeric`: the columns right-aligned.
    public static func table(_ columns: [String], _ rows: [[String]], numeric: Set<Int> = [], classes: [Int: (String) -> String] = [:]) -> HTML {
        .el("table", [], [
            .el("thead", [], [.el("tr", [], columns.enumerated().map { .el("th", numeric.contains($0.offset) ? [("class", "num")] : [], $0.element) })]),
            .el("tbody", [], rows.map { row in
                .el("tr", [], row.enumerated().map { i, v in
                    var cls = numeric.contains(i) ? ["num"] : []
                    if let c = classes[i]?(v), !c.isEmpty { cls.append(c) }
                    return .el("td", cls.isEmpty ? [] : [("class", cls.joined(separator: " "))], v)
                })
            }),
        ])
    }

    /// A chart with the table behind it, as the spec asks: the data is on the page too, and
    /// prints with it.
    public static func figure(_ svg: String, table: HTML, caption: String) -> HTML {
        .el("figure", [], [.svg(svg), .el("figcaption", [], caption), table])
    }

    public static func cards(_ items: [(String, String)]) -> HTML {
        .el("div", [("class", "cards")], items.map { .el("div", [("class", "card")], [.el("b", [], $0.1), .text($0.0)]) })
    }

    public static func paragraph(_ text: String) -> HTML { .el("p", [], text) }
}
