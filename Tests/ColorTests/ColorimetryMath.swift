/// Colorimetry computed in Double from chromaticities, independently of OpenColorIO, so the
/// tests compare OCIO's built-in transforms against first principles rather than against itself.
enum ColorimetryMath {
    typealias Matrix = [[Double]]
    typealias Vector = [Double]

    struct Chromaticity {
        let x: Double
        let y: Double

        /// XYZ of this chromaticity with Y = 1.
        var xyz: Vector { [x / y, 1, (1 - x - y) / y] }
    }

    struct Primaries {
        let red: Chromaticity
        let green: Chromaticity
        let blue: Chromaticity
        let white: Chromaticity
    }

    static let d65 = Chromaticity(x: 0.3127, y: 0.3290)
    /// The ACES white point (SMPTE ST 2065-1), close to but not CIE D60.
    static let acesWhite = Chromaticity(x: 0.32168, y: 0.33767)

    static let rec709 = Primaries(
        red: .init(x: 0.640, y: 0.330), green: .init(x: 0.300, y: 0.600), blue: .init(x: 0.150, y: 0.060), white: d65)
    static let ap0 = Primaries(
        red: .init(x: 0.7347, y: 0.2653), green: .init(x: 0.0, y: 1.0), blue: .init(x: 0.0001, y: -0.0770), white: acesWhite)
    static let ap1 = Primaries(
        red: .init(x: 0.713, y: 0.293), green: .init(x: 0.165, y: 0.830), blue: .init(x: 0.128, y: 0.044), white: acesWhite)

    /// AP1 → AP0 as published in the ACES specification (S-2014-004 / TB-2014-004), 10 decimals.
    static let publishedAP1toAP0: Matrix = [
        [0.6954522414, 0.1406786965, 0.1638690622],
        [0.0447945634, 0.8596711185, 0.0955343182],
        [-0.0055258826, 0.0040252103, 1.0015006723],
    ]

    /// Bradford cone response matrix (Lam 1985), the one ACES and OCIO use.
    static let bradford: Matrix = [
        [0.8951, 0.2664, -0.1614],
        [-0.7502, 1.7135, 0.0367],
        [0.0389, -0.0685, 1.0296],
    ]

    /// RGB → XYZ: the columns are the primaries' XYZ, scaled so that RGB (1,1,1) lands on the white point.
    static func rgbToXYZ(_ p: Primaries) -> Matrix {
        let columns = [p.red.xyz, p.green.xyz, p.blue.xyz]
        let unscaled: Matrix = (0..<3).map { row in columns.map { $0[row] } }
        let scale = multiply(inverse(unscaled), p.white.xyz)
        return (0..<3).map { row in (0..<3).map { col in unscaled[row][col] * scale[col] } }
    }

    /// Von Kries adaptation in Bradford cone space from one white to another.
    static func bradfordAdaptation(from source: Chromaticity, to destination: Chromaticity) -> Matrix {
        let coneSource = multiply(bradford, source.xyz)
        let coneDestination = multiply(bradford, destination.xyz)
        let gain: Matrix = (0..<3).map { row in (0..<3).map { col in row == col ? coneDestination[row] / coneSource[row] : 0 } }
        return multiply(inverse(bradford), multiply(gain, bradford))
    }

    /// RGB in `source` primaries → RGB in `destination` primaries, Bradford-adapting the white when they differ.
    static func conversion(from source: Primaries, to destination: Primaries) -> Matrix {
        let adaptation = bradfordAdaptation(from: source.white, to: destination.white)
        return multiply(inverse(rgbToXYZ(destination)), multiply(adaptation, rgbToXYZ(source)))
    }

    static func multiply(_ a: Matrix, _ b: Matrix) -> Matrix {
        (0..<3).map { row in (0..<3).map { col in (0..<3).reduce(0.0) { $0 + a[row][$1] * b[$1][col] } } }
    }

    static func multiply(_ m: Matrix, _ v: Vector) -> Vector {
        (0..<3).map { row in (0..<3).reduce(0.0) { $0 + m[row][$1] * v[$1] } }
    }

    static func inverse(_ m: Matrix) -> Matrix {
        let cofactor: (Int, Int) -> Double = { row, col in
            let r = [0, 1, 2].filter { $0 != row }
            let c = [0, 1, 2].filter { $0 != col }
            let minor = m[r[0]][c[0]] * m[r[1]][c[1]] - m[r[0]][c[1]] * m[r[1]][c[0]]
            return (row + col) % 2 == 0 ? minor : -minor
        }
        let determinant = (0..<3).reduce(0.0) { $0 + m[0][$1] * cofactor(0, $1) }
        // The adjugate is the transposed cofactor matrix.
        return (0..<3).map { row in (0..<3).map { col in cofactor(col, row) / determinant } }
    }

    /// Distance in half-float ulps between two values after each is rounded to Float16.
    static func halfUlps(_ a: Double, _ b: Double) -> Int {
        abs(orderedBits(Float16(a)) - orderedBits(Float16(b)))
    }

    /// Maps a half's bit pattern onto integers that increase with the value, across zero.
    private static func orderedBits(_ h: Float16) -> Int {
        let magnitude = Int(h.bitPattern & 0x7FFF)
        return h.sign == .minus ? -magnitude : magnitude
    }
}
