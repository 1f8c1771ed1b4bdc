#!/usr/bin/env bash
# Installs SceneFarm's native dependencies and the independent checkers its tests use.
# Idempotent: runs apt-get (and `apt-get update` first) only when something is missing.
set -euo pipefail

packages=(
    libopenexr-dev libopencolorio-dev libzmq3-dev libopenblas-dev liblapacke-dev pkg-config
    zlib1g-dev libjpeg62-turbo-dev libyaml-dev libssl-dev
    openexr openimageio-tools opencolorio-tools
    libxml2-utils ffmpeg blender
    prometheus chromium chromium-driver curl
    postgresql
)
# postgresql: the job store's tests and `bench farm` start their own PostgreSQL 15 cluster in a
# temporary folder (initdb, pg_ctl from /usr/lib/postgresql/15/bin); the package's own cluster is not used.
# The tests drive Python tools (the reference plugin, an OTIO reader, a protocol client).
command -v python3 >/dev/null 2>&1 || packages+=(python3 python3-pip python3-numpy python3-zmq)
python3 -m pip --version >/dev/null 2>&1 || packages+=(python3-pip)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python packages from PyPI, only when an import fails. Debian's own python3 is "externally
# managed" (PEP 668), hence the second try.
if ! python3 -c "import numpy, opentimelineio, zmq" 2>/dev/null; then
    python3 -m pip install -q --disable-pip-version-check numpy opentimelineio pyzmq 2>/dev/null \
        || python3 -m pip install -q --disable-pip-version-check --break-system-packages numpy opentimelineio pyzmq
fi
# The colour reference tests: pip's OpenColorIO (>= 2.2) carries the official ACES CG config built in.
# OpenEXR's own Python reader checks the written plates.
if ! python3 -c "import OpenEXR, PyOpenColorIO as o; assert tuple(map(int, o.__version__.split('.')[:2])) >= (2, 2)" 2>/dev/null; then
    python3 -m pip install -q --disable-pip-version-check "opencolorio>=2.2" OpenEXR 2>/dev/null \
        || python3 -m pip install -q --disable-pip-version-check --break-system-packages "opencolorio>=2.2" OpenEXR
fi
# Farm-queue export tests: Open Job Description's own CLI (`openjd check`, `openjd run`).
if ! command -v openjd >/dev/null 2>&1; then
    python3 -m pip install -q --disable-pip-version-check openjd-cli 2>/dev/null \
        || python3 -m pip install -q --disable-pip-version-check --break-system-packages openjd-cli
fi
# The dashboard tests: schemathesis fuzzes the HTTP API against its OpenAPI document; Selenium
# drives Debian's Chromium through chromedriver.
if ! python3 -c "import schemathesis, selenium" 2>/dev/null; then
    python3 -m pip install -q --disable-pip-version-check schemathesis selenium 2>/dev/null \
        || python3 -m pip install -q --disable-pip-version-check --break-system-packages schemathesis selenium
fi
