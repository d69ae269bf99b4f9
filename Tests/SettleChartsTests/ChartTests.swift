import Testing
import SettleCore
@testable import SettleCharts
@testable import SettleSite

/// The charts settle draws for the site: SVG with every text escaped, coordinates from exact
/// decimals (the same data, the same bytes), axes that fit the data, and the HTML around them
/// escaped too.
@Suite struct ChartTests {
    static func d(_ s: String) -> ExactDecimal { ExactDecimal(s)! }

    @Test func aLineChartPlacesEachValueExactlyAndDrawsTheLimit() {
        let chart = LineChart(title: "Tokens <used> & limit", categories: ["10-01", "10-02", "10-03"],
                              series: [LineChart.Series(name: "tokens", values: [Self.d("0"), Self.d("500"), Self.d("1000")])],
                              limit: (label: "pro limit", value: Self.d("2000")))
        let svg = chart.svg()
        // Plot: x from 56 to 704 (648 px), y from 216 (zero) up 188 px to the top 2000.
        #expect(svg.contains(#"<polyline points="56,216 380,169 704,122""#), "\(svg)")
        #expect(svg.contains(#"<line x1="56" x2="704" y1="28" y2="28" class="limit"/>"#))
        #expect(svg.contains("<title>Tokens &lt;used&gt; &amp; limit</title>"))
        #expect(!svg.contains("<used>"))
        #expect(svg == chart.svg(), "the same data gives the same bytes")
        #expect(svg.hasPrefix(#"<svg xmlns="http://www.w3.org/2000/svg""#) && svg.hasSuffix("</svg>"))
    }

    @Test func axesFitTheDataWithRoundTops() {
        #expect(SVG.niceTop(Self.d("0")) == Self.d("1"))
        #expect(SVG.niceTop(Self.d("0.37")) == Self.d("0.5"))
        #expect(SVG.niceTop(Self.d("1200")) == Self.d("2000"))
        #expect(SVG.niceTop(Self.d("2400")) == Self.d("2500"))
        #expect(SVG.niceTop(Self.d("87654321")) == Self.d("100000000"))
        #expect(SVG.short(Self.d("12500")) == "12.5k" && SVG.short(Self.d("3400000")) == "3.4M" && SVG.short(Self.d("0.25")) == "0.25")
        #expect(SVG.scale(Self.d("1"), of: Self.d("3"), to: 100) == Self.d("33.3"))
    }

    @Test func aBarChartDrawsNegativeBarsLeftOfZero() {
        let svg = BarChart(title: "Margin", bars: [BarChart.Bar(label: "openai gpt-4o", value: Self.d("40")),
                                                   BarChart.Bar(label: "a \"quoted\" model", value: Self.d("-10"))]).svg()
        // Plot 420 px wide from 220; with a negative bar zero is in the middle (430), 210 px a side, top 50.
        #expect(svg.contains(#"<rect x="430" y="28" width="168" height="18" class="bar"/>"#), "\(svg)")
        #expect(svg.contains(#"<rect x="388" y="52" width="42" height="18" class="bar negative"/>"#))
        #expect(svg.contains("a &quot;quoted&quot; model"))
        #expect(svg.contains(">40.00</text>") && svg.contains(">-10.00</text>"))
        #expect(BarChart.fit("openrouter meta-llama/llama-3.3-70b-instruct") == "…meta-llama/llama-3.3-70b-instruct")
    }

    @Test func everyValueOnAPageIsEscaped() {
        let html = Page.document(title: "<script>alert(1)</script>", subtitle: "a & b",
                                 body: [Page.table(["name"], [["O'Brien <b>&</b>"]])])
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && html.contains("O&#39;Brien &lt;b&gt;&amp;&lt;/b&gt;"))
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"))
        #expect(Format.group("1234567.89") == "1,234,567.89" && Format.group("-1000") == "-1,000" && Format.group("12") == "12")
    }
}
