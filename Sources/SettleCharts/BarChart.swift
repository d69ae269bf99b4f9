import SettleCore

/// A horizontal bar chart as inline SVG (no script, nothing fetched): one bar per label, its
/// value written at its end; negative values drawn to the left of zero.
public struct BarChart: Sendable {
    public struct Bar: Sendable {
        public var label: String
        public var value: ExactDecimal
        public init(label: String, value: ExactDecimal) {
            self.label = label
            self.value = value
        }
    }

    public var title: String
    public var bars: [Bar]
    public var width = 720
    public var barHeight = 18
    /// Decimals the values are written with (money: 2).
    public var places = 2

    public init(title: String, bars: [Bar]) {
        self.title = title
        self.bars = bars
    }

    public func svg() -> String {
        let labelW = 220, right = 80, top = 28, gap = 6
        let plotW = width - labelW - right
        let height = top + bars.count * (barHeight + gap) + 8
        let maxAbs = bars.map { $0.value < .zero ? -$0.value : $0.value }.max() ?? .zero
        let hasNegative = bars.contains { $0.value < .zero }
        let scale = SVG.niceTop(maxAbs)
        // Where zero is: the left edge, or the middle when some bars are negative.
        let span = hasNegative ? plotW / 2 : plotW
        let zero = ExactDecimal(labelW + (hasNegative ? plotW / 2 : 0))
        var out = #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(width) \#(height)" width="\#(width)" height="\#(height)" role="img" aria-label="\#(SVG.escape(title))" class="chart">"#
        out += "<title>\(SVG.escape(title))</title>"
        out += #"<text x="0" y="16" class="chart-title">\#(SVG.escape(title))</text>"#
        for (i, b) in bars.enumerated() {
            let yy = top + i * (barHeight + gap)
            let length = SVG.scale(b.value < .zero ? -b.value : b.value, of: scale, to: span)
            let x0 = b.value < .zero ? zero - length : zero
            out += #"<text x="\#(labelW - 8)" y="\#(yy + barHeight / 2)" text-anchor="end" dominant-baseline="middle" class="axis">\#(SVG.escape(Self.fit(b.label)))</text>"#
            out += #"<rect x="\#(SVG.n(x0))" y="\#(yy)" width="\#(SVG.n(length))" height="\#(barHeight)" class="\#(b.value < .zero ? "bar negative" : "bar")"/>"#
            out += #"<text x="\#(SVG.n(b.value < .zero ? zero + ExactDecimal(4) : x0 + length + ExactDecimal(4)))" y="\#(yy + barHeight / 2)" dominant-baseline="middle" class="value">\#(SVG.escape(b.value.formatted(places: places)))</text>"#
        }
        return out + "</svg>"
    }

    /// A label that fits the 210 pixels left of the bars: its end kept (a model's name ends in
    /// what tells it apart), its start elided. The table beside the chart has it whole.
    static func fit(_ label: String, max: Int = 34) -> String {
        label.count <= max ? label : "…" + label.suffix(max - 1)
    }
}
