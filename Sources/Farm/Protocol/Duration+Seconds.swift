/// A `Duration` as seconds for clocks that take `TimeInterval`s, logs, metrics and benches.
extension Duration {
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
