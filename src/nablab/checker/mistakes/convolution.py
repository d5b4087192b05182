"""Known mistakes in im2col / col2im, Convolution, Pooling and the networks."""

from . import m

MISTAKES = (
    # im2col / col2im
    m("im2col-without-transpose", "im2col",
      ("im2col", "col.transpose(0, 4, 5, 1, 2, 3).reshape(N*out_h*out_w, -1)", "col.reshape(N*out_h*out_w, -1)"),
      "transpose をせずに reshape しています（コースの「試してみよう」と同じ）。要素の並びが崩れます: (N, C, FH, FW, OH, OW) → transpose(0, 4, 5, 1, 2, 3) → (N·OH·OW, C·FH·FW)。",
      "reshaped without the transpose (the course's try-it): the elements come out scrambled; (N, C, FH, FW, OH, OW) "
      "→ transpose(0, 4, 5, 1, 2, 3) → (N·OH·OW, C·FH·FW)", r"transpose|reshape\(N"),
    m("im2col-wrong-transpose-order", "im2col",
      ("im2col", "col.transpose(0, 4, 5, 1, 2, 3)", "col.transpose(0, 4, 5, 2, 3, 1)"),
      "transpose の順序が違います（行の中でチャネルが最後になっています）。1 行はチャネル → フィルタの縦 → 横の順 (C, FH, FW) です: transpose(0, 4, 5, 1, 2, 3)。",
      "the transpose order is wrong (the channel comes last in a row); a row runs channel → filter row → column "
      "(C, FH, FW): transpose(0, 4, 5, 1, 2, 3)", r"transpose"),
    m("im2col-no-padding", "im2col",
      ("im2col", "np.pad(input_data, [(0, 0), (0, 0), (pad, pad), (pad, pad)], 'constant')", "input_data"),
      "パディングをしていません。pad > 0 のとき、np.pad で周囲を 0 で埋めてから切り出します。",
      "no padding: for pad > 0, surround the image with zeros (np.pad) before taking the windows", r"img\s*="),
    m("col2im-overwrites", "col2im",
      ("col2im", "img[:, :, y:y_max:stride, x:x_max:stride] += col", "img[:, :, y:y_max:stride, x:x_max:stride] = col"),
      "重なる位置を上書きしています（= ）。col2im は重なった値を足し合わせます（+= ）。これが逆伝播で勾配を集める操作です。",
      "overlapping positions are overwritten (=); col2im adds them up (+=), which is how backward gathers the gradient",
      r"img\[.*\]\s*=|img\[.*\]\s*\+="),
    m("col2im-padding-kept", "col2im",
      ("col2im", "return img[:, :, pad:H + pad, pad:W + pad]", "return img"),
      "パディング部分を切り落としていません。最後に img[:, :, pad:H + pad, pad:W + pad] を返します。",
      "the padding is not cut off; return img[:, :, pad:H + pad, pad:W + pad]", r"return img"),
    # Convolution
    m("conv-output-not-transposed", "Convolution",
      ("Convolution", "out.reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)", "out.reshape(N, -1, out_h, out_w)"),
      "出力を (N, FN, OH, OW) に直接 reshape しています。行列積の結果は (N·OH·OW, FN) の並びなので、reshape(N, OH, OW, FN) の後 transpose(0, 3, 1, 2) します。",
      "the output is reshaped straight to (N, FN, OH, OW); the product is laid out (N·OH·OW, FN), so reshape "
      "to (N, OH, OW, FN) and transpose(0, 3, 1, 2)", r"out\s*=\s*out\.reshape|reshape\(N"),
    m("conv-filter-reshape", "Convolution",
      ("Convolution", "col_W = self.W.reshape(FN, -1).T", "col_W = self.W.reshape(-1, FN)"),
      "フィルタの展開が違います。W.reshape(-1, FN) では値が混ざります。W.reshape(FN, -1).T（形 (C·FH·FW, FN)）です。",
      "the filter is unrolled wrongly: W.reshape(-1, FN) mixes the values; use W.reshape(FN, -1).T "
      "(shape (C·FH·FW, FN))", r"col_W\s*="),
    m("conv-dw-not-transposed", "Convolution",
      ("Convolution", "self.dW.transpose(1, 0).reshape(FN, C, FH, FW)", "self.dW.reshape(FN, C, FH, FW)"),
      "dW を転置せずに (FN, C, FH, FW) へ reshape しています。colᵀ·dout は (C·FH·FW, FN) なので transpose(1, 0) が先です。",
      "dW is reshaped to (FN, C, FH, FW) without the transpose; colᵀ·dout is (C·FH·FW, FN), so transpose(1, 0) first",
      r"self\.dW\s*=\s*self\.dW"),
    m("conv-dout-not-transposed", "Convolution",
      ("Convolution", "dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)", "dout = dout.reshape(-1, FN)"),
      "backward で dout を (N, OH, OW, FN) に並べ替えずに reshape しています。transpose(0, 2, 3, 1) が先です。",
      "backward reshapes dout without reordering it to (N, OH, OW, FN); transpose(0, 2, 3, 1) first",
      r"dout\s*=\s*dout"),
    # Pooling
    m("maxpool-backward-to-every-position", "Pooling",
      ("Pooling", "dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()",
       "dmax[:] = dout.flatten()[:, np.newaxis]"),
      "逆伝播で勾配をウィンドウのすべての位置に流しています。Max プーリングの勾配は最大値の位置（arg_max）だけに流れます。",
      "backward sends the gradient to every position of the window; max pooling's gradient goes only to the "
      "max's position (arg_max)", r"dmax\["),
    m("maxpool-output-not-transposed", "Pooling",
      ("Pooling", "out.reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)", "out.reshape(N, C, out_h, out_w)"),
      "出力を (N, C, OH, OW) に直接 reshape しています。im2col の行は (N, OH, OW, C) の並びなので、reshape(N, OH, OW, C) の後 transpose(0, 3, 1, 2) します。",
      "the output is reshaped straight to (N, C, OH, OW); im2col's rows run (N, OH, OW, C), so reshape to that "
      "and transpose(0, 3, 1, 2)", r"out\s*=\s*out\.reshape"),
    m("maxpool-averages", "Pooling", ("Pooling", "out = np.max(col, axis=1)", "out = np.mean(col, axis=1)"),
      "最大値ではなく平均を取っています（平均プーリング）。Max プーリングは np.max(col, axis=1) です。",
      "it takes the mean (average pooling), not the max: np.max(col, axis=1)", r"out\s*=\s*np\."),
    # networks
    m("twolayernet-backward-not-reversed", "TwoLayerNet", ("TwoLayerNet", "layers.reverse()\n", ""),
      "逆伝播でレイヤの順序を逆にしていません。backward は出力側から入力側へ（layers.reverse()）。",
      "backward does not run the layers in reverse order (layers.reverse()): from the output back to the input",
      r"for layer in|reverse"),
    m("multilayernet-decay-missing-in-gradient", "MultiLayerNet",
      ("MultiLayerNet", """self.layers['Affine' + str(idx)].dW + \\
                self.weight_decay_lambda * self.params['W' + str(idx)]""", "self.layers['Affine' + str(idx)].dW"),
      "損失に ½λΣW² を足していますが、勾配に λW を足していません。gradient でも dW + λW にします。",
      "the loss includes ½λΣW² but the gradient misses λW; gradient must give dW + λW", r"grads\['W'"),
    m("multilayernet-decay-missing-in-loss", "MultiLayerNet",
      ("MultiLayerNet", "weight_decay += 0.5 * self.weight_decay_lambda * np.sum(W**2)", "weight_decay += 0"),
      "勾配に λW を足していますが、損失に ½λΣW² を足していません。loss と gradient が別の関数になっています。",
      "the gradient adds λW but the loss lacks ½λΣW²: loss and gradient describe different functions",
      r"weight_decay\s*\+="),
)
