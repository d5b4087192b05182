"""Everything the report computes for its confirmation tests and example challenges: the
answers of nablab.answers, and each example challenge as nablab's drill asks it."""

from __future__ import annotations

from ..answers import (activation_derivatives, chain_rule, conv_output_size, delta_recursion, dropout_scalings, lasso_vs_ridge, minibatch_slice, regularizer_gradients, ridge_shrinks, sigmoid_derivative_max, zero_initialization)
from ..drill import bank


CHALLENGES = ("s1-minibatch-slice", "s3-l2-gradient", "s3-l1-gradient")     # drill questions of the 例題チャレンジ


def challenge_choices(ids=CHALLENGES) -> dict:
    """The example challenges as nablab's drill asks them: each question's code with its blank,
    and what every choice does when it fills the blank and runs (drill.bank.outcome: equal to
    nablab's own implementation, or how it differs)."""
    questions = {q.id: q for q in bank.load()}
    out = {}
    for qid in ids:
        q = questions[qid]
        proven = [(letter, bank.outcome(q, letter)) for letter in q.letters]
        out[qid] = {"code": q.code.strip(), "answer": q.answer, "explanation": q.explanation,
                    "choices": [{"letter": letter, "code": q.choice(letter), "ok": o.ok, "detail": o.detail,
                                 "detail_ja": o.text("ja")}
                                for letter, o in proven]}
    return out


def all_checks() -> dict:
    return {"chain_rule": chain_rule(), "sigmoid": sigmoid_derivative_max(), "activations": activation_derivatives(),
            "zero_init": zero_initialization(), "ridge": ridge_shrinks(), "lasso": lasso_vs_ridge(),
            "conv_size": conv_output_size(), "minibatch": minibatch_slice(),
            "reg_grads": regularizer_gradients(), "challenges": challenge_choices(),
            "delta": delta_recursion(), "dropout": dropout_scalings()}
