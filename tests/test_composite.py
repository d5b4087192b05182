"""Layers compose: a learner's own block of layers, assigned as attributes, counts, saves, loads,
trains, switches mode and resumes like a Sequential (children register on assignment)."""

import numpy as np
import pytest

import nablab as nl
from nablab.testing import check_layer, gradcheck


class Block(nl.Layer):
    """Linear → BatchNorm → ReLU → Linear, written as a learner would (no Sequential)."""

    def __init__(self, rng=0, dtype=np.float32):
        super().__init__()
        self.fc1 = nl.Linear(6, 8, rng=rng, dtype=dtype)
        self.bn = nl.BatchNorm(8, dtype=dtype)
        self.act = nl.ReLU()
        self.fc2 = nl.Linear(8, 3, rng=rng, dtype=dtype)

    def forward(self, x):
        return self.fc2.forward(self.act.forward(self.bn.forward(self.fc1.forward(x))))

    def backward(self, dy):
        return self.fc1.backward(self.bn.backward(self.act.backward(self.fc2.backward(dy))))


class Stack(nl.Layer):
    """A list of blocks, as PyTorch's ModuleList: names blocks.0, blocks.1."""

    def __init__(self):
        super().__init__()
        self.blocks = [nl.Linear(6, 6, rng=1), nl.Tanh()]
        self.head = Block(rng=2)

    def forward(self, x):
        for layer in [*self.blocks, self.head]:
            x = layer.forward(x)
        return x

    def backward(self, dy):
        for layer in [self.head, *reversed(self.blocks)]:
            dy = layer.backward(dy)
        return dy


def test_children_register_and_count():
    block = Block()
    assert block.num_parameters() == 6 * 8 + 8 + 2 * 8 + 8 * 3 + 3 == 99
    assert [n for n, _ in block.named_children()] == ["fc1", "bn", "act", "fc2"]
    assert list(block.state_dict()) == ["fc1.W", "fc1.b", "bn.gamma", "bn.beta", "bn.running_mean",
                                        "bn.running_var", "fc2.W", "fc2.b"]
    assert [n for n, _ in block.named_parameters()] == ["fc1.W", "fc1.b", "bn.gamma", "bn.beta",
                                                         "fc2.W", "fc2.b"]
    stack = Stack()
    assert [n for n, _ in stack.named_modules()] == ["", "blocks.0", "blocks.1", "head", "head.fc1",
                                                      "head.bn", "head.act", "head.fc2"]
    assert stack.num_parameters() == 42 + 99
    assert [type(m).__name__ for m in stack.leaves()] == ["Linear", "Tanh", "Linear", "BatchNorm",
                                                          "ReLU", "Linear"]
    stack.eval()
    assert not any(m.training for m in stack.modules())
    del stack.head                          # a removed child no longer counts
    assert stack.num_parameters() == 42


def test_reassigning_a_child_replaces_it_and_a_plain_value_unregisters_it():
    block = Block()
    block.fc2 = nl.Linear(8, 5, rng=0)
    assert block.state_dict()["fc2.W"].shape == (8, 5)
    block.act = None
    assert "act" not in dict(block.named_children())


def test_a_shared_parameter_is_counted_once():
    stack = Stack()
    stack.blocks = [stack.blocks[0], stack.blocks[0]]
    assert stack.num_parameters() == 42 + 99


def test_a_block_keeps_the_layer_contract():
    """dtype kept, dy untouched, gradients accumulate, state_dict round trip, float64 gradient
    check of the input and every parameter in training and evaluation mode."""
    errors = check_layer(lambda dt: Block(dtype=dt), (5, 6))
    assert max(errors.values()) < 1e-6
    stack = Stack()
    for layer in stack.modules():
        for p in layer.own_parameters():
            p.data = p.data.astype(np.float64)
            p.grad = np.zeros_like(p.data)
    assert gradcheck(stack, np.random.default_rng(0).standard_normal((5, 6))) < 1e-6


def test_block_saves_and_loads(tmp_path):
    block = Block(rng=0)
    block.forward(np.random.default_rng(1).standard_normal((4, 6)).astype(np.float32))  # running stats move
    nl.save(block, tmp_path / "block.npz")
    again = nl.load(tmp_path / "block.npz", model=Block(rng=5))
    for key, value in block.state_dict().items():
        assert np.array_equal(value, again.state_dict()[key]), key
    with pytest.raises(nl.DataError, match="model=YourBlock"):
        nl.load(tmp_path / "block.npz")          # a class nl.load cannot rebuild by itself
    other = Block()
    other.fc2 = nl.Linear(8, 4, rng=0)
    with pytest.raises(nl.ShapeError, match="fc2"):
        nl.load(tmp_path / "block.npz", model=other)


def data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((300, 6)).astype(np.float32)
    y = (x[:, 0] > x[:, 1]).astype(int) + (x[:, 2] > 0)
    return x[:240], y[:240], x[240:], y[240:]


def train(model, iters, folder):
    opt = nl.optim.Momentum(model.parameters(), lr=0.05)
    return nl.fit(model, nl.SoftmaxCrossEntropy(), opt, data(), iters=iters, batch_size=20,
                  eval_every=10, checkpoint_dir=folder, progress=False)


def test_block_trains_and_resumes_exactly(tmp_path):
    straight = Block(rng=0)
    h = train(straight, 40, tmp_path / "a")
    assert h.losses[-1] < h.losses[0]
    train(Block(rng=0), 20, tmp_path / "b")          # stops at 20 with a checkpoint
    resumed = Block(rng=7)                           # other weights: the checkpoint's replace them
    h2 = train(resumed, 40, tmp_path / "b")
    for key, value in straight.state_dict().items():
        assert np.array_equal(value, resumed.state_dict()[key]), key
    assert h2.losses == h.losses
