#!/usr/bin/env bash
# Set up (scripts/setup.sh), add the notebook extra (JupyterLab, ipywidgets, nbclient) and open JupyterLab
# on notebooks/ (http://localhost:8888 by default; extra arguments go to `jupyter lab`, e.g. --port 9999).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "notebooks: installing the notebook extra (pip install -e '.[notebooks]')"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[notebooks]" 2>&1 | grep -v '^WARNING: Location' || true
root=(); [ "$(id -u)" = 0 ] && root=(--allow-root)   # containers often run as root
exec .venv/bin/jupyter lab --notebook-dir=notebooks "${root[@]}" "$@"
