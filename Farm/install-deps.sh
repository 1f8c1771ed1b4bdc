#!/usr/bin/env bash
# Installs SceneFarm's native dependencies and the independent checkers its tests use.
# Idempotent: runs apt-get (and `apt-get update` first) only when something is missing.
set -euo pipefail

packages=(
    libopenexr-dev libopencolorio-dev libzmq3-dev libopenblas-dev liblapacke-dev zlib1g-dev libjpeg62-turbo-dev pkg-config
    openexr openimageio-tools opencolorio-tools
)
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

# Python packages the tests read sidecars and drive plugins with.
python3 - <<'PY' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check opentimelineio pyzmq numpy
import numpy, opentimelineio, zmq
PY
