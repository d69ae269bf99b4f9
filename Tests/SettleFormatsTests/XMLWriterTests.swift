import Testing
@testable import SettleFormats

/// The e-invoices' XML writer: every value escaped, in text and in attributes, and the same
/// elements give the same bytes.
@Suite struct XMLWriterTests {
    @Test func valuesAreEscapedAndTheLayoutIsFixed() {
        var w = XMLWriter()
        w.open("Invoice", ["xmlns": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", "xmlns:cbc": "urn:cbc"])
        w.leaf("cbc:ID", "INV-2026-000001")
        w.open("cac:Party")
        w.leaf("cbc:RegistrationName", "Smith & Sons <EU> \"Ltd\" 'x'")
        w.leaf("cbc:EndpointID", "0208:0477472701", ["schemeID": "0208 \"&\" <x>"])
        w.close()
        w.leaf("cbc:Note", "line one\nline two\r\u{7}bell\ttab")
        w.close()
        #expect(w.finish() == """
            <?xml version="1.0" encoding="UTF-8"?>
            <Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cbc="urn:cbc">
                <cbc:ID>INV-2026-000001</cbc:ID>
                <cac:Party>
                    <cbc:RegistrationName>Smith &amp; Sons &lt;EU&gt; "Ltd" 'x'</cbc:RegistrationName>
                    <cbc:EndpointID schemeID="0208 &quot;&amp;&quot; &lt;x&gt;">0208:0477472701</cbc:EndpointID>
                </cac:Party>
                <cbc:Note>line one
            line two&#13; bell\ttab</cbc:Note>
            </Invoice>

            """)
    }

    @Test func attributeWhitespaceSurvivesAsCharacterReferences() {
        #expect(XMLWriter.escaped("a\nb\tc\rd", attribute: true) == "a&#10;b&#9;c&#13;d")
        #expect(XMLWriter.escaped("a\nb\tc", attribute: false) == "a\nb\tc")
        #expect(XMLWriter.escaped("Zürich – 東京 \u{1F600}", attribute: false) == "Zürich – 東京 \u{1F600}")
    }

    @Test func onlyNamesSettleWritesAreAccepted() {
        #expect(XMLWriter.checked("cbc:ID") == "cbc:ID")
        #expect(XMLWriter.checked("Invoice") == "Invoice")
        #expect(XMLWriter.checked("xmlns:cac") == "xmlns:cac")
    }
}
