/// Every bound the spec loader enforces before it allocates or recurses, by name.
/// Docs/shot-spec.md ("Limits") lists them with the reason for each; the coordinator applies
/// the same ones to a `SUBMIT`'s `specText`.
public enum SpecLimits {
    /// Bytes of spec text. A hand-written spec is a few KB; 1 MiB leaves room for thousands of objects.
    public static let maxBytes = 1 << 20
    /// Nesting levels of lists and mappings. The deepest spec field is six levels down
    /// (`shot.objects[i].material.base_color[j]`); plugin params get the rest.
    public static let maxDepth = 32
    /// Values (scalars, lists, mappings) in the document once YAML aliases are expanded, so a
    /// "billion laughs" of nested aliases stops after this many instead of filling memory.
    public static let maxValues = 100_000
    /// Characters in any one string value (paths fit in PATH_MAX).
    public static let maxStringLength = 4096
    /// Characters in a name (show, shot, scene, plate, object): the plate file
    /// `<shot>_<plate>_<version>.<frame>.exr` must fit the 255-byte file name limit.
    public static let maxNameLength = 64
    /// Objects in a scene: each becomes radiosity patches in the lighting solve.
    public static let maxObjects = 1000
    /// Lights in a scene (`shot.lights`): every light adds a shadow ray (an area light
    /// `samples` of them) to every shaded pixel and to every radiosity patch.
    public static let maxLights = 64
    /// Shadow rays per shaded point for one area light.
    public static let maxLightSamples = 256
    /// Light power: lumens or nits (a 1 kW HMI is about 100 000 lm; a bare filament about 10⁷ nits).
    public static let maxLightPower = 100_000_000.0
    /// Colour temperature in kelvin: the range of the Kim et al. Planckian-locus fit the generator uses.
    public static let lightTemperatureKelvin = 1667.0...25000.0
    /// Radius in metres of a point light's visible bulb.
    public static let maxLightRadius = 10.0
    /// Camera exposure adjustment in stops, either way.
    public static let maxExposureStops = 20.0
    /// Keyframed camera moves.
    public static let maxMoves = 1000
    /// Largest magnitude of a position, target or move in metres (a scene 2000 km across).
    public static let maxCoordinate = 1_000_000.0
    /// Largest object size, radius or height in metres.
    public static let maxSize = 100_000.0
    /// Largest intensity, radiance, emission or exposure multiplier.
    public static let maxIntensity = 1_000_000.0
    /// Largest speed in m/s and mass in kg for dynamic objects.
    public static let maxSpeed = 10_000.0
    public static let maxMass = 1_000_000.0
    /// Largest numerator or denominator of a rational frame rate (120000/1001 needs 120000).
    public static let maxFrameRateTerm = 1_000_000
    /// Highest frame number: frame numbers are written with at least four digits, and the
    /// sequence must stay within seven.
    public static let maxFrameNumber = 9_999_999
    /// Frames in one shot.
    public static let maxFrames = 1_000_000
    /// Pixels in one frame (8192×4320, DCI 8K): a Float32 RGBA frame is then 566 MB, and a node
    /// holds a few at once (generate, convert, blend).
    public static let maxPixels = 8192 * 4320
}
