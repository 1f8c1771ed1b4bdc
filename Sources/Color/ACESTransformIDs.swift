/// The Academy's ACES 1.3 transform IDs (`urn:ampas:aces:transformId:v1.5:…`) for the colour spaces
/// and display/view pairs of the ACES CG config, as AMF files name them. The official config's
/// colour space and view transform descriptions list the same IDs; the tests compare against them.
public enum ACESTransformIDs {
    public static let prefix = "urn:ampas:aces:transformId:v1.5:"
    /// The ACES 1.0 Reference Rendering Transform, unchanged through ACES 1.3 (aces-dev `RRT.ctl`).
    public static let rrt = prefix + "RRT.a1.0.3"

    /// How an ACES output transform is identified: an RRT + ODT pair (ACES 1.0 SDR outputs) or one
    /// combined RRTODT (the ACES 1.1 HDR outputs, which have no separate ODT).
    public enum Output: Sendable, Equatable {
        case rrtAndODT(rrt: String, odt: String)
        case rrtODT(String)
    }

    /// The ACES output transform a display/view pair of the ACES CG config applies, or nil for
    /// views that are no ACES output transform (`Un-tone-mapped`, `Raw`) and pairs it does not know.
    public static func output(display: String, view: String) -> Output? {
        switch (display, view) {
        case ("sRGB - Display", "ACES 1.0 - SDR Video"): return .rrtAndODT(rrt: rrt, odt: prefix + "ODT.Academy.RGBmonitor_100nits_dim.a1.0.3")
        case ("Rec.1886 Rec.709 - Display", "ACES 1.0 - SDR Video"): return .rrtAndODT(rrt: rrt, odt: prefix + "ODT.Academy.Rec709_100nits_dim.a1.0.3")
        case ("P3-D65 - Display", "ACES 1.0 - SDR Cinema"): return .rrtAndODT(rrt: rrt, odt: prefix + "ODT.Academy.P3D65_48nits.a1.1.0")
        case ("Rec.2100-PQ - Display", "ACES 1.1 - HDR Video (1000 nits & Rec.2020 lim)"):
            return .rrtODT(prefix + "RRTODT.Academy.Rec2020_1000nits_15nits_ST2084.a1.1.0")
        case ("ST2084-P3-D65 - Display", "ACES 1.1 - HDR Video (1000 nits & P3 lim)"):
            return .rrtODT(prefix + "RRTODT.Academy.P3D65_1000nits_15nits_ST2084.a1.1.0")
        default: return nil
        }
    }

    /// The ACES colour space conversion from `colorspace` (a canonical name or alias) to ACES2065-1,
    /// or nil where the Academy defines none (ACES2065-1 itself, the Utility spaces, Raw).
    public static func toACES(colorspace: String) -> String? {
        switch colorspace {
        case "ACEScg", "ACES - ACEScg", "lin_ap1": return prefix + "ACEScsc.Academy.ACEScg_to_ACES.a1.0.3"
        case "ACEScct", "ACES - ACEScct", "acescct_ap1": return prefix + "ACEScsc.Academy.ACEScct_to_ACES.a1.0.3"
        case "ACEScc", "ACES - ACEScc", "acescc_ap1": return prefix + "ACEScsc.Academy.ACEScc_to_ACES.a1.0.3"
        default: return nil
        }
    }

    /// True for the names of ACES2065-1 itself.
    public static func isACES2065(_ colorspace: String) -> Bool {
        ["ACES2065-1", "ACES - ACES2065-1", "aces2065_1", "lin_ap0"].contains(colorspace)
    }
}
