"""Facts the exam tests, stated right in both languages of the report (issue 25, item 1) — checked on
the report's texts and formulas directly, without building a report."""

import inspect
import types

from nablab import answers
from nablab.report import formulas
from nablab.report.runs import data_sizes
from nablab.report.text import TEXT


def flat(value) -> str:
    return " ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def test_alexnet_input_is_227_with_the_computation_shown():
    for lang in ("ja", "en"):
        text = flat(TEXT[lang]["s5_points"])
        assert "227×227×3" in text and "54.25" in text and "(227 − 11)/4 + 1 = 55" in text, lang
        assert "Input 224×224×3" not in text and "入力は 224×224×3" not in text


def test_the_japanese_page_does_not_say_its_figure_labels_are_english():
    assert "英語です" not in TEXT["ja"]["intro"]


def test_cross_entropy_is_written_and_differentiated_as_a_batch_mean():
    ce = next(latex for group in formulas.FORMULAS.values() for _, ja, latex in group if "交差エントロピー" in ja)
    assert r"E = -\frac{1}{N}\sum_{n=1}^{N}" in ce and r"\frac{y_{nk} - t_{nk}}{N}" in ce


def test_leaky_relu_has_one_slope_in_the_formula_the_figure_and_the_caption():
    slope = inspect.signature(answers.activation_derivatives).parameters["slope"].default
    latex = next(latex for group in formulas.FORMULAS.values() for en, _, latex in group if "Leaky" in en)
    assert f"\\alpha = {slope}" in latex
    assert f"α は式と同じ {slope}" in TEXT["ja"]["act_caption"] and f"slope α is {slope}" in TEXT["en"]["act_caption"]


def test_the_paths_learning_rates_are_credited_to_the_book_and_rmsprops_claim_is_the_courses():
    assert "optimizer_compare_naive.py" in TEXT["ja"]["paths_disc"] and "optimizer_compare_naive.py" in TEXT["en"]["paths_disc"]
    assert "アニメーション" not in TEXT["ja"]["paths_disc"] and "animation" not in TEXT["en"]["paths_disc"]
    assert "講座の想定解答は" in TEXT["ja"]["ct5_a"] and "0.1028" in TEXT["ja"]["ct5_a"]
    assert "course's expected answer" in TEXT["en"]["ct5_a"] and "0.1028" in TEXT["en"]["ct5_a"]


def test_a_runs_data_sizes_are_the_ones_its_variants_used():
    """The batch-norm run: the course's variants on the whole set, the book's on 1,000 images."""
    ds = types.SimpleNamespace(n_train=60000, n_test=10000)
    variants = [types.SimpleNamespace(n_train=None, n_test=None)] * 3 + [types.SimpleNamespace(n_train=1000, n_test=None)] * 8
    run = types.SimpleNamespace(results=types.SimpleNamespace(dataset=ds), numbers=types.SimpleNamespace(variants=variants))
    assert data_sizes(TEXT["ja"], run) == "訓練 60,000 / テスト 10,000 枚（3 条件）、訓練 1,000 / テスト 10,000 枚（8 条件）"
    one = types.SimpleNamespace(results=types.SimpleNamespace(dataset=ds), numbers=types.SimpleNamespace(variants=variants[:2]))
    assert data_sizes(TEXT["en"], one) == "60,000 / 10,000 images"
