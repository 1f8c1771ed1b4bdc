#!/usr/bin/env python3
"""Compares SceneFarm's bundled OCIO config with the official ACES CG config v1.0.0.

Both configs are evaluated by the same OpenColorIO (pip `opencolorio` >= 2.2, which carries the
official config built in as ocio://cg-config-v1.0.0_aces-v1.3_ocio-v2.1), so any difference comes
from the configs, not from two library versions. Checked:

  * structure: colour spaces (active and inactive) with aliases, family, encoding, isdata;
    roles; displays and their views in order; view transforms; looks; file rules; named transforms;
  * every colour space to and from ACES2065-1, every display/view pair from ACES2065-1 (and its
    inverse), every look and every named transform (both directions), on the same random inputs:
    [0, 1], HDR of either sign from 2^-24 to 2^17, negatives, and non-finite values.

A value passes when |ours - official| <= 1e-5 * |official| (plus 1e-12 for exact zeros) and both
are finite, or both are NaN, or both are the same infinity. Prints one JSON object (the worst
relative error per transform family and every failure) and exits 1 if anything differs.
"""
import argparse
import json
import sys

import numpy as np
import PyOpenColorIO as OCIO

OFFICIAL = "ocio://cg-config-v1.0.0_aces-v1.3_ocio-v2.1"
REFERENCE = "ACES2065-1"
RELATIVE = 1e-5
# The official config has no `rendering` role; SceneFarm adds it (generators render in ACEScg).
EXTRA_ROLES = {"rendering": "ACEScg"}


