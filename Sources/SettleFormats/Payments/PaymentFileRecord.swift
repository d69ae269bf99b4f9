import SettleCore

/// One record of a payment file after reading: a payment, a record that cannot be read (kept in
/// quarantine with why), or one that is not ours (a debit on the bank account, a charge that did
/// not succeed), counted and named.
public enum PaymentFileRecord: Sendable, Hashable {
    case payment(Payment)
    case quarantined(line: Int, reason: String)
    case skipped(String)
}
