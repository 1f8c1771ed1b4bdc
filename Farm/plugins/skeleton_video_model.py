#!/usr/bin/env python3
"""Skeleton of a SceneFarm process plugin wrapping a diffusion or transformer video model.

Copy this file (and scenefarm_plugin.py) to a GPU host and fill in the four marked places:

  1. load_pipeline()    load weights once per process, after the hello line
  2. build_prompt()     turn the shot (task["spec"], task["params"]) into model inputs
  3. generate_clip()    run the model for the chunk, conditioned on the previous chunk's frames
  4. to_acescg()        convert the model's output (usually display-referred sRGB in [0, 1]) to
                        scene-linear ACEScg Float32

The node starts one process per chunk (`generate` call): hello, task, frames, done, exit. Big
models therefore pay their load time per chunk; keep weights on local NVMe or in the page cache,
and raise timeouts.startup_s / frame_s in plugins.yaml to cover load plus a whole clip.

With no model library installed (no torch/diffusers) this file still runs: it says so on stderr
and falls back to a trivial generator (a slow grey ramp), so the plumbing can be tested anywhere.
It is NOT a model; nothing here is trained or learned.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from scenefarm_plugin import Channel, log  # noqa: E402

# How many of the previous chunk's frames the model can be conditioned on (0 for text-to-video
# only models); the node sends at most this many.
CONDITIONING_FRAMES = 8
# Longest clip one call may produce: the model's native clip length (the coordinator plans chunks
# no longer than this, and never above 10.5 s of the shot's frame rate).
MAX_FRAMES_PER_CALL = 121


def load_pipeline():
    """[1] Load the model once. Returns None when no model library is installed."""
    try:
        import torch  # noqa: F401
        import diffusers  # noqa: F401
    except ImportError:
        log("skeleton_video_model: torch/diffusers not installed; using the trivial fallback "
            "generator (grey ramp), not a model")
        return None
    model_dir = os.environ.get("SCENEFARM_MODEL_DIR", "")
    # Example (adapt to your model):
    #   pipe = diffusers.DiffusionPipeline.from_pretrained(model_dir, torch_dtype=torch.float16)
    #   pipe.to("cuda"); pipe.set_progress_bar_config(disable=True)   # progress bars go to stderr anyway
    #   return pipe
    log(f"skeleton_video_model: a model library is installed but no pipeline is wired in "
        f"(SCENEFARM_MODEL_DIR={model_dir!r}); using the trivial fallback generator")
    return None


def build_prompt(task):
    """[2] Shot description to model inputs. task["spec"] is the whole shot document (JSON) and
    task["params"] its generator.params mapping, e.g. {prompt: "...", guidance: 6.0}."""
    params = task.get("params") or {}
    return {
        "prompt": params.get("prompt", ""),
        "seed": int(params.get("seed", 0)),
        "width": task["resolution"]["width"],
        "height": task["resolution"]["height"],
        "num_frames": task["frames"]["last"] - task["frames"]["first"] + 1,
        "fps": task["fps"],  # "24000/1001": keep it rational when the model takes a frame rate
    }


def generate_clip(pipeline, inputs, conditioning, on_step):
    """[3] Generate the whole chunk. `conditioning` holds the previous chunk's last frames as
    ACEScg float32 (h, w, 4), oldest first: for an image/video-conditioned model convert them
    with from_acescg() and pass them as the clip's first frames (or latents). Return a float
    array (frames, h, w, 3) in the model's own colour encoding.

    Call on_step(i, n) from the sampler's step callback: every progress line resets the node's
    frame timeout, which matters because no frame can stream until the whole clip is denoised."""
    n, h, w = inputs["num_frames"], inputs["height"], inputs["width"]
    if pipeline is not None:
        # Example:
        #   generator = torch.Generator("cuda").manual_seed(inputs["seed"])   # deterministic per chunk
        #   out = pipeline(prompt=inputs["prompt"], num_frames=n, width=w, height=h, generator=generator,
        #                  image=from_acescg(conditioning[-1]) if conditioning else None,
        #                  callback_on_step_end=lambda p, i, t, kw: (on_step(i, p.num_timesteps), kw)[1],
        #                  output_type="np").frames[0]
        #   return out
        raise NotImplementedError("wire your pipeline call here")
    # Fallback: a horizontal ramp that brightens over the clip, in display-referred [0, 1].
    ramp = np.linspace(0.05, 0.95, w, dtype=np.float32)[None, None, :, None]
    t = np.linspace(0.0, 1.0, n, dtype=np.float32)[:, None, None, None]
    clip = np.broadcast_to(ramp * (0.5 + 0.5 * t), (n, h, w, 3)).copy()
    if conditioning:
        start = from_acescg(conditioning[-1])[..., :3]
        clip[0] = 0.5 * clip[0] + 0.5 * start  # continuity with the previous chunk
    on_step(1, 1)
    return clip


# sRGB (Rec.709 primaries, D65) linear to ACEScg (AP1, D60 via Bradford), as in the ACES 1.3 config.
SRGB_TO_ACESCG = np.array([
    [0.6130974024, 0.3395231462, 0.0473794514],
    [0.0701937225, 0.9163538791, 0.0134523985],
    [0.0206155929, 0.1095697729, 0.8698146342],
])


def to_acescg(clip):
    """[4] Model output (sRGB-encoded, [0, 1]) to scene-linear ACEScg. A model trained on
    display-referred video cannot recover highlights above 1.0: that is a limit of the model,
    not of the plate, which keeps whatever linear values you send."""
    c = np.clip(clip.astype(np.float64), 0.0, 1.0)
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return (linear @ SRGB_TO_ACESCG.T).astype(np.float32)


def from_acescg(frame):
    """ACEScg (h, w, 4) back to sRGB-encoded [0, 1] (h, w, 3), for conditioning the model."""
    linear = np.clip(frame[..., :3].astype(np.float64) @ np.linalg.inv(SRGB_TO_ACESCG).T, 0.0, 1.0)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055).astype(np.float32)


def main():
    channel = Channel()
    # Hello first and fast: the node's capabilities probe reads it and then closes stdin.
    channel.hello("skeleton-video-model", "0.1.0", deterministic=True,
                  conditioning_frames=CONDITIONING_FRAMES, max_frames_per_call=MAX_FRAMES_PER_CALL)
    task, conditioning = channel.read_task()
    if task is None:
        return  # probe only: do not load weights
    pipeline = load_pipeline()
    inputs = build_prompt(task)
    clip = generate_clip(pipeline, inputs, conditioning,
                         on_step=lambda i, n: channel.progress(i, n, "denoising"))
    frames = to_acescg(clip)
    first = task["frames"]["first"]
    for index in range(frames.shape[0]):
        channel.frame(task, first + index, frames[index])  # RGB: the node adds alpha 1
    channel.done()


if __name__ == "__main__":
    main()