def samples(count, seed):
    rng = np.random.default_rng(seed)
    unit = rng.random((count, 3))
    hdr = rng.choice([-1.0, 1.0], (count, 3)) * np.exp2(rng.uniform(-24, 17, (count, 3)))
    negative = -np.exp2(rng.uniform(-16, 8, (count // 4, 3)))
    greys = np.repeat(np.exp2(rng.uniform(-12, 12, (count // 4, 1))), 3, axis=1)
    special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 65504.0, -65504.0, 6.1e-5, 1e-30, 1e30, 1.0, 0.18])
    mixed = rng.choice(special, (count // 4, 3))
    # A non-finite value in one channel beside ordinary values in the others.
    partly = rng.random((count // 4, 3))
    partly[np.arange(count // 4), rng.integers(0, 3, count // 4)] = rng.choice(special[:3], count // 4)
    return np.concatenate([unit, hdr, negative, greys, mixed, partly]).astype(np.float32)


def apply(processor, pixels):
    out = np.ascontiguousarray(pixels.copy())
    processor.getDefaultCPUProcessor().applyRGB(out)
    return out


def compare(ours, official):
    """(worst relative error over finite pairs, number of failing values, first failing index)."""
    nan_a, nan_b = np.isnan(ours), np.isnan(official)
    inf_a, inf_b = np.isinf(ours), np.isinf(official)
    finite = np.isfinite(ours) & np.isfinite(official)
    with np.errstate(invalid="ignore"):  # inf - inf; the finiteness checks above cover those
        diff = np.abs(ours.astype(np.float64) - official.astype(np.float64))
    allowed = RELATIVE * np.abs(official.astype(np.float64)) + 1e-12
    bad = (nan_a != nan_b) | (inf_a != inf_b) | (inf_a & inf_b & (np.sign(ours) != np.sign(official)))
    bad |= finite & (diff > allowed)
    rel = diff[finite] / np.maximum(np.abs(official[finite].astype(np.float64)), 1e-30)
    worst = float(rel.max()) if rel.size else 0.0
    failing = np.argwhere(bad.any(axis=1)).ravel()
    return worst, int(bad.sum()), (int(failing[0]) if failing.size else None)


def structure(ours, official):
    problems = []

    def spaces(config):
        out = {}
        for name in config.getColorSpaceNames(OCIO.SEARCH_REFERENCE_SPACE_ALL, OCIO.COLORSPACE_ALL):
            cs = config.getColorSpace(name)
            out[name] = {
                "aliases": sorted(cs.getAliases()), "family": cs.getFamily(), "isdata": cs.isData(),
                "encoding": cs.getEncoding(), "reference": str(cs.getReferenceSpaceType()),
            }
        return out

    a, b = spaces(ours), spaces(official)
    for name in sorted(set(b) - set(a)):
        problems.append(f"colour space '{name}' is missing")
    for name in sorted(set(a) - set(b)):
        problems.append(f"colour space '{name}' is not in the official config")
    for name in sorted(set(a) & set(b)):
        if a[name] != b[name]:
            problems.append(f"colour space '{name}': ours {a[name]}, official {b[name]}")
    if sorted(ours.getInactiveColorSpaces().split(", ")) != sorted(set(official.getInactiveColorSpaces().split(", ")) & set(b)):
        problems.append(f"inactive colour spaces differ: ours {ours.getInactiveColorSpaces()}")

    roles_a = dict(ours.getRoles())
    roles_b = dict(official.getRoles())
    roles_b.update(EXTRA_ROLES)
    if roles_a != roles_b:
        problems.append(f"roles differ: ours {roles_a}, official (+{EXTRA_ROLES}) {roles_b}")

    def displays(config):
        return {d: list(config.getViews(d)) for d in config.getDisplays()}

    if displays(ours) != displays(official):
        problems.append(f"displays/views differ: ours {displays(ours)}, official {displays(official)}")
    if ours.getDefaultDisplay() != official.getDefaultDisplay():
        problems.append("default display differs")
    for d in official.getDisplays():
        if d in list(ours.getDisplays()) and ours.getDefaultView(d) != official.getDefaultView(d):
            problems.append(f"default view of '{d}' differs")
        for v in official.getViews(d):
            for getter in ("getDisplayViewColorSpaceName", "getDisplayViewTransformName", "getDisplayViewLooks"):
                if getattr(ours, getter)(d, v) != getattr(official, getter)(d, v):
                    problems.append(f"{getter}('{d}', '{v}') differs")
    vt = lambda c: sorted(c.getViewTransformNames())
    if vt(ours) != vt(official):
        problems.append(f"view transforms differ: ours {vt(ours)}, official {vt(official)}")
    if ours.getDefaultViewTransformName() != official.getDefaultViewTransformName():
        problems.append("default view transform differs")
    looks = lambda c: sorted((l.getName(), l.getProcessSpace()) for l in c.getLooks())
    if looks(ours) != looks(official):
        problems.append(f"looks differ: ours {looks(ours)}, official {looks(official)}")
    rules = lambda c: [(c.getFileRules().getName(i), c.getFileRules().getColorSpace(i), c.getFileRules().getPattern(i),
                        c.getFileRules().getExtension(i), c.getFileRules().getRegex(i)) for i in range(c.getFileRules().getNumEntries())]
    if rules(ours) != rules(official):
        problems.append(f"file rules differ: ours {rules(ours)}, official {rules(official)}")
    named = lambda c: {n: sorted(c.getNamedTransform(n).getAliases()) for n in c.getNamedTransformNames()}
    if named(ours) != named(official):
        problems.append(f"named transforms differ: ours {named(ours)}, official {named(official)}")
    return problems


def transforms(ours, official, pixels):
    """(family, label, ours processor or error, official processor) for every transform to compare."""
    cases = []
    for name in official.getColorSpaceNames(OCIO.SEARCH_REFERENCE_SPACE_ALL, OCIO.COLORSPACE_ALL):
        cases.append(("to ACES2065-1", f"{name} -> {REFERENCE}", lambda c, n=name: c.getProcessor(n, REFERENCE)))
        cases.append(("from ACES2065-1", f"{REFERENCE} -> {name}", lambda c, n=name: c.getProcessor(REFERENCE, n)))
    for display in official.getDisplays():
        for view in official.getViews(display):
            for direction, family in [(OCIO.TRANSFORM_DIR_FORWARD, "display/view"), (OCIO.TRANSFORM_DIR_INVERSE, "display/view inverse")]:
                def build(c, d=display, v=view, direction=direction):
                    t = OCIO.DisplayViewTransform(src=REFERENCE, display=d, view=v, direction=direction)
                    return c.getProcessor(t)
                cases.append((family, f"{REFERENCE} / {display} / {view}" + (" (inverse)" if direction == OCIO.TRANSFORM_DIR_INVERSE else ""), build))
    for look in official.getLookNames():
        for direction in (OCIO.TRANSFORM_DIR_FORWARD, OCIO.TRANSFORM_DIR_INVERSE):
            def build(c, l=look, direction=direction):
                return c.getProcessor(OCIO.LookTransform(src=REFERENCE, dst=REFERENCE, looks=l, direction=direction))
            cases.append(("looks", f"look {look} ({'forward' if direction == OCIO.TRANSFORM_DIR_FORWARD else 'inverse'})", build))
    for nt in official.getNamedTransformNames():
        for direction in (OCIO.TRANSFORM_DIR_FORWARD, OCIO.TRANSFORM_DIR_INVERSE):
            def build(c, n=nt, direction=direction):
                return c.getProcessor(c.getNamedTransform(n), direction)
            cases.append(("named transforms", f"named transform {nt} ({'forward' if direction == OCIO.TRANSFORM_DIR_FORWARD else 'inverse'})", build))

    families, failures = {}, []
    for family, label, build in cases:
        reference = apply(build(official), pixels)
        try:
            result = apply(build(ours), pixels)
        except Exception as error:  # a missing space or view is a failure, not a crash
            failures.append({"transform": label, "error": str(error)})
            families.setdefault(family, {"transforms": 0, "max_relative_error": 0.0})["transforms"] += 1
            continue
        worst, bad, first = compare(result, reference)
        entry = families.setdefault(family, {"transforms": 0, "max_relative_error": 0.0})
        entry["transforms"] += 1
        entry["max_relative_error"] = max(entry["max_relative_error"], worst)
        if bad:
            failures.append({
                "transform": label, "failing_values": bad, "max_relative_error": worst,
                "input": pixels[first].tolist(), "ours": result[first].tolist(), "official": reference[first].tolist(),
            })
    return families, failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ours", default="ColorConfigs/aces-1.3-scenefarm.ocio")
    parser.add_argument("--official", default=OFFICIAL)
    parser.add_argument("--samples", type=int, default=4096, help="random values per kind (default 4096)")
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args()
    if tuple(int(x) for x in OCIO.__version__.split(".")[:2]) < (2, 2):
        sys.exit(f"PyOpenColorIO {OCIO.__version__} has no built-in ACES configs; need >= 2.2 (pip install opencolorio)")
    ours = OCIO.Config.CreateFromFile(args.ours)
    official = OCIO.Config.CreateFromFile(args.official)
    pixels = samples(args.samples, args.seed)
    problems = structure(ours, official)
    families, failures = transforms(ours, official, pixels)
    report = {
        "ocio": OCIO.__version__, "official": official.getName(), "ours": args.ours, "values": int(pixels.size),
        "pixels": int(pixels.shape[0]), "families": families, "structure": problems, "failures": failures,
    }
    print(json.dumps(report, indent=1))
    sys.exit(1 if problems or failures else 0)


if __name__ == "__main__":
    main()
