#!/bin/sh
# Regenerates the example textures with OpenImageIO's oiiotool (deterministic: fixed noise seed).
# oak_tiles.exr: 64x64 half-float, 2x2 parquet tiles of a light and a dark oak whose grain is
# gaussian noise stretched along the boards. Its values are display-referred paint, so shots
# declare `colorspace: sRGB - Texture` and OCIO converts them to ACEScg at load.
set -eu
cd "$(dirname "$0")"
oiiotool --pattern checker:width=32:height=32:color1=0.62,0.46,0.32:color2=0.40,0.27,0.16 64x64 3 \
    --pattern noise:type=gaussian:mean=1:stddev=0.10:seed=7:mono=1 8x64 3 --resize 64x64 --mul \
    -d half --compression zip --attrib owner SceneFarm -o oak_tiles.exr
