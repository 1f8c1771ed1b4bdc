#!/usr/bin/env python3
"""SceneFarm reference process plugin (protocol 1): a deterministic animated field in ACEScg.

Not a neural network: it exists so the plugin protocol can be exercised end to end without
weights or a GPU. Each frame is a pure function of (frame number, shot fps, resolution, seed):
three drifting sinusoidal gradients around mid grey (0.18), a moving HDR highlight (peak 4.0)
and a small hash-based grain. Given conditioning frames it blends the first frames of the chunk
toward the newest conditioning frame (weight 0.5, halving each frame), so sequential
conditioning is visible in the output.

params (shot.generator.params):
  seed: int         grain seed (default 0)
  speed: number     animation speed multiplier (default 1)
  mode: string      normal | crash | hang | garbage | short | wrong_size | out_of_order | slow | error
  delay_s: number   sleep per frame in mode slow (default 0.2)
Environment: REFPLUGIN_MODE sets the default mode; hang_startup and crash_startup act before the
hello line. Fault modes exist for the host's tests; see Docs/inference.md.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from scenefarm_plugin import Channel, log  # noqa: E402

NAME = "reference-field"
VERSION = "1.0.0"
MODES = ["normal", "crash", "hang", "garbage", "short", "wrong_size", "out_of_order", "slow", "error"]
PARAMS = ["seed", "speed", "mode", "delay_s"]


def field(frame, shot_first, fps, width, height, seed, speed):
    """Frame `frame` as float32 (h, w, 4) scene-linear ACEScg."""
    num, den = fps
    t = (frame - shot_first) * den / num * speed
    x = (np.arange(width, dtype=np.float64) + 0.5) / width
    y = (np.arange(height, dtype=np.float64) + 0.5) / height
    X, Y = np.meshgrid(x, y)
    two_pi = 2 * np.pi
    r = 0.18 * (1 + 0.8 * np.sin(two_pi * (X + 0.25 * t)))
    g = 0.18 * (1 + 0.8 * np.sin(two_pi * (Y - 0.2 * t) + 1.0))
    b = 0.18 * (1 + 0.8 * np.cos(two_pi * (X + Y + 0.1 * t)))
    cx, cy = 0.5 + 0.3 * np.cos(t), 0.5 + 0.3 * np.sin(t)
    spot = 4.0 * np.exp(-((X - cx) ** 2 + (Y - cy) ** 2) / 0.002)
    grain = 0.01 * hash_noise(width, height, frame, seed)
    out = np.empty((height, width, 4), dtype=np.float64)
    out[..., 0] = r + spot + grain
    out[..., 1] = g + spot + grain
    out[..., 2] = b + spot + grain
    out[..., 3] = 1.0
    return out


def hash_noise(width, height, frame, seed):
    """Integer hash of (x, y, frame, seed) in [0, 1): the same on every machine, no RNG state."""
    xs = np.arange(width, dtype=np.uint32)[None, :]
    ys = np.arange(height, dtype=np.uint32)[:, None]
    h = (xs * np.uint32(73856093)) ^ (ys * np.uint32(19349663))
    h = h ^ np.uint32((frame * 83492791) & 0xFFFFFFFF) ^ np.uint32(seed & 0xFFFFFFFF)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0x5BD1E995)
    h = h ^ (h >> np.uint32(15))
    return h.astype(np.float64) / 4294967296.0


def main():
    channel = Channel()
    default_mode = os.environ.get("REFPLUGIN_MODE", "normal")
    if default_mode == "hang_startup":
        while True:
            time.sleep(60)
    if default_mode == "crash_startup":
        log("reference plugin: cannot start (simulated)")
        sys.exit(4)

    channel.hello(NAME, VERSION, deterministic=True, conditioning_frames=2, max_frames_per_call=400,
                  max_width=8192, max_height=8192)
    task, conditioning = channel.read_task()
    if task is None:
        return  # a capabilities probe

    params = task.get("params") or {}
    for key in params:
        if key not in PARAMS:
            channel.error(f"unknown parameter; the reference plugin takes {', '.join(PARAMS)}", field=key)
            sys.exit(2)
    mode = params.get("mode", default_mode)
    if mode not in MODES:
        channel.error(f"'{mode}' is not one of {', '.join(MODES)}", field="mode")
        sys.exit(2)
    seed = int(params.get("seed", 0))
    speed = float(params.get("speed", 1.0))
    num, den = (int(v) for v in task["fps"].split("/"))
    width, height = task["resolution"]["width"], task["resolution"]["height"]
    first, last = task["frames"]["first"], task["frames"]["last"]
    shot_first = task["shot_frames"]["first"]
    log(f"reference plugin: frames {first}-{last} at {width}x{height}, {len(conditioning)} conditioning frames, mode {mode}")

    if mode == "hang":
        while True:
            time.sleep(60)
    if mode == "garbage":
        channel.out.write(b"Loading checkpoint shards: 100%\x00\xff\xfe\n")
        channel.out.flush()
        time.sleep(30)
        return
    if mode == "error":
        channel.error("simulated model failure: CUDA out of memory")
        sys.exit(1)

    numbers = list(range(first, last + 1))
    if mode == "out_of_order":
        numbers.reverse()
    for index, number in enumerate(numbers):
        image = field(number, shot_first, (num, den), width, height, seed, speed)
        if conditioning:
            # The previous chunk's newest frame pulls the first frames toward it, fading out.
            weight = 0.5 * 0.5 ** (number - first)
            image = (1 - weight) * image + weight * conditioning[-1].astype(np.float64)
        frame = image.astype(np.float32)
        if mode == "slow":
            time.sleep(float(params.get("delay_s", 0.2)))
        channel.progress(index, len(numbers))
        if mode == "short":
            payload = frame.astype("<f4").tobytes()
            channel.send({"type": "frame", "frame": number, "width": width, "height": height,
                          "channels": 4, "bytes": len(payload)})
            channel.out.write(payload[: len(payload) // 2])
            channel.out.flush()
            return
        if mode == "wrong_size":
            frame = np.concatenate([frame, frame[:, :1]], axis=1)
        channel.frame(task, number, frame)
        if mode == "crash":
            for line in range(25):
                log(f"reference plugin: simulated traceback line {line}")
            log("RuntimeError: simulated crash after the first frame")
            sys.exit(3)
    channel.done()


if __name__ == "__main__":
    main()
