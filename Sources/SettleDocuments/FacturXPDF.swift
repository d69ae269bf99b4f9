import CQPDF
import SettleFormats

/// A Factur-X 1.0 invoice (EN 16931 profile): the PDF cairo rendered, made a PDF/A-3b whose
/// embedded file `factur-x.xml` is the invoice's CII XML, so one file is both the document a
/// person reads and the e-invoice a machine reads.
///
/// qpdf (its C API, `CQPDF`) reads the PDF and writes the new one: it writes the objects, the
/// cross-reference table and the trailer, so none of that is done by hand here. What is added
/// is what PDF/A-3b and Factur-X require:
/// - the XML as an embedded file stream (`/Subtype /text#2fxml`, `/Params` with its size and
///   date), in a file specification (`/F` and `/UF` `factur-x.xml`, `/AFRelationship /Data`)
///   that the catalog names twice, in `/Names /EmbeddedFiles` and in `/AF`;
/// - an sRGB output intent (`/GTS_PDFA1`, the profile of `SRGBProfile`): cairo paints in
///   DeviceRGB, which PDF/A allows under an RGB output intent;
/// - what cairo 1.16 writes and PDF/A forbids, mended without changing what is drawn: a
///   CIDFontType2's missing /CIDToGIDMap said (/Identity, its default), an image's
///   `/Interpolate true` dropped;
/// - an XMP metadata stream (never compressed) naming PDF/A-3b, the Factur-X properties and the
///   PDF/A extension schema that describes them, and an Info dictionary that says the same
///   title, author, subject, keywords, tool and dates, as PDF/A requires.
///
/// Every date is `Metadata.created` and qpdf writes a deterministic `/ID` (a digest of the
/// file), so the same invoice gives the same bytes, whenever it is made.
public enum FacturXPDF {
    /// The embedded file's name, which Factur-X fixes.
    public static let fileName = "factur-x.xml"

    /// What the PDF says about itself, in its Info dictionary and its XMP alike.
    public struct Metadata: Sendable {
        /// The document's title (dc:title, /Title), such as "Invoice INV-2026-000042".
        public var title: String
        /// Who issued it (dc:creator, /Author): the issuer's name.
        public var author: String
        /// What it is about (dc:description, /Subject).
        public var subject: String
        /// pdf:Keywords and /Keywords; none when nil or empty.
        public var keywords: String?
        /// The invoice's number: names the document in a failure.
        public var documentNumber: String
        /// The day the document was made, "2026-11-01": every date of the PDF (creation,
        /// modification, metadata, the embedded file's), midnight UTC.
        public var created: String
        /// The tool named as the PDF's creator and producer (xmp:CreatorTool, pdf:Producer,
        /// /Creator, /Producer).
        public var producer: String

        public init(title: String, author: String, subject: String, keywords: String? = nil, documentNumber: String,
                    created: String, producer: String = "settle") {
            self.title = title
            self.author = author
            self.subject = subject
            self.keywords = keywords
            self.documentNumber = documentNumber
            self.created = created
            self.producer = producer
        }
    }

    /// Why no Factur-X PDF was made: the document, the step and what qpdf said.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let message: String

        public init(_ message: String) { self.message = message }

