#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Two pytest workers (pytest-xdist), one per core; each test module runs on one worker (--dist
# loadscope), so a module's shared fixture (a finished run, the quick report, a Dask cluster) is built
# once (xdist's loadgroup marks were ignored under pytest 9 here: the report was built twice). Each worker does its
# linear algebra on one BLAS thread: two processes × two OpenBLAS threads on two cores made small
# products up to 50× slower (a notebook's cell: 110 s, 2 s with one thread).
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} MKL_NUM_THREADS=${MKL_NUM_THREADS:-1}
exec .venv/bin/python -m pytest -q -n "${NABLAB_TEST_WORKERS:-2}" --dist loadscope --durations=10 "$@"
