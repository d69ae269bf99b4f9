/// Which rows of a table go on which page: as many as fit under the header, each page's
/// table starting below its own top, and whether what follows the table (`after` points of
/// totals) still fits on the last page or needs one more.
struct TablePages {
    private(set) var pages: [[Int]] = [[]]
    /// Where the last row ends on the last page.
    private(set) var lastRowEnd: Double
    let needsPageAfter: Bool

    init(heights: [Double], firstTop: Double, laterTop: Double, bottom: Double, after: Double) {
        var y = firstTop
        for (i, h) in heights.enumerated() {
            if y + h > bottom && !pages[pages.count - 1].isEmpty {
                pages.append([])
                y = laterTop
            }
            pages[pages.count - 1].append(i)
            y += h
        }
        lastRowEnd = y
        needsPageAfter = y + after > bottom
    }

    var pageCount: Int { pages.count + (needsPageAfter ? 1 : 0) }
}
