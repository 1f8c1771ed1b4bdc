import Color
import Foundation
import Testing

/// Which config a task gets, and how names, aliases and roles resolve in the bundled one.
@Suite struct ConfigResolutionTests {
    /// Writes a minimal valid config whose only colour space is `colorspace`, so a test can tell configs apart.
    static func writeConfig(colorspace: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent("\(colorspace).ocio")
        let text = """
            ocio_profile_version: 2.1
            roles:
              default: \(colorspace)
              scene_linear: \(colorspace)
            displays:
              Monitor:
                - !<View> {name: Raw, colorspace: \(colorspace)}
            colorspaces:
              - !<ColorSpace>
                name: \(colorspace)
                isdata: false

            """
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("colortests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func explicitPathWinsOverOCIOEnvironmentAndBundled() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let explicit = try Self.writeConfig(colorspace: "explicit_space", in: dir)
        let env = try Self.writeConfig(colorspace: "env_space", in: dir)
        let config = try ColorConfig.resolve(explicit: explicit, environment: ["OCIO": env])
        #expect(config.source == explicit)
        #expect(config.colorspaceNames == ["explicit_space"])
    }

    @Test func ocioEnvironmentWinsOverBundledWhenNoExplicitPath() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = try Self.writeConfig(colorspace: "env_space", in: dir)
        let config = try ColorConfig.resolve(explicit: nil, environment: ["OCIO": env])
        #expect(config.source == env)
        #expect(config.colorspaceNames == ["env_space"])
    }

    @Test func bundledConfigIsUsedWithoutExplicitPathOrOCIO() throws {
        let config = try ColorConfig.resolve(explicit: nil, environment: ["OCIO": ""])
        #expect(config.source == BundledConfig.path)
        #expect(config.source.hasSuffix("ColorConfigs/aces-1.3-scenefarm.ocio"))
        // The official ACES CG config v1.0.0's active colour spaces, in its order.
        #expect(config.colorspaceNames == [
            "ACES2065-1", "ACEScc", "ACEScct", "ACEScg", "Linear P3-D65", "Linear Rec.2020", "Linear Rec.709 (sRGB)",
            "Gamma 1.8 Rec.709 - Texture", "Gamma 2.2 AP1 - Texture", "Gamma 2.2 Rec.709 - Texture", "Gamma 2.4 Rec.709 - Texture",
            "sRGB Encoded AP1 - Texture", "sRGB - Texture", "Raw",
        ])
        #expect(config.validationProblem() == nil)
    }

    @Test func missingExplicitConfigFailsInsteadOfFallingBack() {
        #expect(throws: ColorError.configLoad(source: "/nonexistent/studio.ocio", message: "no such file")) {
            try ColorConfig.resolve(explicit: "/nonexistent/studio.ocio", environment: [:])
        }
    }

    @Test func aFIFOOrDeviceAsTheConfigIsRefusedWithoutBlocking() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("studio.ocio").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // No writer ever opens the pipe: OpenColorIO reading it would hang this test.
        #expect(throws: ColorError.configLoad(source: fifo, message: "is a named pipe (FIFO), not a regular file")) {
            try ColorConfig.resolve(explicit: fifo, environment: [:])
        }
        #expect(throws: ColorError.configLoad(source: "/dev/zero", message: "is a device, not a regular file")) {
            try ColorConfig.resolve(explicit: nil, environment: ["OCIO": "/dev/zero"])
        }
    }

    @Test func malformedConfigReportsItsPathAndOCIOsMessage() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("broken.ocio").path
        try "ocio_profile_version: 2.1\nroles: [not, a, map\n".write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try ColorConfig.resolve(explicit: path, environment: [:])
            Issue.record("expected a config load error")
        } catch {
            guard case .configLoad(let source, let message) = error else {
                Issue.record("wrong error: \(error)")
                return
            }
            #expect(source == path)
            #expect(!message.isEmpty)
            #expect(error.description.contains(path))
        }
    }

    @Test func rolesResolveToTheOfficialACESCGConfigSpaces() throws {
        let config = try ColorConfig.resolve(explicit: nil, environment: [:])
        let expected = [
            "scene_linear": "ACEScg", "rendering": "ACEScg", "aces_interchange": "ACES2065-1", "data": "Raw",
            // As the official config v1.0.0 has them (texture_paint ACEScct, matte_paint sRGB - Texture).
            "compositing_log": "ACEScct", "color_timing": "ACEScct", "color_picking": "sRGB - Texture",
            "texture_paint": "ACEScct", "matte_paint": "sRGB - Texture", "cie_xyz_d65_interchange": "CIE-XYZ-D65",
        ]
        #expect(Set(config.roleNames) == Set(expected.keys))
        try Self.expectResolves(expected, in: config)
    }

    @Test func aliasesResolveToCanonicalNames() throws {
        let config = try ColorConfig.resolve(explicit: nil, environment: [:])
        let expected = [
            "lin_ap1": "ACEScg", "ACES - ACEScg": "ACEScg", "lin_ap0": "ACES2065-1", "aces2065_1": "ACES2065-1",
            "acescct_ap1": "ACEScct", "acescc_ap1": "ACEScc", "lin_srgb": "Linear Rec.709 (sRGB)",
            "Utility - Linear - Rec.709": "Linear Rec.709 (sRGB)", "srgb_tx": "sRGB - Texture", "Utility - Raw": "Raw",
            "srgb_display": "sRGB - Display", "rec1886_rec709_display": "Rec.1886 Rec.709 - Display",
            "lin_p3d65": "Linear P3-D65", "lin_rec2020": "Linear Rec.2020", "Utility - Linear - Rec.2020": "Linear Rec.2020",
            "g24_rec709": "Gamma 2.4 Rec.709 - Texture", "rec709_display": "Gamma 2.4 Rec.709 - Texture", "srgb_ap1": "sRGB Encoded AP1 - Texture",
            "rec2100_pq_display": "Rec.2100-PQ - Display", "st2084_p3d65_display": "ST2084-P3-D65 - Display", "p3d65_display": "P3-D65 - Display",
        ]
        try Self.expectResolves(expected, in: config)
    }

    /// Checks that each name, alias or role resolves to its canonical colour space.
    static func expectResolves(_ expected: [String: String], in config: ColorConfig) throws {
        for (name, space) in expected {
            #expect(try config.colorspace(named: name) == space, "\(name)")
        }
    }

    @Test func unknownColorspaceErrorNamesTheBadNameAndListsAvailableSpaces() throws {
        let config = try ColorConfig.resolve(explicit: nil, environment: [:])
        do {
            _ = try config.processor(from: "ACEScgg", to: "ACES2065-1")
            Issue.record("expected an unknown-colorspace error")
        } catch {
            guard case .unknownColorspace(let name, let source, let available) = error else {
                Issue.record("wrong error: \(error)")
                return
            }
            #expect(name == "ACEScgg")
            #expect(source == config.source)
            #expect(available.contains("ACEScg") && available.contains("ACES2065-1") && available.contains("sRGB - Display"))
            let text = error.description
            #expect(text.contains("'ACEScgg'"))
            #expect(text.contains("ACEScg, Linear P3-D65"))
        }
    }

    @Test func ociocheckPassesOnTheBundledConfig() throws {
        let path = try #require(BundledConfig.path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ociocheck")
        process.arguments = ["--iconfig", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("** Validation **\npassed"), "\(output)")
        #expect(!output.contains("ERROR"), "\(output)")
    }
}
