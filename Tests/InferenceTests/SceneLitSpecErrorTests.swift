import Foundation
import Inference
import ShotSpec
import Testing

/// Bad scene input reaches the user as a SpecError naming the field.
@Suite struct SceneLitSpecErrorTests {
    static func error(_ body: String, params: String = "{}") -> String? {
        do {
            let spec = try SceneLitTestSupport.spec(params: params, body: body)
            try SceneLitGenerator().validate(spec)
            return nil
        } catch let error as SpecError {
            return error.description
        } catch let error as GeneratorError {
            return error.description
        } catch {
            return "\(error)"
        }
    }

    @Test func negativeRadiusNamesTheObjectField() {
        let message = Self.error("objects:\n  - {name: a, shape: sphere, radius: -1, position: [0, 1, 0]}")
        #expect(message?.hasPrefix("shot.objects[0].radius:") == true, "\(message ?? "no error")")
    }

    @Test func unknownMaterialKeyNamesTheKey() {
        let message = Self.error("objects:\n  - {name: a, shape: sphere, radius: 1, position: [0, 1, 0], material: {shiny: 1}}")
        #expect(message?.hasPrefix("shot.objects[0].material.shiny:") == true, "\(message ?? "no error")")
    }

    @Test func missingHDRIFileNamesThePath() {
        let message = Self.error("environment:\n  hdri: {path: /nonexistent/studio.exr}")
        #expect(message?.hasPrefix("shot.environment.hdri.path:") == true, "\(message ?? "no error")")
    }

    @Test func unknownColorspaceNamesTheMaterial() {
        let message = Self.error("objects:\n  - {name: a, shape: sphere, radius: 1, position: [0, 1, 0], material: {colorspace: NotASpace}}")
        #expect(message?.hasPrefix("shot.objects[0].material.colorspace:") == true, "\(message ?? "no error")")
    }

    @Test func badGeneratorParamNamesTheParam() {
        #expect(Self.error("", params: "{samples: 0}")?.hasPrefix("shot.generator.params.samples:") == true)
        #expect(Self.error("", params: "{sample: 2}")?.hasPrefix("shot.generator.params.sample:") == true)
    }
}
