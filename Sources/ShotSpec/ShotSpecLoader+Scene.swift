import Foundation
import ImageCore

extension ShotSpecLoader {
    // MARK: - Camera

    static func camera(_ field: SpecField?) throws(SpecError) -> CameraSpec {
        var camera = CameraSpec.default
        guard let field else { return camera }
        let obj = try field.object(allowed: ["focal_length_mm", "sensor_width_mm", "position", "target", "shutter_angle", "moves", "f_stop", "focus_distance", "vignetting", "exposure", "grain"])
        if let f = obj.optional("focal_length_mm") { camera.focalLengthMM = try f.double(in: 1...2000) }
        if let f = obj.optional("sensor_width_mm") { camera.sensorWidthMM = try f.double(in: 1...200) }
        if let f = obj.optional("position") { camera.position = try f.vector3(within: SpecLimits.maxCoordinate) }
        if let f = obj.optional("target") { camera.target = try f.vector3(within: SpecLimits.maxCoordinate) }
        if let f = obj.optional("shutter_angle") { camera.shutterAngle = try f.double(in: 0...360) }
        if let f = obj.optional("f_stop") { camera.fStop = try f.double(in: 0.5...128) }
        if let f = obj.optional("focus_distance") {
            guard camera.fStop != nil else { throw f.fail("focus_distance needs f_stop (without an aperture everything is in focus)") }
            camera.focusDistance = try size(f)
        }
        if let f = obj.optional("vignetting") { camera.vignetting = try f.bool() }
        if let f = obj.optional("exposure") { camera.exposure = try f.double(in: -SpecLimits.maxExposureStops...SpecLimits.maxExposureStops) }
        if let f = obj.optional("grain") { camera.grain = try f.double(in: 0...1) }
        guard simd_length(camera.target - camera.position) > 1e-6 else {
            throw (obj.optional("target") ?? field).fail("the camera target must differ from its position")
        }
        if let f = obj.optional("moves") {
            camera.moves = []
            let items = try f.items()
            guard items.count <= SpecLimits.maxMoves else { throw f.fail("\(items.count) moves; a camera may have at most \(SpecLimits.maxMoves)") }
            for item in items { camera.moves.append(try move(item, target: camera.target)) }
        }
        return camera
    }

    static func move(_ field: SpecField, target: SIMD3<Double>) throws(SpecError) -> CameraMove {
        let amounts = ["to", "distance", "height", "degrees"]
        let obj = try field.object(allowed: ["type", "start", "end", "easing"] + amounts)
        let kindField = try obj.required("type")
        let kind = CameraMove.Kind(rawValue: try kindField.oneOf(CameraMove.Kind.allCases.map(\.rawValue)))!
        let amountKeys: [String]
        switch kind {
        case .dolly: amountKeys = ["to", "distance"]
        case .crane: amountKeys = ["height"]
        case .pan, .tilt, .orbit: amountKeys = ["degrees"]
        }
        for key in amounts where !amountKeys.contains(key) {
            if let wrong = obj.optional(key) {
                throw wrong.fail("a \(kind.rawValue) move has no \(key); it takes \(amountKeys.joined(separator: " or "))")
            }
        }
        let frames = -SpecLimits.maxFrameNumber...SpecLimits.maxFrameNumber
        let start = try obj.required("start").int(in: frames)
        let endField = try obj.required("end")
        let end = try endField.int(in: frames)
        guard end > start else { throw endField.fail("move ends at frame \(end), which is not after its start frame \(start)") }
        let easing = try obj.optional("easing").map { f throws(SpecError) in
            CameraMove.Easing(rawValue: try f.oneOf(CameraMove.Easing.allCases.map(\.rawValue)))!
        } ?? .easeInOut
        let amountField = try obj.exactlyOne(of: amountKeys)
        var move = CameraMove(kind: kind, startFrame: start, endFrame: end, easing: easing, to: nil, amount: 0)
        if amountField.path.hasSuffix(".to") {
            let to = try amountField.vector3(within: SpecLimits.maxCoordinate)
            // The camera looks at its target: standing on it leaves no direction to look in.
            guard simd_length(target - to) > 1e-6 else { throw amountField.fail("a dolly cannot end on the camera target") }
            move.to = to
        } else {
            // Degrees (pan, tilt, orbit) and metres (dolly distance, crane height) share one bound.
            move.amount = try amountField.double(in: -SpecLimits.maxCoordinate...SpecLimits.maxCoordinate)
        }
        return move
    }

    // MARK: - Environment

