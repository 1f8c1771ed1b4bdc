#!/usr/bin/env python3
"""Checks written plates against the official ACES CG config's conversion of the generator frames.

    check_plates.py SOURCE_DIR PLATE_DIR COLORSPACE

SOURCE_DIR holds the generator's frames exactly (a render to ACEScg, float: ACEScg -> ACEScg is
no conversion at all); PLATE_DIR holds the same frames as half-float plates in COLORSPACE. Both are
read with OpenEXR's own Python reader; the expected plate is the official config
(ocio://cg-config-v1.0.0_aces-v1.3_ocio-v2.1, evaluated by pip OpenColorIO) converting each
Float32 source pixel from ACEScg to COLORSPACE, rounded to half. Prints one JSON object with the
largest distance in half-float ulps (non-finite values must match exactly) and exits 1 when it
is over 1.
"""
import json
import pathlib
import sys

import numpy as np
import OpenEXR
import PyOpenColorIO as OCIO

OFFICIAL = "ocio://cg-config-v1.0.0_aces-v1.3_ocio-v2.1"


def read(path):
    with OpenEXR.File(str(path), separate_channels=True) as exr:
        channels = exr.channels()
        return {name: np.asarray(channels[name].pixels) for name in channels}


def ordered(h):
    """Half bit patterns as integers that increase with the value, across zero."""
    bits = h.view(np.uint16).astype(np.int32)
    magnitude = bits & 0x7FFF
    return np.where(bits & 0x8000, -magnitude, magnitude)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    source_dir, plate_dir, colorspace = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
    official = OCIO.Config.CreateFromFile(OFFICIAL)
    processor = official.getProcessor("ACEScg", colorspace).getDefaultCPUProcessor()
    sources = sorted(source_dir.glob("*.exr"))
    plates = sorted(plate_dir.glob("*.exr"))
    frame = lambda p: p.name.split(".")[-2]
    if not sources or [frame(p) for p in sources] != [frame(p) for p in plates]:
        sys.exit(f"frames differ: {[p.name for p in sources]} vs {[p.name for p in plates]}")
    worst, values, nonfinite_mismatch, types, worst_at = 0, 0, 0, set(), None
    for src_path, plate_path in zip(sources, plates):
        src, plate = read(src_path), read(plate_path)
        if src["R"].dtype != np.float32:
            sys.exit(f"{src_path} is {src['R'].dtype}, not the generator's Float32 frame")
        source = np.ascontiguousarray(np.stack([src["R"], src["G"], src["B"]], axis=-1).reshape(-1, 3))
        rgb = source.copy()
        processor.applyRGB(rgb)
        for c, name in enumerate("RGB"):
            types.add(str(plate[name].dtype))
            expected = rgb[:, c].astype(np.float16)
            got = plate[name].reshape(-1)
            if got.dtype != np.float16:
                sys.exit(f"{plate_path}: channel {name} is {got.dtype}, not half")
            finite = np.isfinite(expected) & np.isfinite(got)
            same_nonfinite = (np.isnan(expected) == np.isnan(got)) & (np.isinf(expected) == np.isinf(got))
            nonfinite_mismatch += int((~same_nonfinite).sum())
            ulps = np.abs(ordered(expected[finite]) - ordered(got[finite]))
            if ulps.size and int(ulps.max()) > worst:
                worst = int(ulps.max())
                i = int(np.argwhere(finite).ravel()[ulps.argmax()])
                worst_at = {"frame": plate_path.name, "channel": name, "pixel": i,
                            "source": source[i].tolist(), "expected": float(expected[i]), "got": float(got[i])}
            values += int(finite.sum())
        if "A" in plate and "A" in src:
            nonfinite_mismatch += int((plate["A"].astype(np.float32) != src["A"].astype(np.float16).astype(np.float32)).sum())
    report = {"colorspace": colorspace, "frames": len(plates), "values": values, "max_half_ulps": worst,
              "mismatches_nonfinite_or_alpha": nonfinite_mismatch, "worst": worst_at, "types": sorted(types)}
    print(json.dumps(report))
    sys.exit(0 if worst <= 1 and nonfinite_mismatch == 0 else 1)


if __name__ == "__main__":
    main()
