#!/usr/bin/env python3
"""Checks a review movie against OpenColorIO's rendering of the plates it was made from.

    check_review.py PLATE_DIR MOVIE COLORSPACE DISPLAY VIEW [FED_FRAMES]

Prints one JSON object: ffprobe's colour tags, rate, timecode and (HEVC) mastering-display
metadata, and the difference between the decoded frames (ffmpeg, back to RGB with the stream's
own matrix) and the official ACES CG config's DISPLAY/VIEW rendering of each EXR frame (pip
OpenColorIO, OpenEXR's reader), in code values of the stream's bit depth: mean, 99th percentile
and maximum over all samples. With FED_FRAMES (a copy of the raw rgb48le frames the review writer
piped into ffmpeg), "fed_vs_ocio" compares them with the official rendering before any encoding, in
16-bit code values: the colour of the review, apart from the codec.
"""
import json
import pathlib
import subprocess
import sys

import numpy as np
import OpenEXR
import PyOpenColorIO as OCIO

OFFICIAL = "ocio://cg-config-v1.0.0_aces-v1.3_ocio-v2.1"


def probe(movie):
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", movie],
                         check=True, capture_output=True, text=True).stdout
    info = json.loads(out)
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    timecode = video.get("tags", {}).get("timecode") or next(
        (s.get("tags", {}).get("timecode") for s in info["streams"] if s.get("tags", {}).get("timecode")), None)
    frames = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-read_intervals", "%+#1",
                             "-show_frames", "-of", "json", movie], check=True, capture_output=True, text=True).stdout
    side = json.loads(frames)["frames"][0].get("side_data_list", [])
    mastering = next((d for d in side if d.get("side_data_type") == "Mastering display metadata"), None)
    return video, timecode, mastering


def main():
    if len(sys.argv) not in (6, 7):
        sys.exit(__doc__)
    plate_dir, movie, colorspace, display, view = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
    video, timecode, mastering = probe(movie)
    width, height = int(video["width"]), int(video["height"])
    bits = 10 if "10" in video["pix_fmt"] else 8
    matrix = {"bt709": "bt709", "bt2020nc": "bt2020"}[video["color_space"]]
    def decode(path):
        raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-vf",
                              f"scale=in_color_matrix={matrix}:in_range=tv:flags=accurate_rnd+full_chroma_int",
                              "-f", "rawvideo", "-pix_fmt", "rgb48le", "-"], check=True, capture_output=True).stdout
        return np.frombuffer(raw, dtype="<u2").reshape(-1, height, width, 3).astype(np.float64) / 65535

    decoded = decode(movie)

    official = OCIO.Config.CreateFromFile(OFFICIAL)
    transform = OCIO.DisplayViewTransform(src=colorspace, display=display, view=view)
    cpu = official.getProcessor(transform).getDefaultCPUProcessor()
    frames = sorted(plate_dir.glob("*.exr"))
    if len(frames) != decoded.shape[0]:
        sys.exit(f"{len(frames)} plates but {decoded.shape[0]} movie frames")
    diffs, rendered = [], []
    for path, got in zip(frames, decoded):
        with OpenEXR.File(str(path), separate_channels=True) as exr:
            ch = exr.channels()
            rgb = np.ascontiguousarray(np.stack([ch[c].pixels for c in "RGB"], axis=-1).astype(np.float32))
        cpu.applyRGB(rgb)
        full = np.clip(np.nan_to_num(rgb.astype(np.float64)), 0, 1)
        rendered.append(full)
        diffs.append(np.abs(got - full[:height, :width]).ravel() * (2 ** bits - 1))
    d = np.concatenate(diffs)
    stats = lambda x: {"mean": float(x.mean()), "p50": float(np.median(x)), "p99": float(np.percentile(x, 99)), "max": float(x.max())}
    fed = None
    if len(sys.argv) == 7:
        raw = np.fromfile(sys.argv[6], dtype="<u2").astype(np.float64)
        want = np.array(rendered).ravel()
        if raw.size != want.size:
            sys.exit(f"{sys.argv[6]}: {raw.size} samples fed, {want.size} rendered")
        fed = stats(np.abs(raw - want * 65535))
    print(json.dumps({
        "codec": video["codec_name"], "pix_fmt": video["pix_fmt"], "color_primaries": video.get("color_primaries"),
        "color_transfer": video.get("color_transfer"), "color_space": video.get("color_space"),
        "color_range": video.get("color_range"), "r_frame_rate": video["r_frame_rate"], "timecode": timecode,
        "frames": int(decoded.shape[0]), "mastering_display": mastering, "bits": bits,
        "code_values": stats(d), "fed_vs_ocio": fed,
    }))


if __name__ == "__main__":
    main()
