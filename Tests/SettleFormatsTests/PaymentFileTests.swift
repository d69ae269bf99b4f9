import Foundation
import SettleCore
import SettleTestSupport
import Testing
@testable import SettleFormats

/// The payment readers on statements written here in the shapes the published samples have
/// (Tests/Fixtures/payments/README.md lists the real files, whose copies wait for shared/): a
/// camt.053.001.08 with `Sts/Cd`, a camt.053.001.02 with `Sts` as text and `BookgDt/DtTm`, and
/// Stripe's payments export with columns that come and go.
@Suite struct PaymentFileTests {
    static func camt(_ version: String, _ entries: String) -> [UInt8] {
        Array("""
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.\(version)"><BkToCstmrStmt>
            <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-21T06:00:00</CreDtTm></GrpHdr>
            <Stmt><Id>STMT-2026-11-20</Id><Acct><Id><IBAN>GB33BUKB20201555555555</IBAN></Id></Acct>
            \(entries)
            </Stmt></BkToCstmrStmt></Document>
            """.utf8)
    }

    @Test func camt053EveryBookedCreditIsAPaymentWithItsRemittance() throws {
        let v8 = Self.camt("08", """
            <Ntry><NtryRef>E1</NtryRef><Amt Ccy="USD">94.80</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
              <BookgDt><Dt>2026-11-20</Dt></BookgDt><AcctSvcrRef>BANK-1</AcctSvcrRef>
              <NtryDtls><TxDtls><RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>RF422026000001</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>
            <Ntry><Amt Ccy="USD">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt></Ntry>
            <Ntry><Amt Ccy="USD">5.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt></Ntry>
            <Ntry><Amt Ccy="EUR">102.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt>
              <AcctSvcrRef>BATCH</AcctSvcrRef><NtryDtls>
              <TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><Amt Ccy="EUR">90.00</Amt><RmtInf><Ustrd>INV-2026-000002 Schelde NV</Ustrd></RmtInf></TxDtls>
              <TxDtls><Refs><AcctSvcrRef>TX-2</AcctSvcrRef></Refs><Amt Ccy="EUR">12.50</Amt><RmtInf><Ustrd>inv-2026-000003</Ustrd></RmtInf></TxDtls>
              </NtryDtls></Ntry>
            <Ntry><Amt Ccy="USD">abc</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt></Ntry>
            """)
        let records = try CamtStatement.read(path: "stmt.xml", bytes: v8)
        let day = UTCDay("2026-11-20")!
        #expect(records == [
            .payment(Payment(id: "STMT-2026-11-20/BANK-1", source: .bank, date: day, amount: ExactDecimal("94.80")!, currency: "USD",
                             reference: "RF422026000001")),
            .skipped("entry not booked (PDNG)"),
            .skipped("debit entry"),
            .payment(Payment(id: "STMT-2026-11-20/BATCH/1", source: .bank, date: day, amount: ExactDecimal("90.00")!, currency: "EUR",
                             texts: ["INV-2026-000002 Schelde NV"])),
            .payment(Payment(id: "STMT-2026-11-20/TX-2", source: .bank, date: day, amount: ExactDecimal("12.50")!, currency: "EUR",
                             texts: ["inv-2026-000003"])),
            .quarantined(line: 15, reason: "bad_amount: \"abc\" is not a positive amount"),
        ])
        // Version .001.02: Sts is text, the booking date a date and time; an id reused by the bank.
        let v2 = Self.camt("02", """
            <Ntry><Amt Ccy="GBP">80.23</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><DtTm>2026-11-20T09:15:00</DtTm></BookgDt><AcctSvcrRef>R</AcctSvcrRef>
              <NtryDtls><TxDtls><RmtInf><Ustrd>Invoice INV-2026-000011</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
            <Ntry><Amt Ccy="GBP">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt><AcctSvcrRef>R</AcctSvcrRef></Ntry>
            """)
        let ids = try CamtStatement.read(path: "v2.xml", bytes: v2).compactMap { r -> String? in if case .payment(let p) = r { return p.id } else { return nil } }
        #expect(ids == ["STMT-2026-11-20/R", "STMT-2026-11-20/R#2"], "two entries under one bank reference are two payments")
    }

    @Test func aFileThatIsNotACamt053IsRefusedNeverReadAsNoPayments() {
        func problem(_ text: String) -> String {
            do {
                _ = try CamtStatement.read(path: "x.xml", bytes: Array(text.utf8))
                return "read"
            } catch {
                return error.description
            }
        }
        #expect(problem("not xml at all").hasPrefix("x.xml: not well-formed XML"))
        #expect(problem(#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"/>"#).hasPrefix("x.xml: not an ISO 20022 camt.053 statement"))
        #expect(problem(#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt/></Document>"#) == "x.xml: holds no statement (BkToCstmrStmt/Stmt)")
    }

    @Test func stripesExportPaidChargesTopUpsAndRefunds() throws {
        let dir = TempFolder()
        let path = dir.write("unified_payments.csv", """
            id,Description,Seller Message,Created date (UTC),Amount,Amount Refunded,Currency,Converted Amount,Fee,Status,Customer ID,Customer Email,Invoice ID,PaymentIntent ID,invoice_number (metadata),customer_id (metadata),kind (metadata)
            ch_1,Invoice INV-2026-000001,Payment complete.,2026-11-18 14:23:11,94.80,0.00,usd,94.80,3.05,Paid,cus_Stripe1,ap@a.example,,pi_1,INV-2026-000001,cus_a,
            ch_2,Prepaid credit,Payment complete.,2026-11-19 08:00:00,100.00,0.00,usd,100.00,3.20,Paid,cus_Stripe2,ap@b.example,,pi_2,,cus_b,topup
            ch_3,Invoice INV-2026-000002,Payment complete.,2026-11-19 09:00:00,90.00,30.00,eur,90.00,2.91,Partially refunded,,,,pi_3,INV-2026-000002,,
            ch_4,,Your card was declined.,2026-11-19 10:00:00,20.00,0.00,usd,20.00,0.00,Failed,,,,pi_4,,,
            ch_5,,,yesterday,20.00,0.00,usd,20.00,0.00,Paid,,,,pi_5,,,

            """)
        let records = try StripePaymentsExport.read(path: path)
        let d = { (s: String) in ExactDecimal(s)! }
        #expect(records == [
            .payment(Payment(id: "ch_1", source: .stripe, date: UTCDay("2026-11-18")!, amount: d("94.80"), currency: "USD", fee: d("3.05"),
                             texts: ["INV-2026-000001", "Invoice INV-2026-000001"], customerID: "cus_a", stripeCustomer: "cus_Stripe1")),
            .payment(Payment(id: "ch_2", source: .stripe, kind: .topup, date: UTCDay("2026-11-19")!, amount: d("100.00"), currency: "USD",
                             fee: d("3.20"), texts: ["Prepaid credit"], customerID: "cus_b", stripeCustomer: "cus_Stripe2")),
            .payment(Payment(id: "ch_3", source: .stripe, date: UTCDay("2026-11-19")!, amount: d("90.00"), currency: "EUR", fee: d("2.91"),
                             texts: ["INV-2026-000002", "Invoice INV-2026-000002"])),
            .payment(Payment(id: "ch_3/refund", source: .stripe, kind: .refund, date: UTCDay("2026-11-19")!, amount: d("30.00"), currency: "EUR",
                             texts: ["INV-2026-000002", "Invoice INV-2026-000002"], refunds: "ch_3")),
            .skipped("charge Failed"),
            .quarantined(line: 6, reason: "bad_time: \"yesterday\" is not a date and time such as 2026-10-15 14:23:11"),
        ])
        // Not Stripe's export: refused naming what is missing.
        let other = dir.write("other.csv", "id,Amount,Currency,Status\nx,1.00,usd,Paid\n")
        #expect(throws: InputFileError.self) { try StripePaymentsExport.read(path: other) }
    }
}
