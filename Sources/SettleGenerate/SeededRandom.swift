/// SplitMix64: a tiny, fast generator whose output depends only on the seed, on every machine,
/// so `settle generate --seed 42` writes the same bytes everywhere.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    mutating func chance(_ p: Double) -> Bool { unit() < p }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// Standard normal, by Box–Muller.
    mutating func normal() -> Double {
        let u1 = max(unit(), 1e-12)
        let u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Log-normal around `median`: the shape of prompt and completion lengths in chat traffic.
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * normal())
    }

    /// Index drawn from cumulative weights.
    mutating func pick(cumulative: [Double]) -> Int {
        let x = unit() * cumulative.last!
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

#if canImport(Glibc)
import Glibc
#endif

func cumulativeSums(_ weights: [Double]) -> [Double] {
    var total = 0.0
    return weights.map { total += $0; return total }
}
