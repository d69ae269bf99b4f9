import Foundation
import SettleCore
import SettleStore

/// The webhook outbox alerts and reminders share (`alert_deliveries`): a delivery is stored
/// with what it carries before it is sent, retried with backoff in the run, left pending if it
/// still fails, and retried by the next run with the same body and idempotency key; once a 2xx
/// acknowledges it, it is never sent again. Every POST is signed (`WebhookSignature`) with the
/// secret in the environment variable `[alerts] webhook_secret_env` names.
public struct WebhookOutbox: Sendable {
    public var poster: WebhookPoster
    /// Attempts per delivery in one run, and the pause before each retry (doubling).
    public var attempts: Int
    public var backoff: TimeInterval
    public var environment: [String: String]

    public init(poster: WebhookPoster = WebhookPoster(), attempts: Int = 3, backoff: TimeInterval = 0.5,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.poster = poster
        self.attempts = attempts
        self.backoff = backoff
        self.environment = environment
    }

    public struct Sent: Sendable {
        public var delivered: [AlertDelivery] = []
        public var pending: [AlertDelivery] = []
        /// Why nothing could be sent (no secret), for the operator.
        public var problem: String?
    }

    /// Sends every pending delivery, oldest first; each gets `attempts` tries in this run.
    public func deliver(store: any SettleStore, env: JobEnvironment) throws -> Sent {
        var sent = Sent()
        let pending = try store.alertLedger.deliveries(pendingOnly: true)
        guard !pending.isEmpty else { return sent }
        let secretName = env.config.alerts.webhookSecretEnv
        guard let secret = environment[secretName], !secret.isEmpty else {
            sent.problem = "the webhook secret $\(secretName) is not set, so nothing was sent; set it and run again (settle alerts sends what is pending)"
            sent.pending = pending
            return sent
        }
        for var d in pending {
            var outcome = WebhookPoster.Outcome.failed("not sent")
            for attempt in 0..<max(attempts, 1) {
                if attempt > 0 { Thread.sleep(forTimeInterval: backoff * Double(1 << (attempt - 1))) }
                let t = env.clock().microseconds / 1_000_000
                outcome = poster.post(url: d.url, body: d.body, headers: [
                    "Settle-Signature": WebhookSignature.header(body: d.body, secret: secret, at: t),
                    "Idempotency-Key": d.id,
                ])
                try store.alertLedger.recordAttempt(d.id, delivered: outcome.delivered, error: outcome.delivered ? nil : outcome.description,
                                                    at: env.clock())
                if outcome.delivered { break }
                // A 4xx other than 408/429 will not change on a retry within seconds.
                if case .refused(let code) = outcome, (400..<500).contains(code), code != 408, code != 429 { break }
            }
            d.attempts += 1
            if outcome.delivered { sent.delivered.append(d) } else {
                d.lastError = outcome.description
                sent.pending.append(d)
            }
        }
        return sent
    }
}
