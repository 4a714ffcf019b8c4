import Testing
import TriageCore

/// IPv4 and IPv6 text forms of `IpFilter` `Cidr`s and finding addresses.
@Suite struct IPNetworkTests {
    @Test(arguments: [
        ("10.0.0.0/8", [10, 0, 0, 0], 8), ("0.0.0.0/0", [0, 0, 0, 0], 0),
        ("255.255.255.255", [255, 255, 255, 255], 32),
        ("::1", [UInt8](repeating: 0, count: 15) + [1], 128), ("::", [UInt8](repeating: 0, count: 16), 128),
        ("2001:db8::/32", [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 12), 32),
        ("::ffff:10.0.0.1", [UInt8](repeating: 0, count: 10) + [0xff, 0xff, 10, 0, 0, 1], 128),
        ("1:2:3:4:5:6:7:8", [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8], 128),
        ("fe80::1:2/64", [0xfe, 0x80] + [UInt8](repeating: 0, count: 10) + [0, 1, 0, 2], 64),
    ])
    func parses(text: String, address: [UInt8], prefix: Int) {
        let network = IPNetwork(text)
        #expect(network?.address == address)
        #expect(network?.prefixLength == prefix)
    }

    @Test(arguments: [
        "", "/8", "10.0.0.0/", "10.0.0.0/08", "10.0.0.256", "1.2.3.4.5", "1..2.3", "1:2:3:4:5:6:7:8:9", "1::2::3",
        "12345::", "g::", ":1::", "1:::2", "::1/129", "1.2.3.4/33", "fe80::1%lo", " 10.0.0.1", "1:2:3:4:5:6:7::8:9",
    ])
    func refuses(text: String) {
        #expect(IPNetwork(text) == nil)
    }

    @Test func containment() {
        let network = IPNetwork("192.168.0.0/23")!
        #expect(network.contains(IPNetwork("192.168.1.255")!))
        #expect(!network.contains(IPNetwork("192.168.2.0")!))
        #expect(network.contains(IPNetwork("192.168.0.0/24")!))
        #expect(!network.contains(IPNetwork("192.168.0.0/22")!))
        #expect(IPNetwork("10.1.2.3/8")!.contains(IPNetwork("10.200.0.1")!))  // host bits ignored
        #expect(IPNetwork("::/0")!.contains(IPNetwork("2001:db8::1")!))
        #expect(!IPNetwork("::/0")!.contains(IPNetwork("10.0.0.1")!))
    }
}