    static func environment(_ field: SpecField?, baseDirectory: URL) throws(SpecError) -> EnvironmentSpec {
        guard let field else {
            return .sky(SkySpec(sun: .angles(elevation: 35, azimuth: 135), turbidity: 3, intensity: 1, sunEnabled: true))
        }
        let obj = try field.object(allowed: ["sky", "hdri", "uniform"])
        let which = try obj.exactlyOne(of: ["sky", "hdri", "uniform"])
        switch which.path.split(separator: ".").last {
        case "sky": return .sky(try sky(which))
        case "hdri": return .hdri(try hdri(which, baseDirectory: baseDirectory))
        default:
            let u = try which.object(allowed: ["radiance"])
            let radiance = try u.required("radiance").vector3(within: SpecLimits.maxIntensity)
            guard radiance.min() >= 0 else { throw try u.required("radiance").fail("radiance must not be negative") }
            return .uniform(radiance: radiance)
        }
    }

    static func sky(_ field: SpecField) throws(SpecError) -> SkySpec {
        // `sky:` with nothing under it is the default sky.
        if case .null = field.value { return try sky(SpecField(.object([], line: field.value.line), path: field.path)) }
        let obj = try field.object(allowed: [
            "sun_elevation", "sun_azimuth", "latitude", "longitude", "date", "time", "utc_offset", "turbidity", "intensity", "sun",
        ])
        var sky = SkySpec(sun: .angles(elevation: 35, azimuth: 135), turbidity: 3, intensity: 1, sunEnabled: true)
        let byAngle = obj.has("sun_elevation") || obj.has("sun_azimuth")
        let byPlace = ["latitude", "longitude", "date", "time", "utc_offset"].contains(where: obj.has)
        if byAngle && byPlace {
            throw field.fail("place the sun either by sun_elevation/sun_azimuth or by latitude/longitude/date/time, not both")
        }
        if byPlace {
            let date = try obj.required("date")
            let dateText = try date.string()
            guard Self.parseDate(dateText) != nil else { throw date.fail("'\(dateText)' is not a date; use YYYY-MM-DD") }
            let time = try obj.required("time")
            let timeText = try time.string()
            guard Self.parseTime(timeText) != nil else { throw time.fail("'\(timeText)' is not a time of day; use HH:MM") }
            sky.sun = .location(
                latitude: try obj.required("latitude").double(in: -90...90),
                longitude: try obj.required("longitude").double(in: -180...180),
                date: dateText, time: timeText,
                utcOffsetHours: try obj.optional("utc_offset")?.double(in: -14...14) ?? 0
            )
        } else {
            sky.sun = .angles(
                elevation: try obj.optional("sun_elevation")?.double(in: -90...90) ?? 35,
                azimuth: try obj.optional("sun_azimuth")?.double(in: -360...360) ?? 135
            )
        }
        if let f = obj.optional("turbidity") { sky.turbidity = try f.double(in: 1.7...10) }
        if let f = obj.optional("intensity") { sky.intensity = try f.double(in: 0...SpecLimits.maxIntensity) }
        if let f = obj.optional("sun") { sky.sunEnabled = try f.bool() }
        return sky
    }

