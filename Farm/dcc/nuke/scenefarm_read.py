"""SceneFarm plates in Nuke: a Read node for a published version, set from the plate itself.

Paste into Nuke's Script Editor (or put on NUKE_PATH and `import scenefarm_read`), with the
project's colour management set to OCIO and the same ACES config (Project Settings → Color →
OCIO config: custom, pointing at ColorConfigs/aces-1.3-scenefarm.ocio, or $OCIO), then:

    scenefarm_read.read_version("/mnt/plates/demo/sh010/plates/bg/v003")

It makes a Read node over `<base>.####.exr` with the frame range 1001… found on disk, the colour
space from the frames' `scenefarm/colorspace` header attribute (the canonical OCIO name) and sets
the project's rate from `framesPerSecond` (24000/1001 → 23.976…). Not tested in CI: SceneFarm's
test machines have no Nuke licence.
"""
import glob
import os
import re

import nuke

FRAME = re.compile(r"^(?P<base>.+)\.(?P<frame>\d{4,})\.exr$")


def read_version(folder):
    """A Read node for the EXR sequence in `folder`; returns it."""
    found = {}
    for path in glob.glob(os.path.join(folder, "*.exr")):
        m = FRAME.match(os.path.basename(path))
        if m:
            found.setdefault((m.group("base"), len(m.group("frame"))), []).append(int(m.group("frame")))
    if len(found) != 1:
        raise ValueError(f"{folder}: expected one <base>.####.exr sequence, found {sorted(found)}")
    (base, padding), frames = next(iter(found.items()))
    first, last = min(frames), max(frames)
    node = nuke.nodes.Read(file=os.path.join(folder, f"{base}.{'#' * padding}.exr").replace(os.sep, "/"))
    for knob, value in (("first", first), ("last", last), ("origfirst", first), ("origlast", last)):
        node[knob].setValue(value)
    node["on_error"].setValue("error")
    meta = node.metadata()
    colorspace = meta.get("exr/scenefarm/colorspace", "ACES2065-1")
    node["colorspace"].setValue(colorspace)  # never "default (linear)": that would read AP0 as the working space
    rate = meta.get("exr/framesPerSecond") or meta.get("input/frame_rate")
    if rate:
        nuke.root()["fps"].setValue(float(rate))
    nuke.root()["first_frame"].setValue(first)
    nuke.root()["last_frame"].setValue(last)
    return node
