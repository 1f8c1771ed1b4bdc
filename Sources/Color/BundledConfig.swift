import Foundation

/// Finds the ACES config that ships in `ColorConfigs/`.
public enum BundledConfig {
    public static let fileName = "aces-1.3-scenefarm.ocio"

    /// The first existing candidate: `$SCENEFARM_HOME/ColorConfigs`, beside the executable
    /// (installed layout `…/share/scenefarm/ColorConfigs`), or the source checkout.
    public static var path: String? {
        candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    static var candidates: [String] {
        var roots: [URL] = []
        if let home = ProcessInfo.processInfo.environment["SCENEFARM_HOME"] { roots.append(URL(fileURLWithPath: home)) }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        // .build/<triple>/<config>/scenefarm → the checkout is three or four levels up.
        var dir = executable
        for _ in 0..<5 {
            roots.append(dir)
            roots.append(dir.appendingPathComponent("share/scenefarm"))
            dir = dir.deletingLastPathComponent()
        }
        // This source file lives at Sources/Color/; the checkout is two levels up.
        roots.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent())
        return roots.map { $0.appendingPathComponent("ColorConfigs").appendingPathComponent(fileName).path }
    }
}
