"""report.html: made from a lecture folder's files only, self-contained, and rendered by a real browser."""

import base64
import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from viewcast.cli.main import main
from viewcast.core import forecaster
from viewcast.engine.folders import MARKER
from viewcast.lecture import surface
from viewcast.lecture.folder import FILES as LECTURE_FILES

TITLES = [
    "1. The error surface",
    "2. Learning rate and number of updates",
    "3. Batch size",
    "4. Loss curves",
    "5. Real views and the estimate",
    "6. The lecture's tables",
    "7. The 7-day weights",
    "8. Mismatch: when the world changes",
    "9. Optimizers side by side",
    "10. The general guide",
    "11. Classification: softmax and cross-entropy",
]
IMAGE = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


@pytest.fixture(scope="module")
def lecture_dir(tmp_path_factory):
    """A lecture folder from a short run on three years of synthetic views."""
    folder = tmp_path_factory.mktemp("lecture")
    days = pd.date_range("2019-01-01", "2021-12-31", name="date")
    rng = np.random.default_rng(1)
    views = np.round(1000 + np.arange(len(days)) + 300 * (days.day_of_week < 5) + rng.normal(0, 30, len(days)))
    pd.Series(views, index=days, name="views").drop(pd.Timestamp("2020-06-15")).to_csv(folder / "views.csv")
    out = folder / "out"
    assert main(["lecture", "--data", str(folder / "views.csv"), "--out", str(out), "--epochs", "2", "--seeds", "2", "--quiet"]) == 0
    return out


def sections(html: str) -> list[str]:
    return re.findall(r"<h2>(.*?)</h2>", html.replace("&#x27;", "'"))


def test_lecture_writes_every_file_and_a_report_with_every_section(lecture_dir):
    assert sorted(p.name for p in lecture_dir.iterdir()) == sorted([*LECTURE_FILES, MARKER])
    html = (lecture_dir / "report.html").read_text()
    assert sections(html) == TITLES
    images = IMAGE.findall(html)
    assert len(images) == html.count("<img") >= 16  # every image is an embedded PNG
    assert all(base64.b64decode(image).startswith(b"\x89PNG\r\n\x1a\n") for image in images)
    text = IMAGE.sub("", html)  # the page without its embedded images
    assert not re.search(r"(src|href)=", text) and "http" not in text and "url(" not in text  # nothing to fetch
    assert text.count("<script") == 2  # the explorers' data and code, inline
    assert all(f'id="explore-{name}" class="explore" hidden' in text for name in ("descent", "sigmoids", "batches"))  # shown by the script


def test_report_rebuilds_the_same_file_from_saved_results_without_training(lecture_dir, tmp_path, monkeypatch, capsys):
    def forbidden(*args, **kwargs):
        raise AssertionError("making a report trained something")

    monkeypatch.setattr(forecaster.Forecaster, "fit_windows", forbidden)
    monkeypatch.setattr(forecaster, "train_stack", forbidden)
    monkeypatch.setattr(surface, "descend", forbidden)
    monkeypatch.setattr(surface, "loss_grid", forbidden)
    copy = tmp_path / "copy"
    shutil.copytree(lecture_dir, copy)
    written = (copy / "report.html").read_bytes()
    (copy / "report.html").unlink()
    assert main(["report", str(copy), "--figures", str(tmp_path / "figures")]) == 0
    assert (copy / "report.html").read_bytes() == written  # the same pictures from the same files
    assert len(list((tmp_path / "figures").glob("*.png"))) == len(IMAGE.findall(written.decode()))


