"""The course's language: the catalogues translate every sentence the code says, keep every field,
are the files viewcast reads, and a zh-TW report and table speak Chinese from end to end."""

import html
import importlib.util
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from viewcast.cli.main import main
from viewcast.core import i18n
from viewcast.core.i18n import _, use_language
from viewcast.errors import ConfigError

pytest.importorskip("babel", reason="babel checks the catalogues: pip install -e '.[test]'")
SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "catalogue.py"
spec = importlib.util.spec_from_file_location("catalogue", SCRIPT)
catalogue = importlib.util.module_from_spec(spec)
spec.loader.exec_module(catalogue)

SOURCE = catalogue.extract()
ENGLISH = [m.id if isinstance(m.id, str) else m.id[0] for m in SOURCE if m.id]
FIELD = re.compile(r"\{(\w*)\}")
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.mark.parametrize("language", catalogue.LANGUAGES)
def test_every_sentence_of_the_code_is_translated(language):
    gaps = catalogue.missing(language, SOURCE)
    assert not gaps, f"{len(gaps)} sentences have no {language} translation (make catalogue, then translate):\n" + "\n".join(gaps)


@pytest.mark.parametrize("language", catalogue.LANGUAGES)
def test_the_compiled_catalogue_is_the_translators_file(language):
    mo = catalogue.po_path(language).with_suffix(".mo")
    assert mo.read_bytes() == catalogue.compiled(language), f"{mo} is older than its .po: run `make catalogue`"


@pytest.mark.parametrize("language", catalogue.LANGUAGES)
def test_a_translation_keeps_every_field_of_its_sentence(language):
    wrong = []
    for message in catalogue.read(language):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if any(set(FIELD.findall(text)) != set(FIELD.findall(ids[-1])) for text in strings if text):
            wrong.append(ids[0])
    assert not wrong, "\n".join(wrong)


def test_the_language_is_chosen_for_a_block_and_checked():
    with use_language("zh-TW"):
        assert _("validation") == "驗證"
        with use_language("zh-CN"):
            assert _("validation") == "验证"
    assert _("validation") == "validation"
    with pytest.raises(ConfigError, match="unknown language 'fr'"):
        with use_language("fr"):
            pass


def untranslated(text: str) -> list[str]:
    """English sentences of the catalogue (their runs of four words or more between fields) found in `text`."""
    found = []
    for english in ENGLISH:
        for piece in FIELD.split(english)[::2]:
            piece = piece.strip(" .,;:()'")
            if len(re.findall(r"[A-Za-z]{2,}", piece)) >= 4 and piece in text:  # (four words: not a formula, MASE = MAE /)
                found.append(piece)
    return found


def visible_text(page: str) -> list[str]:
    """The text of each paragraph, heading, summary and button of a report, and each picture's description
    (its data and script left out)."""
    page = re.sub(r"<script.*?</script>|<pre>.*?</pre>", "", page, flags=re.S)
    blocks = re.findall(r"<(p|h1|h2|h3|summary|button|title)\b[^>]*>(.*?)</\1>", page, flags=re.S)
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', page)
    return [html.unescape(re.sub(r"<[^>]+>", "", inner)).strip() for _, inner in blocks] + [html.unescape(alt) for alt in alts]


@pytest.fixture(scope="module")
def chinese_report(quick_lecture, tmp_path_factory):
    out = tmp_path_factory.mktemp("zh") / "report-zh-TW.html"
    assert main(["report", str(quick_lecture), "--out", str(out), "--lang", "zh-TW"]) == 0
    return out


def test_a_zh_tw_report_has_no_untranslated_sentence(chinese_report, quick_lecture):
    page = chinese_report.read_text(encoding="utf-8")
    assert '<html lang="zh-TW">' in page
    english = [text for text in visible_text(page) if text and not CJK.search(text)]
    assert not english, english
    readable = re.sub(r"<script.*?</script>|data-hover='[^']*'", "", page, flags=re.S)
    assert not untranslated(html.unescape(readable))
    # the check can fail: the English report is full of the catalogue's sentences
    assert len(untranslated((quick_lecture / "report.html").read_text(encoding="utf-8"))) > 50


