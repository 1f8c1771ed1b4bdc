"""Plugin-side helpers for the SceneFarm process-plugin protocol (version 1).

Shared by reference_plugin.py and skeleton_video_model.py; copy it next to your own plugin.
The protocol is documented in Docs/inference.md. In short: JSON lines on stdin/stdout, pixels
as raw little-endian Float32 after a header line, logs on stderr only.
"""

import json
import os
import struct
import sys

import numpy as np

PROTOCOL = 1


class Channel:
    """The plugin's end of the pipes. Anything printed with print() goes to stderr, because a
    stray line on stdout would break the protocol."""

    def __init__(self):
        self.inp = sys.stdin.buffer
        self.out = sys.stdout.buffer
        sys.stdout = sys.stderr

    def send(self, message):
        self.out.write((json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8"))
        self.out.flush()

    def hello(self, name, version, deterministic, conditioning_frames, max_frames_per_call,
              max_width=16384, max_height=16384):
        self.send({
            "type": "hello", "protocol": PROTOCOL, "name": name, "version": version,
            "deterministic": deterministic, "conditioning_frames": conditioning_frames,
            "max_frames_per_call": max_frames_per_call, "max_width": max_width, "max_height": max_height,
        })

    def read_message(self):
        """The next JSON line from the node, or None at EOF (a capabilities probe sends no task)."""
        while True:
            line = self.inp.readline()
            if not line:
                return None
            if line.strip():
                return json.loads(line)

    def read_task(self):
        """The task and its conditioning frames (float32 arrays of shape (h, w, 4), oldest first),
        or (None, []) when the node only wanted the hello."""
        task = self.read_message()
        if task is None:
            return None, []
        if task.get("type") != "task" or task.get("protocol") != PROTOCOL:
            raise SystemExit(f"expected a protocol {PROTOCOL} task, got {task!r}")
        conditioning = []
        for _ in range(task["conditioning_frames"]):
            header = self.read_message()
            data = self.inp.read(header["bytes"])
            if data is None or len(data) != header["bytes"]:
                raise SystemExit("stdin ended inside a conditioning frame")
            shape = (header["height"], header["width"], header["channels"])
            conditioning.append(np.frombuffer(data, dtype="<f4").reshape(shape))
        return task, conditioning

    def progress(self, done, total, message=None):
        msg = {"type": "progress", "done": done, "total": total}
        if message:
            msg["message"] = message
        self.send(msg)

    def frame(self, task, number, rgba):
        """Sends one scene-linear ACEScg frame, shape (h, w, 3 or 4), as the task asks: raw
        Float32 on stdout, or an EXR file in the task's frame_directory."""
        rgba = np.ascontiguousarray(rgba, dtype="<f4")
        height, width, channels = rgba.shape
        if task.get("frame_transport") == "exr":
            path = os.path.join(task["frame_directory"], f"frame.{number:07d}.exr")
            write_exr(path, rgba)
            self.send({"type": "frame", "frame": number, "width": width, "height": height,
                       "channels": channels, "path": path})
            return
        payload = rgba.tobytes()
        self.send({"type": "frame", "frame": number, "width": width, "height": height,
                   "channels": channels, "bytes": len(payload)})
        self.out.write(payload)
        self.out.flush()

    def error(self, message, field=None):
        msg = {"type": "error", "message": message}
        if field:
            msg["field"] = field
        self.send(msg)

    def done(self):
        self.send({"type": "done"})


def write_exr(path, rgba):
    """A minimal uncompressed scanline OpenEXR writer (FLOAT channels), so plugins need no
    OpenEXR package to use the `exr` frame transport."""
    height, width, channels = rgba.shape
    names = ["R", "G", "B", "A"][:channels]
    order = sorted(range(channels), key=lambda i: names[i])  # EXR stores channels by name

    def attribute(name, kind, value):
        return name.encode() + b"\0" + kind.encode() + b"\0" + struct.pack("<i", len(value)) + value

    chlist = b"".join(names[i].encode() + b"\0" + struct.pack("<iB3xii", 2, 0, 1, 1) for i in order) + b"\0"
    box = struct.pack("<iiii", 0, 0, width - 1, height - 1)
    header = (b"\x76\x2f\x31\x01" + struct.pack("<i", 2)
              + attribute("channels", "chlist", chlist)
              + attribute("compression", "compression", b"\0")
              + attribute("dataWindow", "box2i", box)
              + attribute("displayWindow", "box2i", box)
              + attribute("lineOrder", "lineOrder", b"\0")
              + attribute("pixelAspectRatio", "float", struct.pack("<f", 1.0))
              + attribute("screenWindowCenter", "v2f", struct.pack("<ff", 0.0, 0.0))
              + attribute("screenWindowWidth", "float", struct.pack("<f", 1.0))
              + b"\0")
    line_bytes = width * channels * 4
    first = len(header) + 8 * height
    offsets = struct.pack(f"<{height}Q", *[first + y * (8 + line_bytes) for y in range(height)])
    planar = np.ascontiguousarray(rgba[:, :, order].transpose(0, 2, 1), dtype="<f4")
    with open(path + ".tmp", "wb") as f:
        f.write(header + offsets)
        for y in range(height):
            f.write(struct.pack("<ii", y, line_bytes) + planar[y].tobytes())
    os.replace(path + ".tmp", path)


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)
