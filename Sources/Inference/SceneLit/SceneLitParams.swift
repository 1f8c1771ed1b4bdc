import ShotSpec

/// `shot.generator.params` for `scenelit`; every key is optional and checked with its field path.
public struct SceneLitParams: Sendable, Equatable {
    /// Anti-aliasing samples per pixel (fixed pattern, the same in every pixel and frame).
    public var samples = 2
    /// Ground radiosity grid: patches per side.
    public var giGroundPatches = 24
    /// Radiosity patches around each static object (sphere: this many around, half as many up).
    public var giObjectPatches = 12
    /// Hemisphere directions per patch for the occluded sky irradiance.
    public var giSkySamples = 64
    /// Side in metres of the ground's patch grid, centred on the static objects; nil sizes it
    /// for an open scene (three times their extent). An interior sets it to the room's floor.
    public var giGroundSize: Double?
    /// `reflections: traced`: mirror reflections follow a ray into the scene (one bounce) instead
    /// of reading the environment map; needed indoors, where the sky is mostly hidden. Costs a ray
    /// per shaded pixel, so open scenes keep `environment` (the default).
    public var tracedReflections = false
    /// `texture_filter: box` (default) averages a checkerboard over each pixel's footprint on
    /// the surface, so a receding floor turns grey instead of aliasing; `none` point-samples it.
    public var filterTextures = true
    /// `sampling: adaptive`: a pixel of a shot with lights, textures, traced reflections or glass
    /// shades its `samples` in tiers of 2, 4, 8, … and stops once they agree
    /// (AdaptivePixelSampling.swift); `fixed` (default) shades them all.
    public var adaptiveSampling = false
    /// Sub-frame times averaged when the camera's shutter angle is above 0.
    public var motionBlurSamples = 3

    public static let keys = ["samples", "gi_ground_patches", "gi_object_patches", "gi_sky_samples", "gi_ground_size", "motion_blur_samples", "reflections", "texture_filter", "sampling"]

    public init() {}

    /// Reads the params mapping (nil: all defaults).
    public static func parse(_ field: SpecField?) throws(SpecError) -> SceneLitParams {
        var params = SceneLitParams()
        guard let field else { return params }
        let obj = try field.object(allowed: keys)
        if let f = obj.optional("samples") { params.samples = try f.int(in: 1...64) }
        if let f = obj.optional("gi_ground_patches") { params.giGroundPatches = try f.int(in: 2...96) }
        if let f = obj.optional("gi_object_patches") { params.giObjectPatches = try f.int(in: 4...48) }
        if let f = obj.optional("gi_sky_samples") { params.giSkySamples = try f.int(in: 8...4096) }
        if let f = obj.optional("gi_ground_size") { params.giGroundSize = try f.double(in: 0.1...SpecLimits.maxSize) }
        if let f = obj.optional("reflections") { params.tracedReflections = try f.oneOf(["environment", "traced"]) == "traced" }
        if let f = obj.optional("texture_filter") { params.filterTextures = try f.oneOf(["box", "none"]) == "box" }
        if let f = obj.optional("sampling") { params.adaptiveSampling = try f.oneOf(["fixed", "adaptive"]) == "adaptive" }
        if let f = obj.optional("motion_blur_samples") { params.motionBlurSamples = try f.int(in: 1...32) }
        return params
    }

    /// The params that change the lighting solve, as text for the lighting id.
    var lightingKey: String {
        "ground=\(giGroundPatches) object=\(giObjectPatches) sky=\(giSkySamples)" + (giGroundSize.map { " groundSize=\($0)" } ?? "")
    }
}
