"""The Day 3 preview experiments (recurrent layers): each runs through `nablab run --quick` and its
numbers show what the report says of them."""

import json

import pytest

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


def test_adding_problem_quick_lstm_and_gru_solve_it(tmp_path):
    res, out = results(tmp_path, "adding-problem")
    runs = {r["cell"]: r for r in res["runs"]}
    assert res["baseline"] == pytest.approx(1 / 6)
    for cell in ("LSTM", "GRU"):                          # T = 10 in the quick run
        assert runs[cell]["final_mse"] < 0.1 * res["baseline"], runs[cell]
    assert all(r["curve"][-1][0] == 300 for r in res["runs"])
    assert (out / "figures" / "adding_problem.png").exists()


def test_adding_batch_targets_are_the_marked_sums():
    import numpy as np
    from nablab.experiments.kinds.adding import adding_batch
    x, t = adding_batch(500, 20, np.random.default_rng(0))
    assert x.shape == (500, 20, 2) and t.shape == (500, 1)
    assert (x[:, :10, 1].sum(axis=1) == 1).all() and (x[:, 10:, 1].sum(axis=1) == 1).all()
    np.testing.assert_allclose(t[:, 0], (x[..., 0] * x[..., 1]).sum(axis=1))
    assert abs(np.var(t) - 1 / 6) < 0.03                  # what always answering the mean scores


def test_lstm_cell_trace_reproduces_the_layer(tmp_path):
    res, out = results(tmp_path, "lstm-cell")
    steps = {s["name"]: s for s in res["steps"]}
    assert res["matches_layer"] is True
    assert steps["A"]["size"] == [1, 16] and steps["h"]["size"] == [1, 4]
    for gate in "ifo":
        assert all(0 < v < 1 for v in steps[gate]["values"][0])
    for bounded in "gh":
        assert all(-1 < v < 1 for v in steps[bounded]["values"][0])
    assert (out / "figures" / "lstm_cell.png").exists()


def test_sequential_mnist_reads_rows_and_learns(tmp_path):
    res, _ = results(tmp_path, "sequential-mnist")
    accs = {v["key"]: v["test_acc"] for v in res["variants"]}
    assert set(accs) == {"rnn", "lstm", "gru"}
    assert all(a > 0.2 for a in accs.values()), accs       # 20 quick iterations: above chance (0.1)
