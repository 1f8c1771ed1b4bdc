import Foundation
import ShotSpec

/// A pinhole camera at one (possibly fractional) frame, after the shot's keyframed moves.
public struct SceneLitCamera: Sendable, Equatable {
    public var position: SIMD3<Double>
    public var target: SIMD3<Double>
    /// tan(horizontal field of view / 2) = sensor width / (2 × focal length).
    public var tanHalfWidth: Double

    /// The camera at shot frame `frame` (fractional for motion-blur sub-frames).
    ///
    /// Moves apply in the order listed, each to the result of the ones before it, with its
    /// progress eased over [start, end]: a move never depends on which chunk asks.
    public static func at(_ spec: CameraSpec, frame: Double) -> SceneLitCamera {
        var position = spec.position, target = spec.target
        for move in spec.moves {
            let span = Double(move.endFrame - move.startFrame)
            let linear = min(1, max(0, (frame - Double(move.startFrame)) / span))
            let p = ease(linear, move.easing)
            guard p > 0 else { continue }
            switch move.kind {
            case .dolly:
                if let to = move.to {
                    position += (to - position) * p
                } else {
                    let view = target - position
                    let distance = length(view)
                    // Stop short of the target rather than flipping the view.
                    let travel = min(move.amount * p, distance - 0.01)
                    position += view / distance * travel
                }
            case .crane:
                position.y += move.amount * p
                target.y += move.amount * p
            case .pan:
                // Positive degrees turn right (clockwise seen from above).
                target = position + rotateY(target - position, degrees: -move.amount * p)
            case .tilt:
                let view = target - position
                let right = normalize(cross(view, SIMD3(0, 1, 0)))
                if right.x.isFinite { target = position + rotate(view, about: right, degrees: move.amount * p) }
            case .orbit:
                // Positive degrees circle counter-clockwise seen from above.
                position = target + rotateY(position - target, degrees: move.amount * p)
            }
        }
        return SceneLitCamera(position: position, target: target, tanHalfWidth: spec.sensorWidthMM / (2 * spec.focalLengthMM))
    }

    static func ease(_ p: Double, _ easing: CameraMove.Easing) -> Double {
        switch easing {
        case .linear: return p
        case .easeIn: return p * p
        case .easeOut: return 1 - (1 - p) * (1 - p)
        case .easeInOut: return p * p * (3 - 2 * p)
        }
    }

    /// Forward, right and up unit vectors.
    public var basis: (forward: SIMD3<Double>, right: SIMD3<Double>, up: SIMD3<Double>) {
        let view = target - position
        let distance = length(view)
        // A camera passing through its target (a dolly beyond it) has no view direction for that
        // instant: it keeps looking down -z instead of turning every pixel into NaN.
        let forward = distance > 1e-9 && distance.isFinite ? view / distance : SIMD3<Double>(0, 0, -1)
        var right = cross(forward, SIMD3(0, 1, 0))
        // Looking straight up or down: take north as the picture's up.
        if length(right) < 1e-6 { right = cross(forward, SIMD3(0, 0, 1)) }
        right = normalize(right)
        return (forward, right, cross(right, forward))
    }

    /// Pixel coordinates (x right, y down, pixel centres at +0.5) of a world point, nil if behind.
    public func project(_ point: SIMD3<Double>, width: Int, height: Int) -> SIMD2<Double>? {
        let (f, r, u) = basis
        let v = point - position
        let z = (v * f).sum()
        guard z > 1e-9 else { return nil }
        let sx = (v * r).sum() / z / tanHalfWidth
        let sy = (v * u).sum() / z / (tanHalfWidth * Double(height) / Double(width))
        return SIMD2((sx + 1) / 2 * Double(width), (1 - sy) / 2 * Double(height))
    }
}

@inline(__always) func length(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }
@inline(__always) func normalize(_ v: SIMD3<Double>) -> SIMD3<Double> { v / length(v) }
@inline(__always) func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// Counter-clockwise (seen from above, +y) rotation about the vertical axis.
func rotateY(_ v: SIMD3<Double>, degrees: Double) -> SIMD3<Double> {
    let a = degrees * Double.pi / 180
    return SIMD3(v.x * cos(a) + v.z * sin(a), v.y, -v.x * sin(a) + v.z * cos(a))
}

/// Rodrigues rotation of `v` about unit `axis`.
func rotate(_ v: SIMD3<Double>, about axis: SIMD3<Double>, degrees: Double) -> SIMD3<Double> {
    let a = degrees * Double.pi / 180
    return v * cos(a) + cross(axis, v) * sin(a) + axis * ((axis * v).sum() * (1 - cos(a)))
}
