import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP POST, synchronously, with a timeout: what a webhook delivery needs and no more.
public struct WebhookPoster: Sendable {
    public var timeout: TimeInterval

    public init(timeout: TimeInterval = 10) { self.timeout = timeout }

    public enum Outcome: Sendable, Equatable {
        case acknowledged(Int)
        case refused(Int)
        case failed(String)

        public var delivered: Bool {
            if case .acknowledged = self { return true }
            return false
        }

        public var description: String {
            switch self {
            case .acknowledged(let code): return "HTTP \(code)"
            case .refused(let code): return "HTTP \(code)"
            case .failed(let why): return why
            }
        }
    }

    /// A webhook URL as output may show it: its host alone. Slack-style URLs carry their secret
    /// in the path (`/services/T000/B000/XXXX`), and cron mail and run records are read widely.
    public static func host(of url: String) -> String {
        URL(string: url)?.host.map { $0.isEmpty ? "(no host)" : $0 } ?? "(not a URL)"
    }

    public func post(url: String, body: String, headers: [String: String]) -> Outcome {
        guard let u = URL(string: url), u.scheme == "http" || u.scheme == "https" else { return .failed("not an http(s) URL") }
        var request = URLRequest(url: u, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        let done = DispatchSemaphore(value: 0)
        let result = OutcomeBox()
        let task = URLSession.shared.dataTask(with: request) { _, response, error in
            if let http = response as? HTTPURLResponse {
                result.value = (200..<300).contains(http.statusCode) ? .acknowledged(http.statusCode) : .refused(http.statusCode)
            } else {
                // The error's text may quote the URL: only its host may be shown.
                let why = error.map { "\($0.localizedDescription)" } ?? "no response"
                result.value = .failed(why.replacingOccurrences(of: url, with: Self.host(of: url)))
            }
            done.signal()
        }
        task.resume()
        done.wait()
        return result.value ?? .failed("no response")
    }

    private final class OutcomeBox: @unchecked Sendable {
        var value: Outcome?
    }
}
