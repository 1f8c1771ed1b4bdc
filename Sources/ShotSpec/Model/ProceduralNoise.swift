/// Which procedural noise a material's `noise` pattern is (`noise: {type: …}` in a shot spec).
public enum ProceduralNoise: String, Sendable, Equatable, CaseIterable {
    /// No noise pattern.
    case none
    /// Value noise: random values at the lattice points, smoothly interpolated.
    case value
    /// Perlin's gradient noise: random gradients at the lattice points, zero there.
    case perlin
}
