import Foundation

/// The clear-sky model of Preetham, Shirley & Smits, "A Practical Analytic Model for Daylight"
/// (SIGGRAPH 1999): Perez sky luminance and chromaticity distributions fitted by turbidity, and
/// the sun's spectral attenuation through Rayleigh and aerosol (Ångström) scattering.
///
/// World axes: +y up, +z north, +x east. Radiance is scene-linear ACEScg in SceneFarm units
/// (`unitsPerNit` maps cd/m² to pixel values: a sunlit white surface reads about 2.5–6).
struct PreethamSky: Sendable {
    /// Pixel value per cd/m²: 1.0 = 5000 cd/m², a photographic exposure for daylight.
    static let unitsPerNit = 2.0e-4
    /// Extraterrestrial solar illuminance, lux.
    static let solarIlluminance = 128_000.0
    /// Angular radius of the sun's disc, radians.
    static let sunAngularRadius = 0.2667 * Double.pi / 180

    let sunDirection: SIMD3<Double>
    let thetaSun: Double
    let turbidity: Double
    let intensity: Double
    let perezY: [Double], perezX: [Double], perezYc: [Double]
    let zenithY: Double, zenithX: Double, zenithYc: Double
    /// The Perez functions at the zenith (Y, x, y): constant per sky, taken once.
    let zenithPerez: SIMD3<Double>
    /// Fades the sky through civil twilight when the sun is below the horizon (Preetham stops at it).
    let twilight: Double

    init(elevationDegrees: Double, azimuthDegrees: Double, turbidity t: Double, intensity: Double) {
        sunDirection = Self.direction(elevationDegrees: elevationDegrees, azimuthDegrees: azimuthDegrees)
        let elevation = max(elevationDegrees, 0.5)
        thetaSun = (90 - elevation) * Double.pi / 180
        turbidity = t
        self.intensity = intensity
        twilight = elevationDegrees >= 0 ? 1 : max(0, 1 + elevationDegrees / 12)
        perezY = [0.1787 * t - 1.4630, -0.3554 * t + 0.4275, -0.0227 * t + 5.3251, 0.1206 * t - 2.5771, -0.0670 * t + 0.3703]
        perezX = [-0.0193 * t - 0.2592, -0.0665 * t + 0.0008, -0.0004 * t + 0.2125, -0.0641 * t - 0.8989, -0.0033 * t + 0.0452]
        perezYc = [-0.0167 * t - 0.2608, -0.0950 * t + 0.0092, -0.0079 * t + 0.2102, -0.0441 * t - 1.6537, -0.0109 * t + 0.0529]
        let chi = (4.0 / 9 - t / 120) * (Double.pi - 2 * thetaSun)
        zenithY = ((4.0453 * t - 4.9710) * tan(chi) - 0.2155 * t + 2.4192) * 1000
        let th = thetaSun, th2 = th * th, th3 = th2 * th, t2 = t * t
        zenithX = t2 * (0.00166 * th3 - 0.00375 * th2 + 0.00209 * th)
            + t * (-0.02903 * th3 + 0.06377 * th2 - 0.03202 * th + 0.00394)
            + (0.11693 * th3 - 0.21196 * th2 + 0.06052 * th + 0.25886)
        zenithYc = t2 * (0.00275 * th3 - 0.00610 * th2 + 0.00317 * th)
            + t * (-0.04214 * th3 + 0.08970 * th2 - 0.04153 * th + 0.00516)
            + (0.15346 * th3 - 0.26756 * th2 + 0.06670 * th + 0.26688)
        zenithPerez = SIMD3(
            Self.perez(perezY, cosTheta: 1, gamma: thetaSun), Self.perez(perezX, cosTheta: 1, gamma: thetaSun),
            Self.perez(perezYc, cosTheta: 1, gamma: thetaSun)
        )
    }

    /// Unit vector towards elevation/azimuth (azimuth clockwise from north, +z north, +x east).
    static func direction(elevationDegrees: Double, azimuthDegrees: Double) -> SIMD3<Double> {
        let e = elevationDegrees * Double.pi / 180, a = azimuthDegrees * Double.pi / 180
        return SIMD3(cos(e) * sin(a), sin(e), cos(e) * cos(a))
    }

    private static func perez(_ c: [Double], cosTheta: Double, gamma: Double) -> Double {
        perez(c, cosTheta: cosTheta, gamma: gamma, cosGamma: cos(gamma))
    }

    @inline(__always)
    private static func perez(_ c: [Double], cosTheta: Double, gamma: Double, cosGamma: Double) -> Double {
        (1 + c[0] * exp(c[1] / cosTheta)) * (1 + c[2] * exp(c[3] * gamma) + c[4] * cosGamma * cosGamma)
    }

    /// Sky radiance towards `d` (unit), ACEScg units; directions below the horizon read the horizon.
    func radiance(_ d: SIMD3<Double>) -> SIMD3<Double> {
        let cosTheta = max(d.y, 0.01)
        let gamma = acos(min(1, max(-1, (d * sunDirection).sum())))
        let cosGamma = cos(gamma)
        let lum = zenithY * Self.perez(perezY, cosTheta: cosTheta, gamma: gamma, cosGamma: cosGamma) / zenithPerez.x
        let x = zenithX * Self.perez(perezX, cosTheta: cosTheta, gamma: gamma, cosGamma: cosGamma) / zenithPerez.y
        let y = zenithYc * Self.perez(perezYc, cosTheta: cosTheta, gamma: gamma, cosGamma: cosGamma) / zenithPerez.z
        guard lum > 0, y > 1e-4 else { return .zero }
        let X = x * lum / y, Z = (1 - x - y) * lum / y
        let rgb = Self.xyzToACEScg(SIMD3(X, lum, Z))
        return pointwiseMax(rgb, .zero) * (Self.unitsPerNit * intensity * twilight)
    }

    /// Sun irradiance on a surface facing it, ACEScg units: Rayleigh and aerosol transmittance at
    /// 680/550/440 nm over the relative optical air mass (Kasten & Young 1989).
    func sunIrradiance(elevationDegrees: Double) -> SIMD3<Double> {
        guard elevationDegrees > 0 else { return .zero }
        let zenithDeg = 90 - elevationDegrees
        let airMass = 1 / (cos(zenithDeg * Double.pi / 180) + 0.50572 * pow(96.07995 - zenithDeg, -1.6364))
        let beta = 0.04608 * turbidity - 0.04586
        let lambdas = SIMD3<Double>(0.680, 0.550, 0.440)
        var transmittance = SIMD3<Double>.zero
        for i in 0..<3 {
            let rayleigh = 0.008735 * pow(lambdas[i], -4.08)
            let aerosol = beta * pow(lambdas[i], -1.3)
            transmittance[i] = exp(-airMass * (rayleigh + aerosol))
        }
        return transmittance * (Self.solarIlluminance * Self.unitsPerNit * intensity)
    }

    /// CIE XYZ to ACEScg (AP1, D60).
    static func xyzToACEScg(_ v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(
            1.6410234 * v.x - 0.3248033 * v.y - 0.2364247 * v.z,
            -0.6636629 * v.x + 1.6153316 * v.y + 0.0167563 * v.z,
            0.0117219 * v.x - 0.0082844 * v.y + 0.9883949 * v.z
        )
    }
}
