import Foundation

/// `scenefarm inspect`'s library: one EXR file, or a sequence given as a folder or a pattern.
public enum PlateInspector {
    /// The report for one path.
    public enum Report: Sendable {
        case file(FrameInspection)
        case sequence(SequenceInspection)

        public var text: String {
            switch self {
            case .file(let f): return f.text
            case .sequence(let s): return s.text
            }
        }

        /// The frames of a sequence that did not read, each with its error (none for a file: a
        /// file that does not read is thrown).
        public var damaged: [SequenceInspection.DamagedFrame] {
            if case .sequence(let s) = self { return s.damaged }
            return []
        }

        /// True when frames are missing from the sequence, its frames differ in size or channels,
        /// or any sample is NaN or infinite.
        public var hasProblems: Bool {
            switch self {
            case .file(let f): return f.nanCount + f.infCount > 0
            case .sequence(let s): return !s.missing.isEmpty || s.layouts.count > 1 || s.nanCount + s.infCount > 0
            }
        }
    }

    /// Inspects `path`: an EXR file, a folder holding a sequence, or `name.####.exr` / `name.%04d.exr`.
    /// Throws `.io` when nothing is there (the CLI's exit 2), `.exr` when a file cannot be decoded.
    public static func inspect(_ path: String) throws(PlateError) -> Report {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if !isDirectory.boolValue { return .file(try FrameInspection.read(path)) }
            let folder = URL(fileURLWithPath: path)
            guard let pattern = SequencePattern.find(in: folder) else {
                throw .io(path: path, message: "no numbered EXR frames (name.1001.exr) in this folder")
            }
            return .sequence(try SequenceInspection.read(pattern))
        }
        guard let pattern = SequencePattern.parse(path) else {
            throw .io(path: path, message: "no such file or folder")
        }
        guard FileManager.default.fileExists(atPath: pattern.folder.path) else {
            throw .io(path: pattern.folder.path, message: "no such folder")
        }
        return .sequence(try SequenceInspection.read(pattern))
    }
}
