import pytest

from viewcast.lecture.guide import (
    BETTER,
    NO_TEST_GAIN,
    ONE_SEED,
    OPTIMIZATION_FAILURE,
    OVERFITTING,
    WITHIN_SPREAD,
    compare,
)
from viewcast.lecture.guide import Loss as _Loss


def Loss(mean, std=0.0, n_seeds=5):
    return _Loss(mean, std, n_seeds)


@pytest.mark.parametrize(
    "train, test, kind",
    [
        # the bigger model is worse on training data: the optimizer failed, whatever test says
        ((Loss(300), Loss(320)), (Loss(400), Loss(390)), OPTIMIZATION_FAILURE),
        ((Loss(300, 5), Loss(320, 15)), (Loss(400), Loss(500)), OPTIMIZATION_FAILURE),
        # better on training data, worse on test: overfitting
        ((Loss(280), Loss(100)), (Loss(430), Loss(440)), OVERFITTING),
        ((Loss(300), Loss(200)), (Loss(400), Loss(350)), BETTER),
        # the test change is no larger than the seed spread
        ((Loss(300), Loss(200)), (Loss(400, 10), Loss(405)), NO_TEST_GAIN),
        ((Loss(300), Loss(200)), (Loss(400), Loss(390, 10)), NO_TEST_GAIN),
        # a training change larger than the seed spread counts; one no larger does not
        ((Loss(300, 15), Loss(320, 5)), (Loss(400), Loss(500)), OPTIMIZATION_FAILURE),
        ((Loss(300, 25), Loss(320, 5)), (Loss(400), Loss(500)), WITHIN_SPREAD),
        ((Loss(300, 25), Loss(280)), (Loss(400), Loss(500)), WITHIN_SPREAD),
    ],
)
def test_the_general_guide_on_constructed_losses(train, test, kind):
    assert compare("small", "big", train, test).kind == kind


def test_a_difference_equal_to_the_spread_is_not_counted():
    assert compare("a", "b", (Loss(300, 10), Loss(310)), (Loss(0), Loss(0))).kind == WITHIN_SPREAD
    assert compare("a", "b", (Loss(300, 10), Loss(310.5)), (Loss(0), Loss(0))).kind == OPTIMIZATION_FAILURE
    assert compare("a", "b", (Loss(300, 10), Loss(290)), (Loss(0), Loss(0))).kind == WITHIN_SPREAD


def test_one_seed_has_no_spread_so_no_verdict():
    verdict = compare("a", "b", (Loss(300, 0, 1), Loss(200, 0, 1)), (Loss(400, 0, 1), Loss(500, 0, 1)))
    assert verdict.kind == ONE_SEED and "two or more seeds" in verdict.text
    assert (verdict.train_change, verdict.test_change) == (-100, 100)


def test_losses_are_read_from_summaries_over_seeds():
    loss = _Loss.of({"per_seed": [1.0, 3.0], "mean": 2.0, "std": 1.0, "min": 1.0, "max": 3.0})
    assert loss == _Loss(2.0, 1.0, 2)


def test_the_verdict_names_both_models_and_shows_the_numbers():
    verdict = compare("relu:100 on 56 days", "relu:100x4 on 56 days", (Loss(280), Loss(100)), (Loss(430), Loss(440)))
    assert verdict.text.startswith("relu:100x4 on 56 days vs relu:100 on 56 days: ")
    assert "training 0.280k → 0.100k, test 0.430k → 0.440k" in verdict.text
    assert verdict.to_dict()["kind"] == OVERFITTING