def test_the_explorers_speak_the_pages_language_in_chromium(chinese_report):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (make test installs it with apt-get where it can)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(chinese_report.as_uri(), wait_until="load")
            page.wait_for_function("document.querySelector('#explore-descent .result').textContent.length > 0")
            written = page.evaluate("""Array.from(document.querySelectorAll('.explore .result, .explore label, .explore span'),
                                       e => e.textContent.trim()).filter(Boolean)""")
        finally:
            browser.close()
    assert not errors
    assert all(CJK.search(text) or re.fullmatch(r"[\wη=λ. ,²()-]*", text) for text in written), written
    assert any("update 之後" in text for text in written)
    assert not untranslated(" ".join(written))


def test_the_cli_speaks_the_language_of_lang_or_viewcast_lang(quick_lecture, capsys, monkeypatch):
    assert main(["doctor", str(quick_lecture), "--lang", "zh-TW"]) == 0
    told = capsys.readouterr().out
    assert "課程的攻略" in told and not untranslated(told)
    assert i18n.language() == "en"  # the choice ended with the command
    monkeypatch.setenv("VIEWCAST_LANG", "zh-CN")
    assert main(["doctor", str(quick_lecture)]) == 0
    assert "课程的攻略" in capsys.readouterr().out
    monkeypatch.delenv("VIEWCAST_LANG")
    assert main(["doctor", str(quick_lecture)]) == 0
    assert "The lecture's general guide" in capsys.readouterr().out


