"""Each experiment kind: tasks(spec), run_task(spec, task, out), done(...), summarize(spec, out)."""

from . import classify, conv_speed, depth, filters, im2col_demo, init_hist, paths, regression

KIND_MODULES = {"classify": classify, "regression": regression, "init-histograms": init_hist,
                "depth-gradients": depth, "optimizer-paths": paths, "im2col-demo": im2col_demo,
                "conv-speed": conv_speed, "filters": filters}