        public var description: String { message }
    }

    /// `pdf` (a PDF as cairo writes it) with `xml` embedded as `factur-x.xml`, as a Factur-X
    /// PDF/A-3b. The page itself is not touched.
    public static func attach(xml: [UInt8], to pdf: [UInt8], metadata: Metadata) throws(Failure) -> [UInt8] {
        let document = metadata.documentNumber.isEmpty ? "document" : metadata.documentNumber
        guard let dates = Dates(day: metadata.created) else {
            throw Failure("\(document): the Factur-X PDF's date \"\(metadata.created)\" is not a day such as 2026-11-01")
        }
        guard let profile = SRGBProfile.bytes, profile.count == SRGBProfile.size else {
            throw Failure("\(document): the sRGB colour profile kept in SRGBProfile.swift does not decode")
        }
        // qpdf reads from this memory as it needs it, up to the end of the write: it stays
        // here, unmoved, until qpdf is done (freed after it).
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: max(pdf.count, 1), alignment: 1)
        defer { input.deallocate() }
        input.copyBytes(from: pdf)
        guard let base = input.baseAddress else { throw Failure("\(document): no memory for the PDF") }
        guard let q = qpdf_init() else { throw Failure("\(document): qpdf could not start (out of memory)") }
        var owned: OpaquePointer? = q
        defer { qpdf_cleanup(&owned) }

        let file = QPDFFile(q: q, document: document)
        // Errors are read from qpdf_get_error below, not printed; so are warnings.
        qpdf_silence_errors(q)
        qpdf_set_suppress_warnings(q, 1)
        _ = qpdf_read_memory(q, "\(document).pdf", UnsafePointer<CChar>(base.assumingMemoryBound(to: CChar.self)), UInt64(pdf.count), nil)
        try file.check("reading the PDF")
        if qpdf_is_encrypted(q) != 0 { throw Failure("\(document): the PDF is encrypted, which PDF/A forbids") }
        let root = qpdf_get_root(q)
        let trailer = qpdf_get_trailer(q)
        try file.check("finding the PDF's catalog")
        guard qpdf_oh_is_dictionary(q, root) != 0, qpdf_oh_is_dictionary(q, trailer) != 0 else {
            throw Failure("\(document): the PDF has no catalog dictionary")
        }
        file.makeCairosObjectsPDFA(size: qpdf_oh_get_int_value_as_int(q, qpdf_oh_get_key(q, trailer, "/Size")))
        try file.check("making the PDF's fonts and images PDF/A")

        // The XML, its file specification, and the catalog's two references to it.
        let embedded = file.stream(xml, [
            ("/Type", file.name("/EmbeddedFile")),
            // The MIME type, the name text/xml: qpdf writes its slash as #2f (/text#2fxml).
            ("/Subtype", file.name("/text/xml")),
            ("/Params", file.dictionary([("/ModDate", file.ascii(dates.pdf)), ("/Size", file.integer(xml.count))])),
        ])
        let spec = qpdf_make_indirect_object(q, file.dictionary([
            ("/Type", file.name("/Filespec")),
            ("/F", file.text(fileName)),
            ("/UF", file.text(fileName)),
            ("/Desc", file.text("Factur-X invoice")),
            ("/AFRelationship", file.name("/Data")),
            ("/EF", file.dictionary([("/F", embedded), ("/UF", embedded)])),
        ]))
        try file.check("embedding \(fileName)")
        // Other name trees the PDF has (cairo's /Dests for links) stay; the embedded files are
        // this one alone, as every file a PDF/A-3 embeds has to be associated with it.
        let existing = qpdf_oh_get_key(q, root, "/Names")
        let names = qpdf_oh_is_dictionary(q, existing) != 0 ? existing : qpdf_oh_new_dictionary(q)
        qpdf_oh_replace_key(q, names, "/EmbeddedFiles", file.dictionary([("/Names", file.array([file.text(fileName), spec]))]))
        qpdf_oh_replace_key(q, root, "/Names", names)
        qpdf_oh_replace_key(q, root, "/AF", file.array([spec]))
        try file.check("naming \(fileName) in the catalog")

        // The output intent: the colours are sRGB.
        let icc = file.stream(profile, [("/N", file.integer(3))])
        let intent = file.dictionary([
            ("/Type", file.name("/OutputIntent")),
            ("/S", file.name("/GTS_PDFA1")),
            ("/OutputConditionIdentifier", file.text("sRGB IEC61966-2.1")),
            ("/Info", file.text("sRGB IEC61966-2.1")),
            ("/DestOutputProfile", icc),
        ])
        qpdf_oh_replace_key(q, root, "/OutputIntents", file.array([intent]))
        try file.check("adding the sRGB output intent")

        // The XMP and the Info dictionary, saying the same. qpdf never compresses a stream of
        // /Type /Metadata, so the XMP stays readable as PDF/A wants.
        let m = Cleaned(metadata)
        let packet = Array(Self.xmp(m, date: dates.xmp).utf8)
        let metadataStream = file.stream(packet, [("/Type", file.name("/Metadata")), ("/Subtype", file.name("/XML"))])
        qpdf_oh_replace_key(q, root, "/Metadata", metadataStream)
        var info: [(String, qpdf_oh)] = [
            ("/Title", file.text(m.title)),
            ("/Author", file.text(m.author)),
            ("/Subject", file.text(m.subject)),
        ]
        if let keywords = m.keywords { info.append(("/Keywords", file.text(keywords))) }
        info += [
            ("/Creator", file.text(m.producer)),
            ("/Producer", file.text(m.producer)),
            ("/CreationDate", file.ascii(dates.pdf)),
            ("/ModDate", file.ascii(dates.pdf)),
        ]
        qpdf_oh_replace_key(q, trailer, "/Info", qpdf_make_indirect_object(q, file.dictionary(info)))
        try file.check("writing the metadata")

        _ = qpdf_init_write_memory(q)
        try file.check("starting to write the PDF/A-3")
        // The /ID a digest of the content (no clock, no random bytes); the newline before
        // `endstream` that PDF/A requires; PDF 1.7, the version PDF/A-3 is based on.
        qpdf_set_deterministic_ID(q, 1)
        qpdf_set_newline_before_endstream(q, 1)
        qpdf_set_minimum_pdf_version(q, "1.7")
        try file.check("setting up the PDF/A-3")
        _ = qpdf_write(q)
        try file.check("writing the PDF/A-3")
        let count = qpdf_get_buffer_length(q)
        guard count > 0, let written = qpdf_get_buffer(q) else { throw Failure("\(document): qpdf wrote nothing") }
        return Array(UnsafeBufferPointer(start: written, count: count))
    }

    /// The XMP packet: PDF/A-3b, the document's title, author, subject, keywords, tool and
    /// dates (as the Info dictionary says them), the Factur-X properties, and the PDF/A
    /// extension schema that declares those (as in the factur-x package's
    /// Factur-X_extension_schema.xmp). Every value escaped.
    static func xmp(_ m: Cleaned, date: String) -> String {
        func e(_ value: String) -> String { XMLWriter.escaped(value, attribute: false) }
        var lines: [String] = [
            "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>",
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">",
            " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">",
            "  <rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">",
            "   <pdfaid:part>3</pdfaid:part>",
            "   <pdfaid:conformance>B</pdfaid:conformance>",
            "  </rdf:Description>",
            "  <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">",
            "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">\(e(m.title))</rdf:li></rdf:Alt></dc:title>",
            "   <dc:creator><rdf:Seq><rdf:li>\(e(m.author))</rdf:li></rdf:Seq></dc:creator>",
            "   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">\(e(m.subject))</rdf:li></rdf:Alt></dc:description>",
            "  </rdf:Description>",
            "  <rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">",
            "   <pdf:Producer>\(e(m.producer))</pdf:Producer>",
        ]
        if let keywords = m.keywords { lines.append("   <pdf:Keywords>\(e(keywords))</pdf:Keywords>") }
        lines += [
            "  </rdf:Description>",
            "  <rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">",
            "   <xmp:CreatorTool>\(e(m.producer))</xmp:CreatorTool>",
            "   <xmp:CreateDate>\(e(date))</xmp:CreateDate>",
            "   <xmp:ModifyDate>\(e(date))</xmp:ModifyDate>",
            "   <xmp:MetadataDate>\(e(date))</xmp:MetadataDate>",
            "  </rdf:Description>",
            "  <rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\""
                + " xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">",
            "   <pdfaExtension:schemas>",
            "    <rdf:Bag>",
            "     <rdf:li rdf:parseType=\"Resource\">",
            "      <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>",
            "      <pdfaSchema:namespaceURI>\(e(facturXNamespace))</pdfaSchema:namespaceURI>",
            "      <pdfaSchema:prefix>fx</pdfaSchema:prefix>",
            "      <pdfaSchema:property>",
            "       <rdf:Seq>",
        ]
        for (name, description) in facturXProperties {
            lines += [
                "        <rdf:li rdf:parseType=\"Resource\">",
                "         <pdfaProperty:name>\(e(name))</pdfaProperty:name>",
                "         <pdfaProperty:valueType>Text</pdfaProperty:valueType>",
                "         <pdfaProperty:category>external</pdfaProperty:category>",
                "         <pdfaProperty:description>\(e(description))</pdfaProperty:description>",
                "        </rdf:li>",
            ]
        }
        lines += [
            "       </rdf:Seq>",
            "      </pdfaSchema:property>",
            "     </rdf:li>",
            "    </rdf:Bag>",
            "   </pdfaExtension:schemas>",
            "  </rdf:Description>",
            "  <rdf:Description rdf:about=\"\" xmlns:fx=\"\(XMLWriter.escaped(facturXNamespace, attribute: true))\">",
            "   <fx:DocumentType>INVOICE</fx:DocumentType>",
            "   <fx:DocumentFileName>\(e(fileName))</fx:DocumentFileName>",
            "   <fx:Version>1.0</fx:Version>",
            "   <fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>",
            "  </rdf:Description>",
            " </rdf:RDF>",
            "</x:xmpmeta>",
            "<?xpacket end=\"w\"?>",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The Factur-X XMP schema's namespace (Factur-X 1.0, with its trailing `#`).
    static let facturXNamespace = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"

    /// The four Factur-X properties the extension schema declares, with the descriptions of
    /// the Factur-X specification's own extension schema.
    static let facturXProperties: [(String, String)] = [
        ("DocumentFileName", "name of the embedded XML invoice file"),
        ("DocumentType", "INVOICE"),
        ("Version", "The actual version of the Factur-X XML schema"),
        ("ConformanceLevel", "The conformance level of the embedded Factur-X data"),
    ]

    /// The metadata as both the Info dictionary and the XMP carry it: a control character
    /// (which XML 1.0 cannot carry) a space in both, so the two always agree; empty keywords none.
    struct Cleaned {
        let title: String, author: String, subject: String, keywords: String?, producer: String

        init(_ m: Metadata) {
            title = Self.clean(m.title)
            author = Self.clean(m.author)
            subject = Self.clean(m.subject)
            keywords = m.keywords.map(Self.clean).flatMap { $0.isEmpty ? nil : $0 }
            producer = Self.clean(m.producer)
        }

        static func clean(_ value: String) -> String {
            String(String.UnicodeScalarView(value.unicodeScalars.map { scalar -> Unicode.Scalar in
                scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{FFFE}" || scalar == "\u{FFFF}" ? " " : scalar
            }))
        }
    }

    /// A day as the PDF's dates and the XMP's write it, midnight UTC: "D:20261101000000Z" and
    /// "2026-11-01T00:00:00Z".
    struct Dates {
        let pdf: String, xmp: String

        init?(day: String) {
            let parts = day.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                  parts.allSatisfy({ part in part.allSatisfy { $0.isASCII && $0.isNumber } }),
                  let month = Int(parts[1]), let dayOfMonth = Int(parts[2]), (1...12).contains(month), (1...31).contains(dayOfMonth)
            else { return nil }
            pdf = "D:\(parts[0])\(parts[1])\(parts[2])000000Z"
            xmp = "\(day)T00:00:00Z"
        }
    }
}

/// One qpdf_data being edited: builds its objects, and turns qpdf's error into a `Failure`.
/// Keys and names are written with their slash ("/Type"), as the C API takes them.
private struct QPDFFile {
    let q: OpaquePointer
    let document: String

    /// Fails with what qpdf said if the calls since the last check raised an error.
    func check(_ doing: String) throws(FacturXPDF.Failure) {
        guard qpdf_has_error(q) != 0 else { return }
        let error = qpdf_get_error(q)
        let text: UnsafePointer<CChar>? = qpdf_get_error_full_text(q, error)
        let said = text.map { String(cString: $0) } ?? "no message"
        throw FacturXPDF.Failure("\(document): qpdf failed \(doing): \(said)")
    }

    func name(_ name: String) -> qpdf_oh { qpdf_oh_new_name(q, name) }

    /// A text string: PDFDocEncoding when it can, else UTF-16 (qpdf chooses).
    func text(_ value: String) -> qpdf_oh { qpdf_oh_new_unicode_string(q, value) }

    /// A string of ASCII bytes as they are (the dates).
    func ascii(_ value: String) -> qpdf_oh { qpdf_oh_new_string(q, value) }

    func integer(_ value: Int) -> qpdf_oh { qpdf_oh_new_integer(q, Int64(value)) }

    func array(_ items: [qpdf_oh]) -> qpdf_oh {
        let array = qpdf_oh_new_array(q)
        for item in items { qpdf_oh_append_item(q, array, item) }
        return array
    }

    func dictionary(_ entries: [(String, qpdf_oh)]) -> qpdf_oh {
        let dictionary = qpdf_oh_new_dictionary(q)
        for (key, value) in entries { qpdf_oh_replace_key(q, dictionary, key, value) }
        return dictionary
    }

    /// What cairo 1.16 writes that PDF/A forbids, said explicitly or dropped without changing
    /// what is drawn, in objects 1..<`size`: a CIDFontType2 (a font of a script beyond
    /// WinAnsi) without /CIDToGIDMap, whose default PDF/A wants written out (/Identity, the
    /// same mapping); an image's `/Interpolate true`, which PDF/A forbids (a hint to smooth the
    /// image when enlarged: a logo is drawn smaller than its pixels).
    func makeCairosObjectsPDFA(size: Int32) {
        for id in 1..<max(size, 1) {
            let object = qpdf_get_object_by_id(q, id, 0)
            if qpdf_oh_is_dictionary_of_type(q, object, "/Font", "/CIDFontType2") != 0, qpdf_oh_has_key(q, object, "/CIDToGIDMap") == 0 {
                qpdf_oh_replace_key(q, object, "/CIDToGIDMap", name("/Identity"))
            } else if qpdf_oh_is_stream(q, object) != 0 {
                let dictionary = qpdf_oh_get_dict(q, object)
                let subtype = qpdf_oh_get_key(q, dictionary, "/Subtype")
                if qpdf_oh_is_name_and_equals(q, subtype, "/Image") != 0 {
                    qpdf_oh_remove_key(q, dictionary, "/Interpolate")
                }
                qpdf_oh_release(q, subtype)
                qpdf_oh_release(q, dictionary)
            }
            qpdf_oh_release(q, object)
        }
    }

    /// A new (indirect) stream of `data`, unfiltered: qpdf compresses it on writing, unless
    /// it is a metadata stream.
    func stream(_ data: [UInt8], _ entries: [(String, qpdf_oh)]) -> qpdf_oh {
        let stream = qpdf_oh_new_stream(q)
        qpdf_oh_replace_stream_data(q, stream, data, data.count, qpdf_oh_new_null(q), qpdf_oh_new_null(q))
        let dictionary = qpdf_oh_get_dict(q, stream)
        for (key, value) in entries { qpdf_oh_replace_key(q, dictionary, key, value) }
        return stream
    }
}
