import numpy as np
import pandas as pd
import pytest
from matplotlib.container import BarContainer
from matplotlib.contour import ContourSet

from viewcast.lecture.surface import descend, exact_optimum, loss_grid
from viewcast.reporting import plots


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    x = rng.uniform(500, 2000, 200)
    y = 200 + 0.8 * x + rng.normal(0, 100, 200)
    w, b = np.linspace(0, 1.5, 31), np.linspace(-500, 1500, 41)
    return x, y, w, b


def test_error_surface_draws_contours_paths_and_optima(problem, tmp_path):
    x, y, w, b = problem
    grid = loss_grid(x, y, w, b, "mse")
    paths = [descend(x, y, (0.2, 1200), lr, 200, loss="mse") for lr in (0.01, 0.1, 1.5)]
    exact = exact_optimum(x, y, "mse")[:2]
    ax = plots.error_surface(w, b, grid, paths, best_grid=(w[3], b[4]), exact=exact, loss="mse")
    assert any(isinstance(artist, ContourSet) for artist in ax.get_children())
    labels = [line.get_label() for line in ax.get_lines()]
    assert "η = 0.1, full batch" in labels and "exact optimum" in labels and "best grid point" in labels
    diverged = [label for label in labels if "diverged at update" in label]
    assert diverged == [f"η = 1.5, full batch: diverged at update {paths[2].diverged_at:,}"]
    path_line = next(line for line in ax.get_lines() if line.get_label() == "η = 0.1, full batch")
    assert np.array_equal(path_line.get_xdata(), paths[1].w)  # the path drawn is the path computed
    ax.figure.savefig(tmp_path / "surface.png")
    assert (tmp_path / "surface.png").stat().st_size > 10_000


def test_loss_by_update_draws_one_line_per_path_on_given_axes(problem, tmp_path):
    import matplotlib.pyplot as plt

    x, y, _, _ = problem
    paths = [descend(x, y, (0.2, 1200), 0.01, 300, batch_size=batch, loss="mae") for batch in (0, 5, 1)]
    fig, ax = plt.subplots()
    assert plots.loss_by_update(paths, "mae", ax=ax) is ax
    assert [line.get_label() for line in ax.get_lines()] == [
        "η = 0.01, full batch",
        "η = 0.01, B = 5 (40 updates per epoch)",
        "η = 0.01, B = 1 (200 updates per epoch)",
    ]
    assert ax.get_xscale() == "log"
    fig.savefig(tmp_path / "loss.png")
    assert (tmp_path / "loss.png").exists()


def test_loss_curves_draw_every_seed_the_means_and_the_best_epoch(tmp_path):
    epochs = np.arange(1, 31)
    frames = []
    for seed in (0, 1, 2):
        val = 300 + (epochs - 12.0) ** 2 + seed  # lowest at epoch 12
        frames.append(pd.DataFrame({"epoch": epochs, "seed": seed, "train_loss": 1000 / epochs, "val_loss": val}))
    ax = plots.loss_curves(pd.concat(frames), title="relu:100")
    labels = [line.get_label() for line in ax.get_lines()]
    assert "training (mean of 3)" in labels and "validation (mean of 3)" in labels
    assert "lowest validation loss: epoch 12" in labels
    assert len(ax.get_lines()) == 3 + 1 + 3 + 1 + 2  # seeds and mean per period, the best epoch's line and dot
    assert ax.get_yscale() == "log"  # the training loss falls from 1,000 to 33: over 10×
    ax.figure.savefig(tmp_path / "curves.png")
    assert (tmp_path / "curves.png").stat().st_size > 5_000


def test_real_vs_predicted_is_red_and_blue_with_weekends_and_periods(tmp_path):
    dates = pd.date_range("2021-01-01", periods=60)
    views = np.arange(60.0)
    gap = dates.delete(10)  # the model has no estimate for 2021-01-11
    ax = plots.real_vs_predicted(dates, views, {"linear on 7 days": (gap, views[dates.isin(gap)] + 1)},
                                 periods={"training": ("2021-01-01", "2021-01-31"), "test": ("2021-02-01", "2021-03-01")})
    real, estimate = ax.get_lines()
    assert real.get_color() == plots.REAL == "tab:red" and estimate.get_color() == plots.ESTIMATE == "tab:blue"
    assert np.isnan(estimate.get_ydata()[10]) and len(estimate.get_ydata()) == 60  # the gap is not bridged
    shaded = [c for c in ax.collections if c.get_label() == "Saturday, Sunday"]
    assert len(shaded) == 1
    assert [t.get_text() for t in ax.texts] == [" training", " test"]
    ax.figure.savefig(tmp_path / "real.png")
    assert (tmp_path / "real.png").exists()


TABLE = {
    "title": "Depth",
    "rows": [
        {"label": "relu:100 on 56 days", "train": {"mean": 100, "std": 5}, "test": {"mean": 300, "std": 10},
         "lecture": {"train": 280, "test": 430}},
        {"label": "relu:100x2 on 56 days", "train": {"mean": 60, "std": 4}, "test": {"mean": 320, "std": 12}, "lecture": None},
    ],
    "baselines": [{"label": "baseline: same as 7 days ago", "test": {"mae": 380}},
                  {"label": "baseline: same as yesterday", "test": {"mae": 500}}],
}


def test_table_chart_has_error_bars_lecture_markers_and_the_best_baseline(tmp_path):
    ax = plots.table_chart(TABLE)
    bars = [c for c in ax.containers if c.__class__.__name__ == "ErrorbarContainer"]
    assert len(bars) == 2
    train = bars[0].lines[0]
    assert np.allclose(train.get_ydata(), [100, 60])
    labels = [line.get_label() for line in ax.get_lines()]
    lecture = next(line for line in ax.get_lines() if line.get_label() == "test (lecture)")
    assert list(lecture.get_ydata()) == [430]  # only the row the lecture has
    assert "test, same as 7 days ago" in labels
    ax.figure.savefig(tmp_path / "table.png")
    assert (tmp_path / "table.png").exists()


def test_weights_bars_put_ours_beside_the_lecture(tmp_path):
    weights = {"w": [{"mean": 0.5 - 0.1 * j, "std": 0.01} for j in range(7)], "b": {"mean": 200.0},
               "lecture": {"w": [0.79, -0.31, 0.12, -0.01, -0.10, 0.30, 0.18], "b": 50.0}}
    ax = plots.weights_bars(weights)
    ours, lecture = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert np.allclose([bar.get_height() for bar in ours], [0.5 - 0.1 * j for j in range(7)])
    assert np.allclose([bar.get_height() for bar in lecture], weights["lecture"]["w"])
    ax.figure.savefig(tmp_path / "weights.png")
    assert (tmp_path / "weights.png").exists()
