import numpy as np
import pytest

from viewcast.lecture import surface
from viewcast.lecture.surface import descend, exact_optimum, loss_grid


@pytest.fixture
def xy():
    rng = np.random.default_rng(0)
    x = rng.uniform(500, 2000, 300)
    return x, 200 + 0.8 * x + rng.normal(0, 100, 300)


@pytest.mark.parametrize("loss", ["mae", "mse"])
def test_the_vectorized_grid_equals_a_loop_over_grid_points(xy, loss, monkeypatch):
    x, y = xy
    monkeypatch.setattr(surface, "GRID_BLOCK", 5 * 7 * len(x) + 1)  # blocks of 5 rows: 4 blocks for 17 rows
    w, b = np.linspace(0, 1.5, 7), np.linspace(-500, 800, 17)
    grid = loss_grid(x, y, w, b, loss)
    for i, b_i in enumerate(b):
        for j, w_j in enumerate(w):
            e = y - (b_i + w_j * x)
            assert grid[i, j] == pytest.approx(np.mean(np.abs(e)) if loss == "mae" else np.mean(e**2))


def test_the_exact_mae_optimum_beats_every_grid_point(xy):
    x, y = xy
    w, b, value = exact_optimum(x, y, "mae")
    assert value == pytest.approx(np.mean(np.abs(y - b - w * x)))
    grid = loss_grid(x, y, np.linspace(w - 0.05, w + 0.05, 101), np.linspace(b - 50, b + 50, 101), "mae")
    assert value <= grid.min() + 1e-9
    assert grid.min() - value < 0.05  # and the fine grid comes close to it


def test_exact_optima_on_a_line_without_noise():
    x = np.arange(1.0, 50.0)
    for loss in ("mae", "mse"):
        w, b, value = exact_optimum(x, 3 + 2 * x, loss)
        assert (w, b, value) == (pytest.approx(2, abs=1e-6), pytest.approx(3, abs=1e-4), pytest.approx(0, abs=1e-4))


def test_full_batch_descent_reaches_least_squares_and_never_goes_up(xy):
    x, y = xy
    path = descend(x, y, start=(0.1, 1500), lr=0.1, n_updates=500, loss="mse")
    w, b, value = exact_optimum(x, y, "mse")
    assert path.diverged_at is None
    assert (path.w[0], path.b[0]) == (pytest.approx(0.1), pytest.approx(1500))
    assert (path.w[-1], path.b[-1]) == (pytest.approx(w, rel=1e-4), pytest.approx(b, rel=1e-3))
    assert np.all(np.diff(path.loss) <= 1e-6 * path.loss[0])


def test_a_step_too_large_is_caught_not_raised(xy):
    x, y = xy
    path = descend(x, y, start=(0.1, 1500), lr=1.5, n_updates=1000, loss="mse")
    assert path.diverged_at is not None and path.diverged_at < 1000
    assert path.updates[-1] == path.diverged_at and path.loss[-1] > 1000 * path.loss[0]


def test_small_batches_zig_zag_and_are_repeatable(xy):
    x, y = xy
    one = descend(x, y, start=(0.1, 1500), lr=0.01, n_updates=600, batch_size=1, loss="mae", seed=3)
    again = descend(x, y, start=(0.1, 1500), lr=0.01, n_updates=600, batch_size=1, loss="mae", seed=3)
    assert np.array_equal(one.w, again.w)
    assert np.any(np.diff(one.loss) > 0)  # a single example's gradient can point uphill for the whole set
    assert one.loss[-1] < one.loss[0]
    assert len(descend(x, y, (0.1, 1500), 0.01, 5000, loss="mae", max_points=100).updates) == 101


def test_study_centres_the_grid_on_the_optimum_and_runs_every_experiment():
    rng = np.random.default_rng(3)
    x = rng.uniform(800, 1600, 300)
    y = 150 + 0.9 * x + rng.normal(0, 80, 300)
    result = surface.study(x, y, n_w=61, n_b=41)
    w, b = np.array(result["w"]), np.array(result["b"])
    assert len(w) == 61 and len(b) == 41 and np.allclose(np.diff(w), 0.025)
    for loss in ("mae", "mse"):
        s = result["surfaces"][loss]
        grid = np.array(s["grid"])
        assert grid.shape == (41, 61)
        assert s["best_grid"][0] in w and s["best_grid"][1] in b
        assert s["best_grid"][2] == pytest.approx(grid.min(), rel=1e-4)
        assert w[0] < s["exact"][0] < w[-1] and b[0] < s["exact"][1] < b[-1]  # the optimum is on the picture
        assert s["exact"][2] <= s["best_grid"][2] * (1 + 1e-9)  # no grid point beats the exact optimum
    diverged = [p["lr"] for p in result["learning_rates"] if p["diverged_at"] is not None]
    assert diverged == [1.2]
    slow = result["updates"]["path"]
    assert set(result["updates"]["marks"]) <= set(slow["updates"])  # each marked update was recorded
    assert [p["updates_per_epoch"] for p in result["batch_sizes"]] == [1, 60, 300]
    assert surface.Path.from_dict(slow).updates[-1] == 10_000
