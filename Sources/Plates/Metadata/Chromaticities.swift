/// CIE xy primaries and white point, as OpenEXR's `chromaticities` attribute stores them.
public struct Chromaticities: Sendable, Equatable {
    public var red: SIMD2<Float>
    public var green: SIMD2<Float>
    public var blue: SIMD2<Float>
    public var white: SIMD2<Float>

    public init(red: SIMD2<Float>, green: SIMD2<Float>, blue: SIMD2<Float>, white: SIMD2<Float>) {
        self.red = red
        self.green = green
        self.blue = blue
        self.white = white
    }

    /// The ACES white point (≈ D60), SMPTE ST 2065-1.
    public static let acesWhite = SIMD2<Float>(0.32168, 0.33767)
    public static let d65 = SIMD2<Float>(0.3127, 0.3290)

    /// ACES AP0 (ACES2065-1).
    public static let ap0 = Chromaticities(red: [0.7347, 0.2653], green: [0.0, 1.0], blue: [0.0001, -0.0770], white: acesWhite)
    /// ACES AP1 (ACEScg, ACEScct, ACEScc).
    public static let ap1 = Chromaticities(red: [0.713, 0.293], green: [0.165, 0.830], blue: [0.128, 0.044], white: acesWhite)
    /// ITU-R BT.709 / sRGB primaries, D65.
    public static let rec709 = Chromaticities(red: [0.64, 0.33], green: [0.30, 0.60], blue: [0.15, 0.06], white: d65)
    /// P3 primaries, D65.
    public static let p3D65 = Chromaticities(red: [0.680, 0.320], green: [0.265, 0.690], blue: [0.150, 0.060], white: d65)
    /// ITU-R BT.2020 primaries, D65.
    public static let rec2020 = Chromaticities(red: [0.708, 0.292], green: [0.170, 0.797], blue: [0.131, 0.046], white: d65)

    /// Primaries of a colour space by its name in the ACES configs (canonical names and common aliases).
    /// Returns nil for names we cannot vouch for, and for data (`Raw`), which has no primaries.
    public static func of(colorspace name: String) -> Chromaticities? {
        switch name {
        case "ACES2065-1", "aces2065_1", "ACES - ACES2065-1", "lin_ap0": return .ap0
        case "ACEScg", "ACES - ACEScg", "lin_ap1", "ACEScct", "ACES - ACEScct", "acescct_ap1", "ACEScc", "ACES - ACEScc", "acescc_ap1":
            return .ap1
        case "Linear Rec.709 (sRGB)", "lin_rec709_srgb", "lin_rec709", "lin_srgb", "Utility - Linear - sRGB", "Utility - Linear - Rec.709",
             "sRGB - Texture", "srgb_tx", "Utility - sRGB - Texture", "srgb_texture":
            return .rec709
        case "Linear P3-D65", "lin_p3d65": return .p3D65
        case "Linear Rec.2020", "lin_rec2020": return .rec2020
        default: return nil
        }
    }
}
