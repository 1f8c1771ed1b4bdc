import Foundation
import Testing
import TestSupport

/// Frames must be the same bits whichever node renders them, however many cores it has
/// (issue 14) and whichever CPU model: a render with 1, 2, 3 and 7 threads, and with OpenBLAS
/// forced to other CPUs' kernels, gives the same pixels, checked by OIIO's own pixel hash, and
/// the same scene lighting solve.
@Suite("pixels do not depend on the thread count", .serialized)
struct ThreadIndependenceTests {
    /// The courtyard scene (moving balls, motion blur, a lamp, GI) at 2 fps so 24 frames make
    /// two chunks and a blended boundary, at a size a debug build renders in seconds.
    static func shot() throws -> String {
        var text = try String(contentsOfFile: Repository.path("Farm/shots/courtyard_long.yaml"), encoding: .utf8)
        for (from, to) in [
            ("fps: 24\n", "fps: 2\n"), ("  seconds: 26               # 624 frames, 1001-1624\n", "  count: 24\n"),
            ("resolution: [960, 540]", "resolution: [64, 36]"), ("  version: next\n", "  version: v001\n"),
            ("  compression: dwaa\n", "  compression: zip\n  proxies: {format: none}\n"),
            ("end: 1240", "end: 1008"), ("start: 1240, end: 1480", "start: 1008, end: 1016"),
            ("start: 1420, end: 1600", "start: 1012, end: 1024"), ("start: 1480, end: 1600", "start: 1016, end: 1024"),
        ] {
            #expect(text.contains(from), "courtyard_long.yaml changed: \(from)")
            text = text.replacingOccurrences(of: from, with: to)
        }
        return text
    }

    /// One render of the test: a thread count, and optionally the OpenBLAS kernel family forced
    /// as on another CPU model (`OPENBLAS_CORETYPE`; `OPENBLAS_VERBOSE=2` makes OpenBLAS print the
    /// family it chose, so the test knows the variable took effect).
    struct Variant: CustomStringConvertible {
        var threads: Int
        var blasCore: String? = nil
        /// glibc picks FMA/AVX2 or generic variants of its maths functions by CPU; this masks
        /// the FMA and AVX2 ones, as on a CPU without them (in glibc 2.36 the generic `cosf`
        /// differs from the FMA one in about 1 of 5 M arguments, by 1 ulp).
        var withoutFMA = false
        var environment: [String: String]? {
            var values: [String: String] = [:]
            if let blasCore { values["OPENBLAS_CORETYPE"] = blasCore; values["OPENBLAS_VERBOSE"] = "2" }
            if withoutFMA { values["GLIBC_TUNABLES"] = "glibc.cpu.hwcaps=-AVX2,-FMA" }
            return values.isEmpty ? nil : values
        }
        var description: String {
            "\(threads) threads" + (blasCore.map { ", OpenBLAS \($0) kernels" } ?? "") + (withoutFMA ? ", libm without FMA" : "")
        }
    }

    /// A farm mixes rack machines of several generations, and a transfer-mode node solves the
    /// scene's lighting on its own scratch root: its frames must still be the same bits.
    /// Prescott (SSE3) and Nehalem kernels run on any x86-64 CPU, and so do glibc's generic
    /// maths functions.
    static var variants: [Variant] {
        var list = [1, 2, 3, 7].map { Variant(threads: $0) }
        #if arch(x86_64)
        list += [Variant(threads: 2, blasCore: "Prescott"), Variant(threads: 2, blasCore: "Nehalem", withoutFMA: true)]
        #endif
        return list
    }

    @Test("render with 1 (on one core), 2, 3 and 7 threads and other CPUs' OpenBLAS kernels: identical pixel hashes and lighting")
    func sameBitsForAnyThreadCount() throws {
        let dir = TemporaryDirectory("threads")
        let spec = try dir.write("shot.yaml", try Self.shot())
        var hashes: [String: [String]] = [:]
        var lighting: [String: [Float]] = [:]
        for (index, variant) in Self.variants.enumerated() {
            let out = dir.appending("v\(index)")
            // The one-thread render is also pinned to one core, as on a one-core node: libraries that
            // size their own thread pools by the cores they see (OpenBLAS) then differ too.
            let arguments = ["render", spec, "--out", out.path, "--threads", String(variant.threads)]
            let run = variant.threads == 1
                ? try Tool.run("taskset", ["-c", "0", Repository.scenefarm] + arguments)
                : try Tool.run(Repository.scenefarm, arguments, environment: variant.environment)
            #expect(run.status == 0, "\(variant): \(run.stderr)")
            if let core = variant.blasCore {
                #expect(run.stdout.contains("Core: \(core)") || run.stderr.contains("Core: \(core)"), "OpenBLAS did not switch to \(core) kernels: \(run.stderr)")
            }
            let folder = out.appendingPathComponent("demo/courtyard_020/plates/main/v001")
            let frames = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".exr") }.sorted()
            #expect(frames.count == 24)
            let info = try Tool.run("iinfo", ["--hash"] + frames.map { folder.appendingPathComponent($0).path })
            #expect(info.status == 0)
            hashes[variant.description] = info.stdout.split(separator: "\n").filter { $0.contains("SHA-1") }.map(String.init)
            #expect(hashes[variant.description]?.count == 24)
            let solves = out.appendingPathComponent(".scenefarm/lighting")
            let artifact = try #require(try FileManager.default.contentsOfDirectory(atPath: solves.path).first { $0.hasSuffix(".json") })
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: solves.appendingPathComponent(artifact))) as? [String: Any]
            lighting[variant.description] = (json?["irradiance"] as? [NSNumber])?.map(\.floatValue)
        }
        let reference = Self.variants[0].description
        #expect(hashes[reference] != nil && !(hashes[reference]!.isEmpty))
        for variant in Self.variants.dropFirst() {
            let name = variant.description
            #expect(hashes[name] == hashes[reference], "pixels with \(name) differ from \(reference)")
            let a = lighting[name] ?? [], b = lighting[reference] ?? []
            #expect(!b.isEmpty && a.count == b.count)
            let differing = zip(a, b).filter { $0.0.bitPattern != $0.1.bitPattern }.count
            #expect(differing == 0, "lighting solve with \(name): \(differing) of \(b.count) irradiance values differ from \(reference)")
        }
    }

    @Test("--threads outside 1…256 is bad input")
    func threadsOutOfRange() throws {
        let dir = TemporaryDirectory("threads")
        let spec = try dir.write("shot.yaml", try Self.shot())
        let run = try Tool.run(Repository.scenefarm, ["render", spec, "--threads", "0"])
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("error: --threads must be 1…256, got 0"))
    }
}
