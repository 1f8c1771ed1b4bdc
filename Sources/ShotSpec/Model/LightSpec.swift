/// A light placed in the scene (`shot.lights[i]`): a point, spot or rectangular area emitter
/// with a colour (temperature in kelvin, or an RGB in an OCIO colour space) and a photometric
/// power (lumens, or nits for an area light). See Docs/shot-spec.md ("Lights").
public struct LightSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Emits equally in every direction; `radius` > 0 makes a visible bulb of that size.
        case point(radius: Double)
        /// A point emitting into a cone about `direction`: `coneAngle` is the full angle in
        /// degrees, `blend` the fraction of it (from the edge inward) over which it fades.
        case spot(direction: SIMD3<Double>, coneAngle: Double, blend: Double)
        /// A one-sided Lambertian rectangle centred on the position, facing `direction`;
        /// `width` runs horizontally, `height` across it. `samples` shadow rays per shaded point.
        case area(direction: SIMD3<Double>, width: Double, height: Double, samples: Int)
    }

    public enum Color: Sendable, Equatable {
        /// A black body of this temperature (Planckian locus), kelvin.
        case temperature(Double)
        /// An RGB in an OCIO colour space; only its chromaticity is used (the power sets the level).
        case rgb(SIMD3<Double>, colorspace: String)
    }

    public enum Power: Sendable, Equatable {
        /// Luminous flux in lumens.
        case lumens(Double)
        /// Luminance in cd/m² (area lights only).
        case nits(Double)
    }

    public var name: String
    public var kind: Kind
    public var position: SIMD3<Double>
    public var color: Color
    public var power: Power

    public init(name: String, kind: Kind, position: SIMD3<Double>, color: Color, power: Power) {
        self.name = name
        self.kind = kind
        self.position = position
        self.color = color
        self.power = power
    }
}
