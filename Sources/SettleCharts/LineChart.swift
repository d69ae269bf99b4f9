import SettleCore

/// A line chart as inline SVG, drawn by settle (no script, no font or file fetched): one line
/// per series over categories along x (days), an optional limit drawn dashed (a plan's
/// limit), a legend, and a title read by screen readers. The page shows the table behind it.
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var values: [ExactDecimal]
        public init(name: String, values: [ExactDecimal]) {
            self.name = name
            self.values = values
        }
    }

    public var title: String
    public var categories: [String]
    public var series: [Series]
    /// A horizontal line, such as a plan limit.
    public var limit: (label: String, value: ExactDecimal)?
    public var width = 720
    public var height = 260

    public init(title: String, categories: [String], series: [Series], limit: (label: String, value: ExactDecimal)? = nil) {
        self.title = title
        self.categories = categories
        self.series = series
        self.limit = limit
    }

    static let colors = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0969da", "#57606a"]

    public func svg() -> String {
        let left = 56, right = 16, top = 28, bottom = 44
        let plotW = width - left - right, plotH = height - top - bottom
        let maxValue = (series.flatMap(\.values) + [limit?.value ?? .zero]).max() ?? .zero
        let yTop = SVG.niceTop(maxValue)
        let count = max(categories.count, 1)
        func x(_ i: Int) -> ExactDecimal {
            if count == 1 { return ExactDecimal(left + plotW / 2) }
            return ExactDecimal(left) + SVG.scale(ExactDecimal(i), of: ExactDecimal(count - 1), to: plotW)
        }
        func y(_ v: ExactDecimal) -> ExactDecimal { ExactDecimal(top + plotH) - SVG.scale(v, of: yTop, to: plotH) }
        var out = #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(width) \#(height)" width="\#(width)" height="\#(height)" role="img" aria-label="\#(SVG.escape(title))" class="chart">"#
        out += "<title>\(SVG.escape(title))</title>"
        out += #"<text x="\#(left)" y="16" class="chart-title">\#(SVG.escape(title))</text>"#
        // Gridlines at 0, ¼, ½, ¾ and the top.
        for q in 0...4 {
            let v = (yTop * ExactDecimal(q)).divided(by: 4, places: 6).normalized
            let yy = SVG.n(y(v))
            out += #"<line x1="\#(left)" x2="\#(left + plotW)" y1="\#(yy)" y2="\#(yy)" class="grid"/>"#
            out += #"<text x="\#(left - 6)" y="\#(yy)" text-anchor="end" dominant-baseline="middle" class="axis">\#(SVG.escape(SVG.short(v)))</text>"#
        }
        // At most eight category labels, evenly spread, first and last always.
        let step = max(1, (count + 6) / 7)
        for (i, c) in categories.enumerated() where i % step == 0 || i == count - 1 {
            out += #"<text x="\#(SVG.n(x(i)))" y="\#(top + plotH + 16)" text-anchor="middle" class="axis">\#(SVG.escape(c))</text>"#
        }
        if let limit {
            let yy = SVG.n(y(limit.value))
            out += #"<line x1="\#(left)" x2="\#(left + plotW)" y1="\#(yy)" y2="\#(yy)" class="limit"/>"#
            out += #"<text x="\#(left + plotW)" y="\#(yy)" dy="-4" text-anchor="end" class="limit-label">\#(SVG.escape(limit.label))</text>"#
        }
        for (k, s) in series.enumerated() {
            let color = Self.colors[k % Self.colors.count]
            let points = s.values.enumerated().map { "\(SVG.n(x($0.offset))),\(SVG.n(y($0.element)))" }.joined(separator: " ")
            if s.values.count == 1 {
                out += #"<circle cx="\#(SVG.n(x(0)))" cy="\#(SVG.n(y(s.values[0])))" r="3" fill="\#(color)"/>"#
            } else if !s.values.isEmpty {
                out += #"<polyline points="\#(points)" fill="none" stroke="\#(color)" stroke-width="2"/>"#
            }
            // The legend's entries spread over the plot's width, however many there are.
            let lx = left + k * min(150, plotW / max(series.count, 1))
            out += #"<rect x="\#(lx)" y="\#(height - 14)" width="10" height="10" fill="\#(color)"/>"#
            out += #"<text x="\#(lx + 14)" y="\#(height - 5)" class="legend">\#(SVG.escape(s.name))</text>"#
        }
        return out + "</svg>"
    }
}
