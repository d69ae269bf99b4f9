// TEMPORARY STUB (replaced by the helper's file)
public enum FacturXPDF {
    public struct Metadata: Sendable {
        public var title: String, author: String, subject: String, documentNumber: String, created: String
        public init(title: String, author: String, subject: String, documentNumber: String, created: String) {
            self.title = title; self.author = author; self.subject = subject; self.documentNumber = documentNumber; self.created = created
        }
    }
    public struct Failure: Error, Sendable {}
    public static func attach(xml: [UInt8], to pdf: [UInt8], metadata: Metadata) throws(Failure) -> [UInt8] { pdf }
}
