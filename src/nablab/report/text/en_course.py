"""English text of the course-vs-nablab table (report/course.py) and its verdicts."""

TEXT = {
    "course_h": "The course's results beside ours",
    "course_intro": ("Every variant for which the course publishes a result (the notebooks' typical "
                     "results, from several students' runs) beside nablab's mean ± standard deviation over its seeds "
                     "(their number in brackets), trained on the full MNIST with the notebook's own settings. "
                     "Two accuracies differ by chance for three reasons, and the verdict allows for the largest (σ): "
                     "our seeds' spread (their sample standard deviation), the test set's sampling error "
                     "(√(p(1−p)/n): on 1,000 test images about 0.006 at p = 0.96) and, where the course gives a range "
                     "from several runs, half its width. \"inside\": our mean is in the course's range; \"within "
                     "noise\": outside it by at most 2σ (the column says which σ); \"above\" / \"below\": further "
                     "away, over at least two seeds — then the last column gives the reason we measured, or says that "
                     "we found none; a single seed further away is not judged. \"curve\": the test accuracy at the "
                     "course's checkpoints, ours / the course's (one saved run each; our intermediate points use a "
                     "fixed subset of the test set where the provenance says so)."),
    "course_header": ["experiment", "variant", "course", "nablab (seeds)", "nablab vs course",
                      "curve (ours / course)", "why"],
    "per_seed": "; seeds {seeds}",
    "last100": "; last 100 iterations {acc:.4f}",
    "noise_from": {"seeds": "our seeds", "test set": "test set", "course": "the course's runs"},
    "one_seed_why": ("One seed: cannot be judged — its distance from the course exceeds 2σ, but one seed shows "
                     "nothing of the seeds' spread; run the experiment with 3 seeds."),
    "course_notes": {
        "overfitting/l1": ("The course runs this cell at lr 0.1, ten times the other 2_5 cells' 0.01: what L1 "
                           "does and what the larger step does cannot be told apart here. The seeds end far apart — "
                           "the runs are unstable (each curve jumps by tens of points), which is not the test set's "
                           "sampling error; the mean over the last 100 iterations is the steadier number."),
    },
    "no_reason": ("Not explained: {images} of {n_test:,} test images outside the course's result, beyond 2σ = "
                  "{noise:.4f}; the settings are the notebook's."),
    "course_why": {
        "optimizers/momentum-after": ("Not explained: {images} of {n_test:,} test images above the course's best "
                                      "copy; our seeds agree within ±{std:.4f}, the course's three copies spread "
                                      "over 0.0077. The settings are the notebook's (lr 0.3, μ 0.9, sigmoid, "
                                      "0.01·randn, batches drawn with replacement)."),
        "overfitting/dropout-l1-course-code": ("Not explained: {images} of {n_test:,} test images above the "
                                               "course's range; our seeds agree within ±{std:.4f}. The settings "
                                               "are the notebook's (dropout 0.08 scaled at test time, L1 0.004 on "
                                               "the hidden layers only, SGD lr 0.01)."),
        "simple-cnn/simple": ("Not explained: {images} of the {n_test:,} test images below the course's lowest "
                              "run; our seeds agree within ±{std:.4f}."),
        "double-cnn/arranged": ("Not explained: {images} of the {n_test:,} test images above the answer "
                                "notebook's runs after 100 iterations; our seeds spread ±{std:.4f}."),
        "vanishing-gradient/relu-xavier-10-course-code": (
            "0.41 is one student's run whose layer widths are not recorded (ours: nine hidden layers of 40). "
            "The quirk itself is measured: with all ten layers trained the same net reaches "
            "{acc[relu-xavier-10-all-layers]:.4f}."),
    },
    "verdicts": {"inside": "inside", "within noise": "within noise", "above": "above", "below": "below",
                 "one seed": "not judged (one seed)"},
}
