import Foundation

extension ShotSpecLoader {
    // MARK: - Lights

    static let lightKeys = [
        "name", "type", "position", "temperature", "color", "colorspace", "lumens", "nits", "radius", "direction",
        "cone_angle", "blend", "size", "samples",
    ]

    static func lights(_ field: SpecField?) throws(SpecError) -> [LightSpec] {
        guard let field else { return [] }
        let items = try field.items()
        guard items.count <= SpecLimits.maxLights else {
            throw field.fail("\(items.count) lights; a scene may hold at most \(SpecLimits.maxLights) (each costs shadow rays in every pixel)")
        }
        var names = Set<String>()
        var lights: [LightSpec] = []
        for item in items {
            let obj = try item.object(allowed: lightKeys)
            let nameField = try obj.required("name")
            let name = try nameField.name()
            guard names.insert(name).inserted else { throw nameField.fail("another light is already called '\(name)'") }
            let typeField = try obj.required("type")
            let type = try typeField.oneOf(["point", "spot", "area"])
            let onlyFor: [(String, [String])] = [
                ("radius", ["point"]), ("direction", ["spot", "area"]), ("cone_angle", ["spot"]), ("blend", ["spot"]),
                ("size", ["area"]), ("samples", ["area"]), ("nits", ["area"]),
            ]
            for (key, types) in onlyFor where obj.has(key) && !types.contains(type) {
                throw try obj.required(key).fail("a \(type) light has no \(key) (only \(types.joined(separator: " and ")) lights do)")
            }
            let kind: LightSpec.Kind
            switch type {
            case "point":
                kind = .point(radius: try obj.optional("radius").map { f throws(SpecError) in try f.double(in: 0...SpecLimits.maxLightRadius) } ?? 0)
            case "spot":
                kind = .spot(
                    direction: try direction(obj.required("direction")),
                    coneAngle: try obj.optional("cone_angle")?.double(in: 1...179) ?? 45,
                    blend: try obj.optional("blend")?.double(in: 0...1) ?? 0.15
                )
            default:
                let sizeField = try obj.required("size")
                let sides = try sizeField.numbers(2)
                let sideFields = try sizeField.items()
                for (i, side) in sides.enumerated() where !(side > 0 && side <= SpecLimits.maxSize) {
                    throw sideFields[i].fail("\(SpecField.format(side)) m: each side must be greater than 0 and at most \(SpecField.format(SpecLimits.maxSize))")
                }
                kind = .area(
                    direction: try direction(obj.required("direction")), width: sides[0], height: sides[1],
                    samples: try obj.optional("samples")?.int(in: 1...SpecLimits.maxLightSamples) ?? 16
                )
            }
            let color: LightSpec.Color
            if obj.has("temperature") && obj.has("color") {
                throw try obj.required("color").fail("give a light either a temperature or a color, not both")
            }
            if let f = obj.optional("color") {
                let rgb = try f.vector3(within: SpecLimits.maxIntensity)
                guard rgb.min() >= 0, rgb.max() > 0 else { throw f.fail("a light colour needs components ≥ 0, at least one above 0") }
                color = .rgb(rgb, colorspace: try obj.optional("colorspace")?.string() ?? "ACEScg")
            } else {
                if let f = obj.optional("colorspace") { throw f.fail("colorspace applies to color; a temperature is a black body, not an RGB") }
                color = .temperature(try obj.optional("temperature")?.double(in: SpecLimits.lightTemperatureKelvin) ?? 6500)
            }
            let powerField = try obj.exactlyOne(of: type == "area" ? ["lumens", "nits"] : ["lumens"])
            let amount = try powerField.double(in: 0...SpecLimits.maxLightPower)
            let power: LightSpec.Power = powerField.path.hasSuffix(".nits") ? .nits(amount) : .lumens(amount)
            lights.append(LightSpec(
                name: name, kind: kind, position: try obj.required("position").vector3(within: SpecLimits.maxCoordinate),
                color: color, power: power
            ))
        }
        return lights
    }

    /// A direction: three numbers, not all zero (normalised by the generator).
    static func direction(_ field: SpecField) throws(SpecError) -> SIMD3<Double> {
        let v = try field.vector3(within: SpecLimits.maxCoordinate)
        guard simd_length(v) > 1e-9 else { throw field.fail("a direction needs at least one non-zero component") }
        return v
    }
}
