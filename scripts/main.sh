#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the main job: the course's vanishing-gradient experiment
# (notebook 2_2_2 and its "try" items) on real MNIST, with figures and a summary, into
# runs/vanishing-gradient-<time>/. Extra arguments go to `nablab run`, e.g. --quick or --jobs 2.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/nablab run vanishing-gradient "$@"
