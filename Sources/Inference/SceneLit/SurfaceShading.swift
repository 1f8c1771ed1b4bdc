/// The terms of the lean shading model (`SceneLitFrameKernel.shade`) that depend only on a
/// surface, taken once per frame instead of once per camera ray. Each is the expression `shade`
/// evaluated per ray, in the same order, so every pixel keeps its bits.
struct SurfaceShading {
    /// albedo × (1 − metallic): the diffuse share before Fresnel.
    let diffuseAlbedo: SIMD3<Float>
    /// Reflectance at normal incidence (4 % for dielectrics, the albedo for metals), and 1 − f0.
    let f0: SIMD3<Float>
    let oneLessF0: SIMD3<Float>
    /// How far Fresnel rises towards grazing: max(1 − roughness, f0) − f0.
    let fresnelRise: SIMD3<Float>
    /// Weights of the mirror map (1 − roughness²) and of the SH lobe (roughness² / π) in the
    /// reflected environment.
    let mirrorWeight: Float
    let lobeWeight: Float
    let emission: SIMD3<Float>
    /// The sun highlight's lobe for this roughness.
    let lobe: GGXLobe

    init(_ surface: SceneSurface) {
        let albedo = surface.albedo, metallic = surface.metallic, rough = surface.roughness
        diffuseAlbedo = albedo * (1 - metallic)
        f0 = SIMD3<Float>(repeating: 0.04) * (1 - metallic) + albedo * metallic
        oneLessF0 = SIMD3(repeating: 1) - f0
        fresnelRise = simdMax(SIMD3(repeating: 1 - rough), f0) - f0
        let glossy = rough * rough
        mirrorWeight = 1 - glossy
        lobeWeight = glossy / Float.pi
        emission = surface.emission
        lobe = GGXLobe(glossy: glossy)
    }
}
