import Testing
import TriageSigV4

/// `X-Amz-Date` parsing and formatting without Foundation.
@Suite struct SigningDateTests {
    @Test(arguments: [
        ("19700101T000000Z", Int64(0)),
        ("20150830T123600Z", Int64(1_440_938_160)),
        ("20000229T235959Z", Int64(951_868_799)),
        ("21000301T000000Z", Int64(4_107_542_400)),
        ("19691231T235959Z", Int64(-1)),
    ])
    func roundTrips(_ text: String, _ seconds: Int64) {
        #expect(SigningDate(amzDate: text)?.secondsSince1970 == seconds)
        #expect(SigningDate(secondsSince1970: seconds).amzDate == text)
    }

    @Test(arguments: [
        "", "20150830T123600", "2015-08-30T12:36:00Z", "20151330T123600Z", "20150830T253600Z",
        "2015083OT123600Z", "20150830 123600Z",
    ])
    func rejectsOtherForms(_ text: String) {
        #expect(SigningDate(amzDate: text) == nil)
    }

    @Test func scopeDateIsTheDay() {
        #expect(SigningDate(amzDate: "20150830T235959Z")?.scopeDate == "20150830")
    }
}
