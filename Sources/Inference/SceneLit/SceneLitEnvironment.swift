import Color
import Foundation
import ShotSpec

/// The shot's surroundings: radiance in every direction (ACEScg) and the sun as a directional light.
struct SceneLitEnvironment: Sendable {
    enum Source: Sendable {
        case sky(PreethamSky, below: SIMD3<Double>?)
        case map(LatLongMap)
        case uniform(SIMD3<Double>)
    }

    let source: Source
    /// Unit vector towards the sun.
    let sunDirection: SIMD3<Double>
    /// Irradiance on a surface facing the sun (zero when there is no sun).
    let sunIrradiance: SIMD3<Double>

    /// `groundAlbedo` is the ground surface's mean ACEScg albedo (`SceneSurface.meanAlbedo`:
    /// converted from its colour space by OCIO, averaged over a checker, tiles or an image).
    init(spec: ShotSpec, config: ColorConfig, groundAlbedo: SIMD3<Float>) throws(GeneratorError) {
        switch spec.environment {
        case .uniform(let radiance):
            source = .uniform(radiance)
            sunDirection = SIMD3(0, 1, 0)
            sunIrradiance = .zero
        case .hdri(let hdri):
            source = .map(try SceneLitHDRI.load(hdri, config: config))
            sunDirection = SIMD3(0, 1, 0)
            sunIrradiance = .zero
        case .sky(let sky):
            let (elevation, azimuth) = Self.sunAngles(sky.sun)
            let model = PreethamSky(elevationDegrees: elevation, azimuthDegrees: azimuth, turbidity: sky.turbidity, intensity: sky.intensity)
            sunDirection = model.sunDirection
            sunIrradiance = sky.sunEnabled ? model.sunIrradiance(elevationDegrees: elevation) : .zero
            var below: SIMD3<Double>?
            if spec.ground.enabled {
                // Below the horizon the ground is what a surface sees: its albedo times the light
                // it receives, spread as a Lambertian reflector (used by SH and reflections only).
                var skyIrradiance = SIMD3<Double>.zero
                let steps = 32
                for i in 0..<steps {
                    for j in 0..<(2 * steps) {
                        let u1 = (Double(i) + 0.5) / Double(steps), phi = (Double(j) + 0.5) * Double.pi / Double(steps)
                        let r = u1.squareRoot()
                        let d = SIMD3(r * cos(phi), (1 - u1).squareRoot(), r * sin(phi))
                        skyIrradiance += model.radiance(d)
                    }
                }
                skyIrradiance *= Double.pi / Double(2 * steps * steps)
                let albedo = SIMD3<Double>(groundAlbedo)
                below = albedo * (skyIrradiance + sunIrradiance * max(0, sunDirection.y)) / Double.pi
            }
            source = .sky(model, below: below)
        }
    }

    static func sunAngles(_ placement: SkySpec.SunPlacement) -> (Double, Double) {
        switch placement {
        case .angles(let elevation, let azimuth): return (elevation, azimuth)
        case .location(let latitude, let longitude, let date, let time, let offset):
            let d = date.split(separator: "-").compactMap { Int($0) }
            let t = time.split(separator: ":").compactMap { Int($0) }
            guard d.count == 3, t.count >= 2 else { return (35, 135) }
            return SolarPosition.angles(
                latitude: latitude, longitude: longitude, year: d[0], month: d[1], day: d[2], hour: t[0], minute: t[1], utcOffsetHours: offset
            )
        }
    }

    /// Radiance arriving from direction `d` (unit), sun disc excluded.
    func radiance(_ d: SIMD3<Double>) -> SIMD3<Double> {
        switch source {
        case .uniform(let l): return l
        case .map(let map): return SIMD3<Double>(map.lookup(SIMD3<Float>(d)))
        case .sky(let model, let below):
            if d.y < 0, let below { return below }
            return model.radiance(d)
        }
    }

    /// A lat-long table of `radiance` (used for backgrounds and reflections in the pixel loop).
    func map(width: Int, height: Int) -> LatLongMap {
        switch source {
        case .map(let hdri):
            return hdri.width > width ? hdri.downsampled(width: width, height: height) : hdri
        case .sky(let model, let below):
            // `radiance` without re-reading the enum per texel (a background is millions of texels).
            if let below { return LatLongMap(width: width, height: height) { d in d.y < 0 ? below : model.radiance(d) } }
            return LatLongMap(width: width, height: height) { model.radiance($0) }
        case .uniform:
            return LatLongMap(width: width, height: height, radiance)
        }
    }
}
