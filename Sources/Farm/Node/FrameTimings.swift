import Foundation

/// Seconds a task spent on each frame it wrote, by stage, as the node measured them: RESULT's
/// `outcome.timings` (Docs/protocol.md). Optional on the wire, so older nodes still decode; the
/// coordinator feeds them to /metrics by node and keeps them with the attempt that finished the
/// task (dashboard, API, job report).
public struct FrameTimings: Sendable, Codable, Equatable {
    /// One frame's stages; a stage the frame did not go through is absent.
    public struct Frame: Sendable, Codable, Equatable {
        public var frame: Int
        /// In the generator: from the start of generation, or from the previous frame's
        /// hand-off, until the generator handed this frame over (generate tasks only). A
        /// generator that makes the whole clip before handing frames over shows it all on the
        /// first frame.
        public var generate: Double?
        /// OpenColorIO from ACEScg to the plate colour space (final frames only: overlap frames
        /// are kept scene-linear for blending).
        public var convert: Double?
        /// Encoding and writing the OpenEXR file, rename into place included.
        public var write: Double

        public init(frame: Int, generate: Double? = nil, convert: Double? = nil, write: Double) {
            self.frame = frame
            self.generate = generate
            self.convert = convert
            self.write = write
        }
    }

    /// Frames in the order they were written.
    public var frames: [Frame]

    public init(frames: [Frame] = []) {
        self.frames = frames
    }

    /// Most frames a RESULT's timings may list; a longer list is ignored whole (a task writes
    /// at most one chunk, 10.5 s of frames, plus its overlap).
    public static let maxFrames = 4096
    /// Longest stage time believed, in seconds; anything else (negative, not finite, longer)
    /// is ignored whole.
    public static let maxSeconds = 86_400.0

    /// Whether every value is one the coordinator should record (from a stranger's node).
    public var isPlausible: Bool {
        guard frames.count <= Self.maxFrames else { return false }
        func fine(_ value: Double?) -> Bool { value.map { $0.isFinite && $0 >= 0 && $0 <= Self.maxSeconds } ?? true }
        return frames.allSatisfy { fine($0.generate) && fine($0.convert) && fine($0.write) }
    }

    /// Seconds summed over the frames, by stage, with how many frames had each stage.
    public var totals: Totals {
        var totals = Totals()
        for frame in frames {
            if let seconds = frame.generate { totals.generateSeconds += seconds; totals.generateFrames += 1 }
            if let seconds = frame.convert { totals.convertSeconds += seconds; totals.convertFrames += 1 }
            totals.writeSeconds += frame.write
        }
        totals.frames = frames.count
        return totals
    }

    /// Stage seconds of a whole task, for the dashboard, the API and the job report.
    public struct Totals: Sendable, Codable, Equatable {
        public var frames = 0
        public var generateFrames = 0
        public var generateSeconds = 0.0
        public var convertFrames = 0
        public var convertSeconds = 0.0
        public var writeSeconds = 0.0
    }
}
