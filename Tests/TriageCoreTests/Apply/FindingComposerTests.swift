import Testing

@testable import TriageCore

@Suite struct FindingComposerTests {
    static let provider = Array(
        """
        {
          "SchemaVersion": "2018-10-08",
          "Workflow": { "Status": "NOTIFIED" },
          "Title": "a  title with  spaces",
          "Note": {"Text": "provider note", "UpdatedBy": "p", "UpdatedAt": "2020-01-01T00:00:00Z"},
          "Unknown": [1, 2.50, -0, 1e3, true, null, "\\u00e9\\"x"],
          "Severity": {"Label": "LOW", "Original": "2"}
        }
        """.utf8)

    @Test func customerMembersTakeTheProvidersPlacesAndNewOnesGoLast() throws {
        var state = CustomerState()
        state[.severity] = .object([JSONMember(key: "Label", value: .string("HIGH"))])
        state[.workflow] = .object([JSONMember(key: "Status", value: .string("SUPPRESSED"))])
        state[.verificationState] = .string("UNKNOWN")
        // No Note in the state: the provider's Note is dropped.
        let composed = try FindingComposer.compose(provider: Self.provider, state: state)
        #expect(
            String(decoding: composed, as: UTF8.self)
                == #"{"SchemaVersion":"2018-10-08","Workflow":{"Status":"SUPPRESSED"},"Title":"a  title with  spaces","#
                + #""Unknown":[1,2.50,-0,1e3,true,null,"\u00e9\"x"],"Severity":{"Label":"HIGH"},"#
                + #""VerificationState":"UNKNOWN"}"#)
        let residual = Self.provider.withUnsafeBytes { bytes in
            FindingComposer.residualByteCount(of: bytes, layout: try! JSONObjectLayout.scan(bytes))
        }
        #expect(composed.count == state.composedByteCount(providerBytes: residual))
    }

    @Test func anEmptyStateGivesTheResidualDocument() throws {
        let composed = try FindingComposer.compose(provider: Self.provider, state: CustomerState())
        let residual = Self.provider.withUnsafeBytes { bytes in
            FindingComposer.residualByteCount(of: bytes, layout: try! JSONObjectLayout.scan(bytes))
        }
        #expect(composed.count == residual)
        #expect(try JSONParser.parse(composed)[key: "Note"] == nil)
    }

    @Test func aDocumentThatIsNotAnObjectIsRejected() {
        #expect(throws: CoreError.self) {
            try FindingComposer.compose(provider: Array("[1]".utf8), state: CustomerState())
        }
        #expect(throws: CoreError.self) {
            try FindingComposer.compose(provider: Array("{} x".utf8), state: CustomerState())
        }
        #expect(throws: CoreError.self) {
            try FindingComposer.compose(provider: Array(#"{"a":1,}"#.utf8), state: CustomerState())
        }
    }

    @Test func escapedKeysAreDecodedButNeverTakenForCustomerFields() throws {
        let bytes = Array(#"{"N\u006fte":1,"Note":2}"#.utf8)
        let layout = try bytes.withUnsafeBytes { try JSONObjectLayout.scan($0) }
        let keys = bytes.withUnsafeBytes { buffer in layout.members.map { JSONObjectLayout.key(of: $0, in: buffer) } }
        #expect(keys == ["Note", "Note"])
        let composed = try FindingComposer.compose(provider: bytes, state: CustomerState())
        #expect(String(decoding: composed, as: UTF8.self) == #"{"N\u006fte":1}"#)
    }
}
