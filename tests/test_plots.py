import numpy as np
import pytest
from matplotlib.contour import ContourSet

from viewcast import plots
from viewcast.surface import descend, exact_optimum, loss_grid


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
    assert [line.get_label() for line in ax.get_lines()] == ["η = 0.01, full batch", "η = 0.01, B = 5", "η = 0.01, B = 1"]
    assert ax.get_xscale() == "log"
    fig.savefig(tmp_path / "loss.png")
    assert (tmp_path / "loss.png").exists()
