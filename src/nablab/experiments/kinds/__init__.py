"""Each experiment kind: tasks(spec), run_task(spec, task, out), done(...), summarize(spec, out)."""

from . import classify, depth, init_hist, paths, regression

KIND_MODULES = {"classify": classify, "regression": regression, "init-histograms": init_hist,
                "depth-gradients": depth, "optimizer-paths": paths}
