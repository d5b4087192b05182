"""English: the report text of Sections 4 and 5, the course comparison, the quirks and the provenance."""

TEXT = {
    # section 4
    "s4_h": "Section 4: convolutional neural networks (畳み込みニューラルネットワーク)",
    "s4_points": [
        "A convolution layer slides small filters over the input and keeps the spatial structure that a fully "
        "connected layer would flatten away. Padding adds a border so the output does not shrink; the stride "
        "is the step of the filter; the output size is OH = (H + 2P − FH)/S + 1. Pooling (max or average over "
        "a window) has no weights and makes the features robust to small shifts; its output size follows the "
        "same formula with the window as the filter (2×2, stride 2: 28×28 → 14×14).",
        "im2col rearranges every window of the input into a row (or column) of a matrix, so the whole "
        "convolution becomes one matrix product; col2im adds the gradient entries back to their pixels — "
        "where windows overlap they are summed, so col2im is not the inverse of im2col.",
        "Convolution is not only for images: a 1-D convolution slides along a sequence (audio, sensor signals, "
        "text as word vectors), a 3-D one through a volume or a video (CT and MRI scans, frames over time) — "
        "wherever neighbouring values belong together and the same pattern can appear anywhere.",
    ],
    "im2col_caption": "im2col on the course's (2, 1, 4, 4) input with a 3×3 filter, and col2im back",
    "im2col_disc": ("The (2, 1, 4, 4) input with a 3×3 filter gives a col of shape {shape}; col2im returns each "
                    "pixel multiplied by the number of windows covering it (the centre four cells ×{centre})."),
    "speed_caption": "im2col by loops, by the book's method and by sliding windows",
    "speed_disc": ("For a batch of {shape} inputs, the naive loops took {naive:.1f} ms (timed on {scaled} samples and "
                   "scaled to the batch), the book's kernel-offset loop {book:.2f} ms and the sliding-window view "
                   "{fast:.2f} ms; the three results {equal}. These times are for building the column matrix only: "
                   "the convolution itself is then one matrix product on it."),
    "equal_yes": "were the same matrix", "equal_no": "differed",
    "filters_caption_before": "SimpleConvNet's 30 first-layer filters before training",
    "filters_caption_after": "The same filters after training",
    "maps_caption": "Feature maps of one test image",
    "simple_caption": "2_6: SimpleConvNet on the 5000 / 1000 subset",
    "simple_disc": ("SimpleConvNet reached {test:.4f} test and {train:.4f} training accuracy after {iters} "
                    "iterations ({seconds:.0f} s of training); the course reports ≈ 0.96 / 0.995."),
    "ct8_q": "A 6×6 input is convolved with a 2×2 filter, stride 1 and padding 1. What is the output size?",
    "ct8_a": "7×7, since (6 + 2·1 − 2)/1 + 1 = 7.",
    "ct8_c": "An actual `Conv2d(1, 1, 2, stride=1, padding=1)` on a 6×6 input outputs {shape[0]}×{shape[1]}.",
    # section 5
    "s5_h": "Section 5: AlexNet and deeper CNNs (最新のCNN)",
    "s5_points": [
        "AlexNet (Krizhevsky, Sutskever, Hinton, 2012) won ILSVRC 2012 with a top-5 error of 15.3 % against the "
        "runner-up's 26.2 %: 5 convolution layers and 3 fully connected ones. Input 227×227×3 (the paper's figure says 224×224, but "
        "(224 − 11)/4 + 1 = 54.25 is not an integer; (227 − 11)/4 + 1 = 55, or 224 with padding 2: (224 + 4 − 11)/4 + 1 = "
        "55); the first layer has 96 11×11 filters with stride 4 (55×55×96), then 256, 384, 384 and 256 channels, with overlapping 3×3 max pooling "
        "of stride 2 after layers 1, 2 and 5. ReLU, local response normalisation (LRN), dropout 0.5 on both 4096-unit "
        "dense layers, data augmentation and two GPUs; about 60 million parameters.",
        "Between the convolutions and the classifier, conv5's 13×13×256 output is max-pooled to 6×6×256 = 9,216 "
        "values, flattened into the 4096-unit layer (the course's slide counts 13·13·256 = 43,264, before that "
        "pooling). Global average pooling keeps one mean per channel (256 values); it came after AlexNet, with NIN "
        "(2013) and GoogLeNet (2014). It removes most of the dense weights; whether accuracy improves depends on the "
        "case (measured below).",
    ],
    "double_caption": "2_7: DoubleConvNet and the arranged version without the first pool (100 iterations)",
    "deep_caption": "2_8: DeepConvNet (6 convolutions, He init, dropout)",
    "lenet_caption": "LeNet-5 adapted to 28×28",
    "alex_caption": "AlexNet-shaped net: Flatten vs global average pooling",
    "s5_double": ("After 100 iterations DoubleConvNet reached {double} and the arranged version (no first pool) "
                  "{arranged} over {seeds_text}; the two {apart}. Without the first pool the second convolution "
                  "and the dense layer see 24×24 maps instead of 12×12, so the dense layer's inputs grow fourfold: "
                  "the arranged net has {params:.1f}× the parameters and took {time:.1f}× the time. Its higher accuracy "
                  "after the same 100 iterations is bought with that: four times the positions of each map to learn "
                  "from, and that many more weights to fit them."),
    "apart_yes": "differ by more than 2σ (the seeds' spread and the test set's sampling error)",
    "apart_no": "are not further apart than 2σ (the seeds' spread and the test set's sampling error)",
    "s5_deep": ("DeepConvNet reached {deep} over {seeds_text} after {iters} iterations ({seconds:.0f} s of "
                "training per seed): each of its six 3×3 convolutions sees a 3×3 window, but stacked with the pools "
                "one unit of the last convolution sees a {rf}×{rf} region — the whole padded image — with far fewer "
                "weights than one filter that large would need. LeNet-5 "
                "reached {lenet} ({lenet_seeds_text})."),
    "s5_gap": ("The AlexNet-shaped net scaled to 28×28 was trained {iters} iterations, {seeds_text}: Flatten "
               "{flat:.4f} ({flat_params:,} parameters), global average pooling {gap:.4f} ({gap_params:,}, {cut:.0%} "
               "fewer). Between iterations 100 and 300 the test accuracy still rose by {flat_rise:+.3f} (Flatten) and "
               "{gap_rise:+.3f} (GAP): {verdict} The exam's position: global average pooling (GAP) — or global "
               "max pooling (GMP), each channel's maximum instead of its mean — replaces Flatten before the "
               "classifier, removing most of the dense layer's weights and with them a source of overfitting "
               "(NIN, GoogLeNet and ResNet end with GAP)."),
    "gap_slower": ("neither has converged, so GAP's lower value says it learns more slowly here, not that it ends "
                   "lower."),
    "gap_higher": "GAP ends higher here (one run: take the difference as indicative).",
    "gap_within_noise": "the two are not further apart than 2σ.",
    "filters_disc": ("Before training the 30 first-layer filters are noise: adjacent weights are uncorrelated "
                     "({corr_before:+.2f}; std {std_before:.3f}). After {iters} iterations their std is {std_after:.3f} "
                     "and adjacent weights correlate at {corr_after:+.2f}: smooth light-dark patterns — edges and "
                     "strokes — have replaced the noise. Each feature map is the image "
                     "filtered by one of them and passed through ReLU: {share:.0%} of the maps' activation lies at "
                     "positions whose 5×5 window touches the digit, which are {area:.0%} of the map — the filters "
                     "respond to the strokes, each to the parts that match its pattern."),
    # quirks
    "quirks_h": "The course code's quirks that change results",
    "quirks": [
        "Hard-coded keys W1–W3, b1–b3 (2_2_2, 2_3, 2_4): deeper nets keep layers 4+ at their initial values and "
        "BN's γ, β are never trained. Measured here: ten-layer ReLU-Xavier {deep_course:.4f} with the course's "
        "keys vs {deep_all:.4f} with every layer trained; BN {bn_course:.4f} vs {bn_all:.4f}.",
        "1_3's backward uses the sigmoid's derivative on a ReLU network: final loss {quirk:.2e} vs {correct:.2e}.",
        "2_2_1 applies d_sigmoid to post-activation values (σ'(σ(u))); nablab's Sigmoid uses y(1 − y) of its own output.",
        "2_5's L1/L2 cells update only the hidden layers and print the L2 penalty as √ΣW² instead of ΣW².",
        "2_5's dropout cell inherits weight_decay_lambda = 0.005 from the previous cell: L2 is on too "
        "(reproduced in the 'dropout 0.15 (+ L2 0.005 left over)' variant).",
        "2_2–2_4 report training accuracy on the current mini-batch of 100 (steps of 0.01), not on the training set.",
        "2_4_after's AdaGrad starts h at 1e-4 without adding the first step's g² and has no ε, so its first step is η·g/0.01 = 100·η·g (PyTorch's Adagrad starts h at 0 and adds ε).",
        "DeepConvNet puts Dropout after the final Affine (inherited from the book).",
        "col2im is not the inverse of im2col: overlapping entries are summed (×{centre} in the centre of the demo).",
    ],
    # provenance
    "prov_h": "Provenance",
    "prov_intro": ("nablab {nablab}, numpy {numpy}, Python {python}, on {machine}. Total task time of the runs "
                   "(the sum of every training task's time; tasks ran side by side, so the clock time was less): "
                   "{total:.0f} s{quick}. Every experiment ran from its catalogue file with the settings listed in "
                   "its run directory's spec.json."),
    "prov_quick": " (quick mode: shrunken runs for a preview; the numbers are not the course's)",
    "prov_header": ["experiment", "data", "train / test", "seeds", "task time (s)", "run directory", "settings changed (--set)"],
}
