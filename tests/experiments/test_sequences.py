"""The Day 3 preview experiments (recurrent layers): each runs through `nablab run --quick` and its
numbers show what the report says of them."""

import json

from nablab.cli import main


def results(tmp_path, name, *sets):
    out = tmp_path / name
    args = ["run", name, "--quick", "--quiet", "--out", str(out)]
    for s in sets:
        args += ["--set", s]
    assert main(args) == 0
    return json.loads((out / "results.json").read_text()), out


def test_gradients_through_time_vanish_explode_and_clip(tmp_path):
    res, out = results(tmp_path, "gradients-through-time")
    cells = {c["label"]: c for c in res["cells"]}
    assert len(cells["GRU"]["grad_norms"]) == 30                         # the quick sequence length
    assert cells["RNN tanh, Xavier"]["first_over_last"] < 1e-4          # vanishing
    assert cells["RNN tanh, std 0.5"]["first_over_last"] > 10           # exploding
    assert cells["LSTM, forget bias 3"]["first_over_last"] > 1e-2       # kept by the cell path
    assert cells["LSTM, forget bias 3"]["first_over_last"] > 1e4 * cells["RNN tanh, Xavier"]["first_over_last"]
    for c in res["cells"]:
        assert c["clipped_norm"] <= min(c["param_grad_norm"], res["max_norm"]) + 1e-9
    assert (out / "figures" / "gradients_through_time.png").exists()
