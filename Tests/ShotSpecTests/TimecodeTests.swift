import Testing
@testable import ShotSpec

@Suite struct TimecodeTests {
    static func rate(_ text: String) throws -> FrameRate { try #require(FrameRate.parse(text)) }

    @Test func oneHourAt24() throws {
        #expect(Timecode(frame: 86_400, rate: try Self.rate("24")).description == "01:00:00:00")
        #expect(Timecode(frame: 0, rate: try Self.rate("24")).description == "00:00:00:00")
        #expect(Timecode(frame: 1001, rate: try Self.rate("24")).description == "00:00:41:17")
    }

    @Test func twentyThreeNineSevenSixCountsNonDrop() throws {
        let tc = Timecode(frame: 86_400, rate: try Self.rate("23.976"))
        #expect(!tc.dropFrame)
        #expect(tc.description == "01:00:00:00")
    }

    @Test(arguments: [
        (0, "00:00:00;00"), (29, "00:00:00;29"), (1799, "00:00:59;29"), (1800, "00:01:00;02"),
        (3597, "00:01:59;29"), (3598, "00:02:00;02"), (17_981, "00:09:59;29"), (17_982, "00:10:00;00"),
        (107_892, "01:00:00;00"),
    ])
    func dropFrameAt2997(_ frame: Int, _ expected: String) throws {
        let tc = Timecode(frame: frame, rate: try Self.rate("29.97"))
        #expect(tc.dropFrame)
        #expect(tc.description == expected)
    }

    @Test func dropFrameAt5994DropsFourNumbers() throws {
        let rate = try Self.rate("59.94")
        #expect(Timecode(frame: 3599, rate: rate).description == "00:00:59;59")
        #expect(Timecode(frame: 3600, rate: rate).description == "00:01:00;04")
        #expect(Timecode(frame: 35_964, rate: rate).description == "00:10:00;00")
    }

    @Test func packedWordIsBCD() throws {
        let frame = ((1 * 3600 + 2 * 60 + 3) * 24) + 4
        let tc = Timecode(frame: frame, rate: try Self.rate("24"))
        #expect(tc.description == "01:02:03:04")
        #expect(tc.packedTimeAndFlags == 0x0102_0304)
        #expect(Timecode(frame: ((23 * 3600 + 59 * 60 + 59) * 25) + 24, rate: try Self.rate("25")).packedTimeAndFlags == 0x2359_5924)
    }

    @Test func packedWordSetsTheDropFrameFlag() throws {
        let tc = Timecode(frame: 1800, rate: try Self.rate("29.97"))
        #expect(tc.packedTimeAndFlags == 0x0001_0002 | 0x40)
    }

    @Test func wrapsAfterTwentyFourHours() throws {
        #expect(Timecode(frame: 24 * 86_400 + 5, rate: try Self.rate("24")).description == "00:00:00:05")
    }
}
