/// The camera: lens, placement, keyframed moves and shutter.
public struct CameraSpec: Sendable, Equatable {
    public var focalLengthMM: Double
    public var sensorWidthMM: Double
    public var position: SIMD3<Double>
    public var target: SIMD3<Double>
    /// Shutter angle in degrees; 0 disables motion blur.
    public var shutterAngle: Double
    public var moves: [CameraMove]
    /// Aperture as an f-number; nil is a pinhole (everything sharp).
    public var fStop: Double? = nil
    /// Distance in metres from the lens to the plane in focus, along the view axis; nil focuses
    /// on the target.
    public var focusDistance: Double? = nil
    /// Natural vignetting: image irradiance falls off as cos⁴ of the angle off the optical axis.
    public var vignetting = false
    /// Exposure adjustment in stops (scene-linear gain 2^exposure).
    public var exposure = 0.0
    /// Sensor noise standard deviation at mid grey (0.18), as a fraction of it; 0 is off.
    public var grain = 0.0

    public static let `default` = CameraSpec(
        focalLengthMM: 35, sensorWidthMM: 36, position: [0, 1.6, 6], target: [0, 0.8, 0],
        shutterAngle: 0, moves: []
    )
}

/// One keyframed camera move between two frame numbers.
public struct CameraMove: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Camera travels to `to` (target fixed) or `distance` metres along the view direction.
        case dolly
        /// Camera and target rise by `height` metres.
        case crane
        /// Camera turns left/right by `degrees` (yaw about its own position).
        case pan
        /// Camera turns up/down by `degrees` (pitch about its own position).
        case tilt
        /// Camera circles the target by `degrees` around the vertical axis.
        case orbit
    }

    public enum Easing: String, Sendable, CaseIterable {
        case linear
        case easeIn = "ease_in"
        case easeOut = "ease_out"
        case easeInOut = "ease_in_out"
    }

    public var kind: Kind
    public var startFrame: Int
    public var endFrame: Int
    public var easing: Easing
    /// Destination position (dolly with `to`).
    public var to: SIMD3<Double>?
    /// Metres (dolly distance, crane height) or degrees (pan, tilt, orbit).
    public var amount: Double
}

/// The lighting environment: an analytic sky with sun, or an HDRI.
public enum EnvironmentSpec: Sendable, Equatable {
    case sky(SkySpec)
    case hdri(HDRISpec)
    /// A constant radiance in every direction (no sun): for calibration and tests.
    case uniform(radiance: SIMD3<Double>)
}

public struct SkySpec: Sendable, Equatable {
    public enum SunPlacement: Sendable, Equatable {
        /// Degrees above the horizon and clockwise from north (+z is north... see Docs/shot-spec.md).
        case angles(elevation: Double, azimuth: Double)
        case location(latitude: Double, longitude: Double, date: String, time: String, utcOffsetHours: Double)
    }

    public var sun: SunPlacement
    /// Atmospheric turbidity, 1.7 (very clear) … 10 (hazy).
    public var turbidity: Double
    /// Multiplier on sky and sun radiance.
    public var intensity: Double
    public var sunEnabled: Bool
}

public struct HDRISpec: Sendable, Equatable {
    /// Absolute path of a lat-long EXR (resolved against the spec's folder).
    public var path: String
    /// Rotation about the vertical axis, degrees.
    public var rotation: Double
    /// Exposure adjustment in stops.
    public var exposure: Double
    /// Colour space of the HDRI's pixels.
    public var colorspace: String
}

/// Surface appearance; base colour is stored as given and converted to ACEScg by the generator.
public struct MaterialSpec: Sendable, Equatable {
    public var baseColor: SIMD3<Double>
    /// OCIO colour space (or role) the base colour is given in.
    public var colorspace: String
    public var roughness: Double
    public var metallic: Double
    public var emission: SIMD3<Double>
    public var emissionStrength: Double
    /// Checkerboard: side of one square in metres (0: none), projected along the surface's
    /// dominant axis; squares alternate between `baseColor` and `checkerColor`.
    public var checkerSize = 0.0
    /// The checkerboard's second colour, in `colorspace`.
    public var checkerColor = SIMD3<Double>(0, 0, 0)
    /// Tiles instead of a checkerboard when above 0: grout lines this wide (metres) in
    /// `checkerColor` between square tiles of side `checkerSize` in `baseColor`.
    public var tileGrout = 0.0
    /// Value or gradient (Perlin) noise instead of a checkerboard: `checkerSize` is the largest
    /// feature, and the albedo varies between `baseColor` and `checkerColor`.
    public var noise = ProceduralNoise.none
    /// Share of light that passes through the surface as through smooth glass or water (0:
    /// opaque, 1: a clear dielectric); refraction and Fresnel reflection follow `ior`.
    public var transmission = 0.0
    /// Index of refraction of the object's inside (air outside is 1): 1.33 water, 1.5 glass.
    public var ior = 1.5
    /// Colour one passage through a transmissive object keeps, in `colorspace` (1: clear).
    public var tint = SIMD3<Double>(1, 1, 1)
    /// An image giving the albedo in place of `baseColor` (and of a checker), tiled over the
    /// surface along its dominant axis.
    public var texture: TextureSpec?

    public static let `default` = MaterialSpec(
        baseColor: [0.5, 0.5, 0.5], colorspace: "ACEScg", roughness: 0.5, metallic: 0,
        emission: [0, 0, 0], emissionStrength: 0
    )
}

/// An image texture: an OpenEXR file, or a PNG for a path ending in `.png`, whose RGB is in
/// `colorspace`, one repeat every `scale` metres.
public struct TextureSpec: Sendable, Equatable {
    /// Absolute path of the image file.
    public var path: String
    /// OCIO colour space of the pixels (for example `sRGB - Texture` for display-referred paint).
    public var colorspace: String
    /// Side of one repeat of the image, metres.
    public var scale: Double
}

public struct GroundSpec: Sendable, Equatable {
    public var enabled: Bool
    public var height: Double
    public var material: MaterialSpec
    public var restitution: Double
    public var friction: Double
    /// Rolling-resistance coefficient; a contact's is the product of both sides' values. The
    /// default 0.5 with an object's 0.1 gives 0.05, a ball on a rough floor or short grass.
    public var rollingFriction = 0.5
}

public struct ObjectSpec: Sendable, Equatable {
    public enum Shape: Sendable, Equatable {
        case sphere(radius: Double)
        case box(size: SIMD3<Double>)
        case cylinder(radius: Double, height: Double)
    }

    public var name: String
    public var shape: Shape
    public var position: SIMD3<Double>
    public var material: MaterialSpec
    /// Dynamic objects fall under gravity and collide; static ones stay put.
    public var dynamic: Bool
    public var velocity: SIMD3<Double>
    public var mass: Double
    public var restitution: Double
    public var friction: Double
    /// Rolling-resistance coefficient (spheres); a contact's is the product of both sides' values.
    public var rollingFriction = 0.1
}
