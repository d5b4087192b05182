#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the main job: every experiment of the Day 2 course on the
# data this machine has, and the bilingual report built from those runs, into report/
# (report/index.html, report/report.md, report/runs/<experiment>/). 12–30 minutes on a
# 2-core machine, setup included (three DeepConvNet seeds are 660–1,030 s of task time); `scripts/main.sh --quick` previews
# it in about three minutes. Extra arguments go
# to `nablab report` (e.g. --lang en, --out DIR, --reuse runs/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/nablab report --jobs 2 "$@"
