import Foundation
import ImageCore
import Inference
import ShotSpec
import Testing

/// What scenelit frames look like: determinism across chunks, known answers for simple scenes.
@Suite struct SceneLitRenderingTests {
    static let ballScene = """
        camera:
          position: [0, 2, 7]
          target: [0, 0.8, 0]
          shutter_angle: 180
          moves:
            - {type: orbit, start: 1001, end: 1020, degrees: 30}
            - {type: dolly, start: 1005, end: 1015, distance: 1.5, easing: linear}
        environment:
          sky: {sun_elevation: 40, sun_azimuth: 120, turbidity: 3}
        objects:
          - {name: plinth, shape: box, position: [1.2, 0.4, 0], size: [0.8, 0.8, 0.8], material: {base_color: [0.8, 0.2, 0.2], colorspace: "sRGB - Texture"}}
          - {name: ball, shape: sphere, radius: 0.4, position: [-0.5, 2.5, 0], dynamic: true, velocity: [0.5, 0, 0], restitution: 0.7, material: {base_color: [0.2, 0.4, 0.9], roughness: 0.2}}
        """

    @Test func frameRenderedAloneEqualsSameFrameInsideAnyChunk() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let spec = try SceneLitTestSupport.spec(width: 48, height: 27, body: Self.ballScene)
        let alone = try SceneLitTestSupport.render(spec, frames: 1012...1012, root: root)
        let chunk = try SceneLitTestSupport.render(spec, frames: 1007...1014, root: root)
        let image = try #require(alone[1012])
        #expect(image == chunk[1012])
        // The frame is not trivially constant: the ball and plinth are visible against sky and ground.
        let values = Set(image.pixels)
        #expect(values.count > 100)
    }

    @Test func sunlitWhiteAndSkyAreHDRAboveOne() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let spec = try SceneLitTestSupport.spec(body: """
            camera: {position: [0, 1.5, 6], target: [0, 1.5, 0]}
            environment:
              sky: {sun_elevation: 50, sun_azimuth: 180, turbidity: 3}
            ground: {material: {base_color: [0.9, 0.9, 0.9], roughness: 1}}
            """)
        let image = try #require(try SceneLitTestSupport.render(spec, frames: 1001...1001, root: root)[1001])
        let sky = SceneLitTestSupport.luminance(image[32, 2])
        let ground = SceneLitTestSupport.luminance(image[32, 34])
        #expect(sky > 1.0)
        #expect(ground > 3.0 && ground < 15.0)
    }

    @Test func whitePlaneUnderUniformSkyReadsSkyRadianceTimesAlbedo() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let spec = try SceneLitTestSupport.spec(body: """
            camera: {position: [0, 2, 4], target: [0, 0, 0]}
            environment: {uniform: {radiance: [1.5, 1.5, 1.5]}}
            ground: {material: {base_color: [1, 1, 1], roughness: 1}}
            """)
        let image = try #require(try SceneLitTestSupport.render(spec, frames: 1001...1001, root: root)[1001])
        // Albedo is capped at 0.999 to keep the radiosity system well posed.
        for (x, y) in [(32, 30), (10, 25), (50, 33)] {
            let p = image[x, y]
            #expect(abs(p.x - 1.5) < 0.03 && abs(p.y - 1.5) < 0.03 && abs(p.z - 1.5) < 0.03, "pixel \(x),\(y) is \(p)")
        }
    }

    @Test func sphereShadowFallsWhereTheSunRayLands() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let spec = try SceneLitTestSupport.spec(width: 96, height: 54, body: """
            camera: {position: [0, 7, 5], target: [-0.5, 0, 0]}
            environment:
              sky: {sun_elevation: 45, sun_azimuth: 90, turbidity: 3}
            ground: {material: {base_color: [0.7, 0.7, 0.7], roughness: 1}}
            objects:
              - {name: ball, shape: sphere, radius: 0.5, position: [0, 1, 0]}
            """)
        let image = try #require(try SceneLitTestSupport.render(spec, frames: 1001...1001, root: root)[1001])
        // Sun in the east (+x) at 45°: the centre's shadow lands 1 m west of the foot of the sphere.
        let camera = SceneLitCamera.at(spec.camera, frame: 1001)
        let inShadow = try #require(camera.project([-1, 0, 0], width: 96, height: 54))
        let outside = try #require(camera.project([-1, 0, 1.6], width: 96, height: 54))
        let dark = SceneLitTestSupport.luminance(image[Int(inShadow.x), Int(inShadow.y)])
        let lit = SceneLitTestSupport.luminance(image[Int(outside.x), Int(outside.y)])
        #expect(dark < lit * 0.35, "shadow \(dark) vs lit \(lit)")
    }
}
