import Foundation

/// The OpenTimelineIO sidecar `<baseName>.otio`: one timeline, one video track, one clip whose
/// media is an `ImageSequenceReference` over the plate's frames.
///
/// `target_url_base` is the published folder as an absolute `file://` URL: OTIO joins it to the
/// frame name verbatim and resolves nothing against the .otio file's own folder, so a relative
/// `./` would point wherever the reading application happens to run.
public struct OTIOSidecar: Sendable {
    public let sequence: PlateSequence
    /// Timeline and clip name; defaults to the sequence's base name.
    public let name: String
    /// Free-form metadata stored under `metadata.scenefarm` of the clip.
    public let metadata: [String: String]

    public init(sequence: PlateSequence, name: String? = nil, metadata: [String: String] = [:]) {
        self.sequence = sequence
        self.name = name ?? sequence.baseName
        self.metadata = metadata
    }

    /// `<baseName>.otio`
    public var fileName: String { "\(sequence.baseName).otio" }

    /// The OTIO JSON document.
    public func json() -> String {
        let rate = sequence.fps.value
        let range: [String: Any] = [
            "OTIO_SCHEMA": "TimeRange.1",
            "start_time": rationalTime(Double(sequence.frames.first), rate: rate),
            "duration": rationalTime(Double(sequence.frames.count), rate: rate),
        ]
        var base = sequence.folder.absoluteString
        if !base.hasSuffix("/") { base += "/" }
        let reference: [String: Any] = [
            "OTIO_SCHEMA": "ImageSequenceReference.1",
            "metadata": [String: Any](),
            "name": sequence.baseName,
            "available_range": range,
            "available_image_bounds": NSNull(),
            "target_url_base": base,
            "name_prefix": "\(sequence.baseName).",
            "name_suffix": ".exr",
            "start_frame": sequence.frames.first,
            "frame_step": 1,
            "rate": rate,
            "frame_zero_padding": sequence.padding,
            "missing_frame_policy": "error",
        ]
        var clipMetadata: [String: Any] = ["colorspace": sequence.colorspace, "fps": sequence.fps.description]
        for (key, value) in metadata { clipMetadata[key] = value }
        let clip: [String: Any] = [
            "OTIO_SCHEMA": "Clip.2",
            "metadata": ["scenefarm": clipMetadata],
            "name": name,
            "source_range": range,
            "effects": [Any](),
            "markers": [Any](),
            "enabled": true,
            "color": NSNull(),
            "media_references": ["DEFAULT_MEDIA": reference],
            "active_media_reference_key": "DEFAULT_MEDIA",
        ]
        let track: [String: Any] = composable("Track.1", name: "plate", children: [clip], extra: ["kind": "Video"])
        let stack: [String: Any] = composable("Stack.1", name: "tracks", children: [track], extra: [:])
        let timeline: [String: Any] = [
            "OTIO_SCHEMA": "Timeline.1",
            "metadata": [String: Any](),
            "name": name,
            // Starting the timeline at the first frame keeps frame 1001 at 1001 in editorial tools.
            "global_start_time": rationalTime(Double(sequence.frames.first), rate: rate),
            "tracks": stack,
        ]
        // Dictionaries built above hold only JSON types, so serialisation cannot fail.
        let data = (try? JSONSerialization.data(withJSONObject: timeline, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Writes the sidecar into `folder` (usually the staging folder before publish).
    @discardableResult
    public func write(into folder: URL) throws(PlateError) -> URL {
        let url = folder.appendingPathComponent(fileName)
        try AtomicFile.write(Data(json().utf8), to: url)
        return url
    }

    private func rationalTime(_ value: Double, rate: Double) -> [String: Any] {
        ["OTIO_SCHEMA": "RationalTime.1", "rate": rate, "value": value]
    }

    private func composable(_ schema: String, name: String, children: [Any], extra: [String: Any]) -> [String: Any] {
        var out: [String: Any] = [
            "OTIO_SCHEMA": schema, "metadata": [String: Any](), "name": name, "source_range": NSNull(),
            "effects": [Any](), "markers": [Any](), "enabled": true, "color": NSNull(), "children": children,
        ]
        for (key, value) in extra { out[key] = value }
        return out
    }
}