def test_an_unknown_language_is_one_line_and_nothing_is_written(quick_lecture, tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", str(quick_lecture), "--out", str(out), "--lang", "fr"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "'fr' is not one of 'en', 'zh-TW', 'zh-CN'" in error
    assert not out.exists()


def test_the_tables_in_chinese_line_up(quick_lecture, capsys):
    """A Chinese character takes two columns of a terminal: the columns of a table still line up."""
    from wcwidth import wcswidth

    from viewcast.lecture.folder import load_lecture
    from viewcast.reporting.text import lecture_tables

    with use_language("zh-TW"):
        text = lecture_tables(load_lecture(quick_lecture).results)
    assert not untranslated(text)
    tables = [block.splitlines() for block in text.split("\n\n") if block.splitlines()[1:2] and block.splitlines()[1].startswith("---")]
    assert len(tables) >= 4 and any(CJK.search(line) for table in tables for line in table[2:])
    for table in tables:  # on a terminal, every line's columns start where the rule's dashes do
        gaps = [i for i, char in enumerate(table[1]) if char == " "]
        for line in table:
            cells = "".join(char * wcswidth(char) for char in line)  # one character a terminal column
            assert all(at >= len(cells) or cells[at] == " " for at in gaps), line


def test_figures_speak_chinese_only_where_a_font_can_draw_it(monkeypatch):
    import matplotlib.pyplot as plt
    import numpy as np

    from viewcast.lecture.surface import loss_grid
    from viewcast.reporting import plots

    x = np.array([1.0, 2.0, 3.0])
    w, b = np.linspace(0, 4, 5), np.linspace(-1, 3, 5)

    def title() -> str:
        with plots.speaking():
            ax = plots.error_surface(w, b, loss_grid(x, 2 * x + 1, w, b), exact=(2.0, 1.0), loss="mse")
        plt.close(ax.figure)  # (never drawn: DejaVu Sans has no Chinese glyphs)
        return ax.get_title()

    monkeypatch.setattr(plots, "_cjk_font", lambda: None)  # no Chinese font: the words stay English, never empty boxes
    with use_language("zh-TW"):
        assert title() == "Error surface of y = b + w x₁ (MSE)"
    monkeypatch.setattr(plots, "_cjk_font", lambda: "DejaVu Sans")  # as if one were installed
    with use_language("zh-TW"):
        assert CJK.search(title())
    assert title() == "Error surface of y = b + w x₁ (MSE)"


def test_every_field_of_a_sentence_is_filled_where_it_is_said():
    """`_("... {n} ...").format(n=...)`: read from the source, each call that names its fields gives every field its
    sentence names, and no other (a field left out would raise KeyError only on the path that says it, perhaps a rare
    one). Calls that pass a dict (`**said`) are left to the tests that run them."""
    import ast

    keywords = {"_", "figure_text", "ngettext"}
    wrong, checked = [], []
    for path in sorted((Path(__file__).resolve().parents[1] / "src" / "viewcast").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"):
                continue
            said = node.func.value  # _("..."), or (_("...") if ... else _("..."))
            calls = [said.body, said.orelse] if isinstance(said, ast.IfExp) else [said]
            if not all(isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id in keywords for c in calls):
                continue
            texts = [arg.value for c in calls for arg in c.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
            given = {k.arg for k in node.keywords}
            if not texts or None in given:  # (**fields: read at run time)
                continue
            needed = set().union(*(FIELD.findall(text) for text in texts))
            checked.append(node)
            if needed != given:
                wrong.append(f"{path.name}:{node.lineno}: {sorted(needed ^ given)}")
    assert not wrong, wrong
    assert len(checked) > 150  # (the source is read: the check can fail)


def test_with_a_chinese_font_every_character_of_a_figure_is_drawn():
    import warnings

    import numpy as np

    from viewcast.lecture.surface import loss_grid
    from viewcast.reporting import plots

    if plots._cjk_font() is None:
        pytest.skip("no font with Chinese characters here (make test installs Debian's fonts-noto-cjk where it can)")
    x = np.array([1.0, 2.0, 3.0])
    w, b = np.linspace(0, 4, 5), np.linspace(-1, 3, 5)
    with use_language("zh-TW"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with plots.speaking():
            ax = plots.error_surface(w, b, loss_grid(x, 2 * x + 1, w, b), exact=(2.0, 1.0), loss="mse")
            title = ax.get_title()
            picture = plots.png(ax.figure)  # drawn: Chinese from the Chinese font, x₁ from DejaVu Sans
    assert CJK.search(title) and "x₁" in title and picture[:4] == b"\x89PNG"
    assert not [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_a_creators_forecast_and_backtest_speak_chinese():
    """The summaries `forecast` and `backtest` print (and keep as summary.txt), with every option that adds words:
    the calendar, direct networks, ensembles, folds; no English sentence of the catalogue is left in them."""
    import dataclasses

    from viewcast.core.features import Period
    from viewcast.forecasting.backtest import run_backtest
    from viewcast.forecasting.forecast import run_forecast
    from viewcast.forecasting.settings import FORECAST_TRAINING, ForecastConfig
    from viewcast.reporting.forecast_text import backtest_report, forecast_report

    config = ForecastConfig(models=("linear",), lags=(7,), train=dataclasses.replace(FORECAST_TRAINING, n_epochs=2, n_seeds=2),
                            days=3, calendar=1, direct=1, ensemble=2, combine=False, folds=2)
    import numpy as np

    days = pd.date_range("2018-01-01", "2021-12-31", name="date")  # four years: two folds of validation
    rng = np.random.default_rng(0)
    weekly_series = pd.Series(1000 + np.arange(len(days)) + 300 * (days.day_of_week < 5) + rng.normal(0, 30, len(days)),
                              index=days, name="views")
    history = Period(weekly_series.index[0], pd.Timestamp("2021-06-30"))
    with use_language("zh-TW"):
        printed = forecast_report(run_forecast(weekly_series, config, "synthetic"))
        printed += backtest_report(run_backtest(weekly_series, config, history, Period(pd.Timestamp("2021-07-01"),
                                                                                      weekly_series.index[-1]), with_classical=False))
    assert "挑中" in printed and "週" in printed
    assert not untranslated(printed), untranslated(printed)