def test_report_on_an_older_folder_says_what_is_missing(lecture_dir, tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    shutil.copy(lecture_dir / "results.json", old)
    assert main(["report", str(old)]) == 0
    html = (old / "report.html").read_text()
    assert sections(html) == TITLES
    assert html.count("This folder has no") == 8  # the surface (1-3), curves, predictions, mismatch, optimizers, classification
    assert len(IMAGE.findall(html)) == 4  # the three table charts and the weights come from results.json


def test_report_errors_touch_nothing(lecture_dir, tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 1
    assert "not a viewcast lecture folder" in capsys.readouterr().err
    taken = tmp_path / "mine.html"
    taken.write_text("my notes")
    assert main(["report", str(lecture_dir), "--out", str(taken)]) == 1
    assert "already exists" in capsys.readouterr().err and taken.read_text() == "my notes"
    for name, damage in (("surface.json", "{not json"), ("surface.json", "{}"), ("mismatch.json", "[]"), ("curves.csv", "a,b\n1,2\n")):
        damaged = tmp_path / f"damaged-{name}-{len(damage)}"
        shutil.copytree(lecture_dir, damaged)
        (damaged / name).write_text(damage)
        assert main(["report", str(damaged)]) == 1, (name, damage)
        assert "damaged lecture folder" in capsys.readouterr().err
        assert (damaged / "report.html").read_bytes() == (lecture_dir / "report.html").read_bytes()  # kept
    results = lecture_dir / "results.json"
    before = results.read_bytes()
    assert main(["report", str(lecture_dir), "--out", str(results), "--force"]) == 1
    assert "lecture folder's own files" in capsys.readouterr().err and results.read_bytes() == before
    assert main(["report", str(lecture_dir), "--out", str(tmp_path), "--figures", str(tmp_path / "figures")]) == 1
    assert "is a folder" in capsys.readouterr().err and not (tmp_path / "figures").exists()  # no PNG left behind
    assert main(["report", str(lecture_dir), "--out", str(tmp_path / "r.html"), "--figures", str(taken)]) == 1
    assert "is a file" in capsys.readouterr().err and not (tmp_path / "r.html").exists()


def test_report_renders_in_headless_chromium(lecture_dir, tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (make test installs it with apt-get where it can)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'")
    flags = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync"]
    report = lecture_dir / "report.html"
    console, requests, errors = [], [], []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=flags)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
            page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("request", lambda request: requests.append(request.url))
            page.goto(report.as_uri(), wait_until="load")
            images = page.evaluate("Array.from(document.images, i => [i.complete, i.naturalWidth, i.getBoundingClientRect().width])")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            page.screenshot(path=str(tmp_path / "report-phone.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 900})  # a laptop
            page.screenshot(path=str(tmp_path / "report-laptop.png"))
        finally:
            browser.close()
    assert not [line for line in console if line.startswith(("error", "warning"))] and not errors
    assert [url for url in requests if not url.startswith("data:")] == [report.as_uri()]  # the file itself only
    assert len(images) >= 13 and all(done and width > 0 for done, width, _ in images)  # every image decoded
    assert all(shown <= 390 for _, _, shown in images) and overflow <= 0  # fits a phone's width
    assert (tmp_path / "report-phone.png").stat().st_size > 50_000


BROWSER_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
STARTS = [(0.2, 500.0), (1.4, -300.0), (0.9, 2500.0)]


def sigmoid_fit_mse(t: np.ndarray, y: np.ndarray, pieces: list[dict]) -> float:
    """The reference: b + Σ cᵢ pieceᵢ(t) fitted by numpy's least squares; its MSE."""
    shapes = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "hard": lambda z: np.clip(z + 0.5, 0, 1), "relu": lambda z: np.maximum(z, 0)}
    A = np.column_stack([np.ones_like(t)] + [shapes[p["kind"]]((t - p["center"]) / p["width"]) for p in pieces])
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    return float(np.mean((y - A @ coef) ** 2))


def test_the_explorers_compute_in_chromium_what_python_computes(lecture_dir, tmp_path):
    """The page's gradient descent equals `surface.descend` (three starts × three η, MSE and MAE, and
    momentum), its least-squares sigmoid fit equals numpy's, and the page paints in under a second.
    VIEWCAST_SCREENSHOTS=DIR keeps a screenshot of each explorer there (the README's)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (make test installs it with apt-get where it can)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'")
    report = lecture_dir / "report.html"
    pairs = json.loads((lecture_dir / "surface.json").read_text())["pairs"]
    x, y, t = (np.array(pairs[key], float) for key in ("x", "y", "day"))
    shots = Path(os.environ.get("VIEWCAST_SCREENSHOTS", tmp_path))
    errors = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=BROWSER_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(report.as_uri(), wait_until="load")
            page.wait_for_function("window.viewcast && window.viewcast.widgets && window.viewcast.widgets.descent")
            paint = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
            for start in STARTS:
                for lr in (0.001, 0.03, 0.3):
                    for loss, momentum in (("mse", 0.0), ("mae", 0.0), ("mse", 0.9)):
                        state = {"start": list(start), "lr": lr, "updates": 100, "loss": loss, "momentum": momentum, "batch": 0}
                        mine = page.evaluate("(state) => viewcast.descend(viewcast.data, state)", state)
                        theirs = surface.descend(x, y, start, lr, 100, loss=loss, momentum=momentum)
                        for key in ("w", "b", "loss"):
                            np.testing.assert_allclose(mine[key], getattr(theirs, key), rtol=1e-9, err_msg=f"{key} {state}")
            pieces = [{"kind": "hard", "center": t[len(t) // 4], "width": 60.0},
                      {"kind": "sigmoid", "center": t[len(t) // 2], "width": 30.0},
                      {"kind": "relu", "center": t[3 * len(t) // 4], "width": 90.0}]
            fitted = page.evaluate("(pieces) => viewcast.fitPieces(viewcast.data.day, viewcast.data.y, pieces)", pieces)
            assert fitted["mse"] == pytest.approx(sigmoid_fit_mse(t, y, pieces), rel=1e-6)
            descent = page.locator("#explore-descent")
            before = descent.locator(".result").inner_text()
            descent.locator("canvas").first.click(position={"x": 200, "y": 120})  # a new start
            page.wait_for_timeout(1200)
            assert descent.locator(".result").inner_text() != before
            page.locator("#explore-batches .run").click()  # 100 updates of each batch size
            for name in ("descent", "sigmoids", "batches"):
                page.locator(f"#explore-{name}").screenshot(path=str(shots / f"explorer-{name}.png"))
            hovered = hover_a_real_day(page, "The first 45 test days")
            page.screenshot(path=str(shots / "hover.png"), clip=page.locator("img[alt='The first 45 test days']").bounding_box())
        finally:
            browser.close()
    assert not errors
    assert paint < 1000
    assert report.stat().st_size < 2.5e6
    day, value = re.fullmatch(r"(\d{4}-\d\d-\d\d) · real views: ([\d,.]+)", hovered).groups()
    predictions = pd.read_csv(lecture_dir / "predictions.csv")
    assert float(value.replace(",", "")) == predictions.loc[predictions["date"] == day, "views"].iloc[0]


def hover_a_real_day(page, alt: str) -> str:
    """Move the pointer onto a point of the real views in the picture `alt`; the tooltip's text."""
    image = page.locator(f"img[alt='{alt}']")
    hover = json.loads(image.get_attribute("data-hover"))
    x, y, line, x_text, y_text = [p for p in hover["p"] if "· real views:" in hover["t"][p[2]]][10]
    text = hover["t"][line].replace("{x}", x_text).replace("{y}", y_text)
    image.scroll_into_view_if_needed()
    box = image.bounding_box()
    page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
    tip = page.locator(".tip")
    assert tip.is_visible() and tip.inner_text() == text
    return text
