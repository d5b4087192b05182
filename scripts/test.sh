#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Two pytest workers (pytest-xdist), one per core; tests that share a module fixture (a finished run,
# the quick report, a Dask cluster) stay together on one worker (xdist_group). Each worker does its
# linear algebra on one BLAS thread: two processes × two OpenBLAS threads on two cores made small
# products up to 50× slower (a notebook's cell: 110 s, 2 s with one thread).
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} MKL_NUM_THREADS=${MKL_NUM_THREADS:-1}
exec .venv/bin/python -m pytest -q -n "${NABLAB_TEST_WORKERS:-2}" --dist loadgroup "$@"