    /// An input file's absolute path, relative ones taken from the spec's folder: a readable
    /// regular file (never a FIFO or device that would block the read), or an error naming it.
    static func inputPath(_ pathField: SpecField, baseDirectory: URL, what: String) throws(SpecError) -> String {
        let raw = try pathField.string()
        let url = raw.hasPrefix("/") ? URL(fileURLWithPath: raw) : baseDirectory.appendingPathComponent(raw)
        do {
            try InputFile.check(url.path)
        } catch .missing {
            throw pathField.fail("\(what) file '\(SpecField.escaped(url.path))' does not exist or cannot be read")
        } catch {
            throw pathField.fail("\(what) file '\(SpecField.escaped(url.path))' \(error.reason)")
        }
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw pathField.fail("\(what) file '\(SpecField.escaped(url.path))' does not exist or cannot be read")
        }
        return url.standardizedFileURL.path
    }

    static func hdri(_ field: SpecField, baseDirectory: URL) throws(SpecError) -> HDRISpec {
        let obj = try field.object(allowed: ["path", "rotation", "exposure", "colorspace"])
        return HDRISpec(
            path: try inputPath(obj.required("path"), baseDirectory: baseDirectory, what: "HDRI"),
            rotation: try obj.optional("rotation")?.double(in: -360...360) ?? 0,
            exposure: try obj.optional("exposure")?.double(in: -20...20) ?? 0,
            colorspace: try obj.optional("colorspace")?.string() ?? "ACES2065-1"
        )
    }

    /// `YYYY-MM-DD`, a real calendar day (2024-02-30 is refused).
    static func parseDate(_ text: String) -> (year: Int, month: Int, day: Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { ("0"..."9").contains($0) } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month) else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return nil }
        return (year, month, day)
    }

    /// `HH:MM` or `HH:MM:SS`, 24-hour clock.
    static func parseTime(_ text: String) -> (hour: Int, minute: Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, (1...2).contains(parts[0].count), parts.dropFirst().allSatisfy({ $0.count == 2 }),
              parts.allSatisfy({ $0.allSatisfy { ("0"..."9").contains($0) } }) else { return nil }
        let numbers = parts.compactMap { Int($0) }
        guard numbers.count == parts.count, (0...23).contains(numbers[0]), (0...59).contains(numbers[1]),
              numbers.count == 2 || (0...59).contains(numbers[2]) else { return nil }
        return (numbers[0], numbers[1])
    }

    // MARK: - Ground, objects, materials

    static func ground(_ field: SpecField?, baseDirectory: URL) throws(SpecError) -> GroundSpec {
        var ground = GroundSpec(enabled: true, height: 0, material: .default, restitution: 0.5, friction: 0.5)
        ground.material.baseColor = [0.35, 0.35, 0.35]
        guard let field else { return ground }
        let obj = try field.object(allowed: ["enabled", "height", "material", "restitution", "friction", "rolling_friction"])
        if let f = obj.optional("enabled") { ground.enabled = try f.bool() }
        if let f = obj.optional("height") { ground.height = try f.double(in: -SpecLimits.maxCoordinate...SpecLimits.maxCoordinate) }
        if let f = obj.optional("material") { ground.material = try material(f, baseDirectory: baseDirectory) }
        if let f = obj.optional("restitution") { ground.restitution = try f.double(in: 0...1) }
        if let f = obj.optional("friction") { ground.friction = try f.double(in: 0...10) }
        if let f = obj.optional("rolling_friction") { ground.rollingFriction = try f.double(in: 0...1) }
        return ground
    }

    /// A length in metres: greater than 0, at most `SpecLimits.maxSize`.
    static func size(_ field: SpecField) throws(SpecError) -> Double {
        let d = try field.positiveDouble()
        guard d <= SpecLimits.maxSize else { throw field.fail("\(SpecField.format(d)) m is above the maximum of \(SpecField.format(SpecLimits.maxSize))") }
        return d
    }

    static func objects(_ field: SpecField?, baseDirectory: URL) throws(SpecError) -> [ObjectSpec] {
        guard let field else { return [] }
        var objects: [ObjectSpec] = []
        var names = Set<String>()
        let items = try field.items()
        guard items.count <= SpecLimits.maxObjects else { throw field.fail("\(items.count) objects; a scene may hold at most \(SpecLimits.maxObjects)") }
        for item in items {
            let obj = try item.object(allowed: [
                "name", "shape", "position", "radius", "size", "height", "material", "dynamic", "velocity", "mass",
                "restitution", "friction", "rolling_friction",
            ])
            let nameField = try obj.required("name")
            let name = try nameField.name()
            guard names.insert(name).inserted else { throw nameField.fail("another object is already called '\(name)'") }
            let shapeField = try obj.required("shape")
            let shapeName = try shapeField.oneOf(["sphere", "box", "cylinder"])
            let allowedSizeKeys: [String] = switch shapeName {
            case "sphere": ["radius"]
            case "box": ["size"]
            default: ["radius", "height"]
            }
            for key in ["radius", "size", "height"] where obj.has(key) && !allowedSizeKeys.contains(key) {
                throw try obj.required(key).fail("a \(shapeName) has no \(key); it takes \(allowedSizeKeys.joined(separator: " and "))")
            }
            let shape: ObjectSpec.Shape
            switch shapeName {
            case "sphere":
                shape = .sphere(radius: try size(obj.required("radius")))
            case "box":
                let sizeField = try obj.required("size")
                let sides = try sizeField.vector3(within: SpecLimits.maxSize)
                guard sides.min() > 0 else { throw sizeField.fail("every side must be greater than 0") }
                shape = .box(size: sides)
            default:
                shape = .cylinder(radius: try size(obj.required("radius")), height: try size(obj.required("height")))
            }
            objects.append(ObjectSpec(
                name: name,
                shape: shape,
                position: try obj.required("position").vector3(within: SpecLimits.maxCoordinate),
                material: try obj.optional("material").map { f throws(SpecError) in try material(f, baseDirectory: baseDirectory) } ?? .default,
                dynamic: try obj.optional("dynamic")?.bool() ?? false,
                velocity: try obj.optional("velocity")?.vector3(within: SpecLimits.maxSpeed) ?? .zero,
                mass: try obj.optional("mass").map { f throws(SpecError) in
                    let mass = try f.positiveDouble()
                    guard mass <= SpecLimits.maxMass else { throw f.fail("\(SpecField.format(mass)) kg is above the maximum of \(SpecField.format(SpecLimits.maxMass))") }
                    return mass
                } ?? 1,
                restitution: try obj.optional("restitution")?.double(in: 0...1) ?? 0.5,
                friction: try obj.optional("friction")?.double(in: 0...10) ?? 0.5,
                rollingFriction: try obj.optional("rolling_friction")?.double(in: 0...1) ?? 0.1
            ))
        }
        return objects
    }

    static func material(_ field: SpecField, baseDirectory: URL) throws(SpecError) -> MaterialSpec {
        let obj = try field.object(allowed: [
            "base_color", "colorspace", "roughness", "metallic", "emission", "emission_strength", "checker", "transmission", "ior", "tint", "texture", "tiles", "noise",
        ])
        var m = MaterialSpec.default
        if let f = obj.optional("base_color") {
            m.baseColor = try f.vector3()
            guard m.baseColor.min() >= 0 else { throw f.fail("colour components must not be negative") }
            // An albedo above 1 reflects more light than arrives; the lighting solve would not converge.
            guard m.baseColor.max() <= 1 else { throw f.fail("colour components must be at most 1 (a surface reflects at most the light it receives)") }
        }
        if let f = obj.optional("colorspace") { m.colorspace = try f.string() }
        if let f = obj.optional("roughness") { m.roughness = try f.double(in: 0...1) }
        if let f = obj.optional("metallic") { m.metallic = try f.double(in: 0...1) }
        if let f = obj.optional("emission") {
            m.emission = try f.vector3(within: SpecLimits.maxIntensity)
            guard m.emission.min() >= 0 else { throw f.fail("emission must not be negative") }
        }
        if let f = obj.optional("emission_strength") { m.emissionStrength = try f.double(in: 0...SpecLimits.maxIntensity) }
        // The procedural patterns share the checker's size and second colour; one at most.
        for pattern in ["checker", "noise", "tiles"] {
            guard let f = obj.optional(pattern) else { continue }
            guard m.checkerSize == 0 else { throw f.fail("give only one of checker, noise, tiles") }
            let fields = try f.object(allowed: pattern == "tiles" ? ["size", "grout", "color"] : pattern == "noise" ? ["size", "color", "type"] : ["size", "color"])
            m.checkerSize = try size(fields.required("size"))
            if pattern == "noise" {
                let kind = try fields.optional("type")?.oneOf(["value", "perlin"]) ?? "value"
                m.noise = kind == "perlin" ? .perlin : .value
            }
            if pattern == "tiles" {
                let groutField = try fields.required("grout")
                m.tileGrout = try size(groutField)
                guard m.tileGrout < m.checkerSize / 2 else {
                    throw groutField.fail("grout must be narrower than half the tile size (\(SpecField.format(m.checkerSize / 2)) m)")
                }
            }
            let colorField = try fields.required("color")
            m.checkerColor = try colorField.vector3()
            guard m.checkerColor.min() >= 0, m.checkerColor.max() <= 1 else {
                throw colorField.fail("colour components must be 0 … 1 (a surface reflects at most the light it receives)")
            }
        }
        if let f = obj.optional("texture") {
            guard m.checkerSize == 0 else { throw f.fail("give only one of checker, noise, tiles, texture") }
            let texture = try f.object(allowed: ["path", "colorspace", "scale"])
            m.texture = TextureSpec(
                path: try inputPath(texture.required("path"), baseDirectory: baseDirectory, what: "texture"),
                colorspace: try texture.optional("colorspace")?.string() ?? "ACEScg",
                scale: try texture.optional("scale").map { f throws(SpecError) in try size(f) } ?? 1
            )
        }
        if let f = obj.optional("transmission") { m.transmission = try f.double(in: 0...1) }
        // Real dielectrics span 1.0 (air) to about 2.4 (diamond); 3 leaves room for semiconductors.
        if let f = obj.optional("ior") { m.ior = try f.double(in: 1...3) }
        if let f = obj.optional("tint") {
            m.tint = try f.vector3()
            // A tint above 1 would add light on every passage through the object.
            guard m.tint.min() >= 0, m.tint.max() <= 1 else { throw f.fail("colour components must be 0 … 1 (glass keeps at most the light that enters it)") }
        }
        return m
    }
}

@inline(__always) func simd_length(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }
