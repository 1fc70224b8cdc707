import pytest

from viewcast.diagnosis import (
    BETTER,
    NO_TEST_GAIN,
    OPTIMIZATION_FAILURE,
    OVERFITTING,
    WITHIN_SPREAD,
    Loss,
    compare,
)


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
        # the training change is no larger than the seed spread: neither can be told
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


def test_one_seed_has_no_spread_so_any_difference_counts():
    verdict = compare("a", "b", (Loss(300), Loss(299)), (Loss(400), Loss(401)))
    assert verdict.kind == OVERFITTING
    assert (verdict.train_change, verdict.test_change) == (-1, 1)


def test_the_verdict_names_both_models_and_shows_the_numbers():
    verdict = compare("relu:100 on 56 days", "relu:100x4 on 56 days", (Loss(280), Loss(100)), (Loss(430), Loss(440)))
    assert verdict.text.startswith("relu:100x4 on 56 days vs relu:100 on 56 days: ")
    assert "training 0.280k → 0.100k, test 0.430k → 0.440k" in verdict.text
    assert verdict.to_dict()["kind"] == OVERFITTING
