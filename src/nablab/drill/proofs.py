"""Proofs: each code blank is filled with a choice and run; each numeric answer is computed.

A proof takes the filled-in code's namespace (what the code defined) and returns an Outcome:
``ok`` when it does what nablab's own implementation does, and what it actually did, in English
(``detail``) and Japanese (``ja``). Optimizer classes go through `nablab check`'s probe and judge
(the same diagnosis and known mistakes a learner's own file gets). The bank's check is proven when
the correct choice passes and every other choice fails (bank.verify).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np



@dataclass
class Outcome:
    """What running a choice showed: ``ok``, and ``detail`` in English with ``ja`` its Japanese."""
    ok: bool
    detail: str
    ja: str = ""

    def text(self, lang: str) -> str:
        return self.detail if lang == "en" or not self.ja else self.ja


def differs(got, want, what: str, rtol: float = 1e-5, atol: float = 1e-8, ja: str | None = None) -> Outcome:
    """Outcome of comparing arrays: equal within tolerance, or by how much (and where) not.
    ``what`` names the result in English, ``ja`` in Japanese (the same when omitted)."""
    ja = ja or what
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    if got.shape != want.shape:
        return Outcome(False, f"{what}: shape {got.shape} where nablab gives {want.shape}",
                       f"{ja}: 形が {got.shape} です（nablab は {want.shape}）")
    if np.allclose(got, want, rtol=rtol, atol=atol):
        return Outcome(True, f"{what}: equal to nablab's (within {rtol:g})", f"{ja}: nablab と一致（相対誤差 {rtol:g} 以内）")
    if not np.isfinite(got).all():
        at = tuple(int(i) for i in np.argwhere(~np.isfinite(got))[0])
        return Outcome(False, f"{what}: {got[at]} at {at} where nablab gives {want[at]:.4g}",
                       f"{ja}: {at} が {got[at]} です（nablab は {want[at]:.4g}）")
    gap = np.abs(got - want)
    where = np.unravel_index(int(np.nanargmax(np.where(np.isnan(gap), np.inf, gap))), gap.shape)
    at = tuple(int(i) for i in where)
    return Outcome(False, f"{what}: differs from nablab's by up to {np.nanmax(gap):.3g} "
                          f"(at {at}: {got[where]:.4g} instead of {want[where]:.4g})",
                   f"{ja}: nablab と最大 {np.nanmax(gap):.3g} 違います（{at} が {got[where]:.4g}、nablab は {want[where]:.4g}）")


def run(call, what: str) -> Outcome | object:
    """call(), or an Outcome saying what went wrong when it raises (a wrong choice may not run)."""
    try:
        with np.errstate(all="ignore"):
            return call()
    except Exception as e:                                    # the learner's code: anything can happen
        return Outcome(False, f"{what}: raises {type(e).__name__}: {str(e)[:120]}",
                       f"{what} で {type(e).__name__} が発生します: {str(e)[:120]}")


# -- components: the bank's optimizers and layers through `nablab check`'s probe and judge ---------------

def prove_component(ns: dict, check: dict) -> Outcome:
    """The class or function the code defines, probed and judged as `nablab check` does (an optimizer:
    five steps of update(params, grads); a layer: forward, backward, dW, db; a known mistake named)."""
    from ..checker import catalogue, judge
    from ..checker.components import find
    from ..checker.report import component_lines
    cls = ns.get(check["define"])
    if cls is None:
        return Outcome(False, f"the code defines no {check['define']}", f"コードに {check['define']} がありません")
    name = find(check["define"]).name
    verdict = judge.judge(name, catalogue.probe(name, cls))
    en, ja = (component_lines(name, verdict, lang, []) for lang in ("en", "ja"))
    if verdict.ok:
        return Outcome(True, en[0].removeprefix("✓ "), ja[0].removeprefix("✓ "))
    return Outcome(False, " ".join(line.strip() for line in en[1:]), " ".join(line.strip() for line in ja[1:]))
