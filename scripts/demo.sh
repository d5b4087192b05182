#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the main job: the course's ReLU-He network on real MNIST,
# writing runs/demo/{results.json, accuracy.png, model.npz}.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/nablab demo "$@"
