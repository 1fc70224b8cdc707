"""The lecture's general guide, applied to two rows of a table: a smaller and a bigger model.

The bigger function set contains the smaller one (56 days contain 28; 100 ReLU can
imitate 10, or a linear function; 4 layers can imitate 3), so:

    bigger model, HIGHER training loss          -> optimization failure (not overfitting:
                                                   the optimizer missed a better point)
    training loss falls, test loss rises        -> overfitting
    training loss falls, test loss falls        -> the bigger model helps
    training loss falls, test loss flat         -> no gain on unseen data
    a difference no larger than the seed spread -> neither can be told
    one seed                                    -> no spread: luck cannot be ruled out

A difference counts only when it is larger than the seed spread: the larger of the
two rows' standard deviations over seeds. Losses are in views.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..core.i18n import N_, _
from ..core.units import k, model_label

OPTIMIZATION_FAILURE = N_("optimization failure")
OVERFITTING = N_("overfitting")
BETTER = N_("better")
NO_TEST_GAIN = N_("no gain on test")
WITHIN_SPREAD = N_("within the seed spread")
ONE_SEED = N_("one seed")


@dataclass(frozen=True)
class Loss:
    """A loss over seeds: its mean, its standard deviation, and how many seeds it is from."""

    mean: float
    std: float
    n_seeds: int

    @classmethod
    def of(cls, summary: dict) -> Loss:
        """From a summary over seeds (`metrics.over_seeds`)."""
        return cls(summary["mean"], summary["std"], len(summary["per_seed"]))


@dataclass(frozen=True)
class Verdict:
    """What the general guide says of `bigger` against `smaller`, and the numbers behind it."""

    smaller: str
    bigger: str
    kind: str
    text: str
    train_change: float
    train_spread: float
    test_change: float
    test_spread: float

    def to_dict(self) -> dict:
        return asdict(self)


def compare(smaller: str, bigger: str, train: tuple[Loss, Loss], test: tuple[Loss, Loss], unseen: str | None = None) -> Verdict:
    """The verdict on `bigger` vs `smaller`, from their (smaller, bigger) training and test losses;
    `unseen` names the data of `test` in the sentence (default 'unseen data'; a sweep's is its validation data).

    >>> compare("relu:100", "relu:100x4", (Loss(280, 5, 3), Loss(100, 5, 3)), (Loss(430, 5, 3), Loss(440, 5, 3))).kind
    'overfitting'
    """
    unseen = unseen or _("unseen data")
    d_train, s_train = _change(*train)
    d_test, s_test = _change(*test)
    numbers = _("training {train_small} → {train_big}, test {test_small} → {test_big}").format(
        train_small=k(train[0].mean, 3), train_big=k(train[1].mean, 3), test_small=k(test[0].mean, 3), test_big=k(test[1].mean, 3))
    if min(loss.n_seeds for loss in (*train, *test)) < 2:
        kind = ONE_SEED
        why = _("with one seed there is no spread to tell an effect from luck: train two or more seeds")
    elif d_train > s_train:
        kind = OPTIMIZATION_FAILURE
        why = _("a higher training loss, though its function set includes that of {smaller}: "
                "an optimization failure, not overfitting").format(smaller=model_label(smaller))
    elif d_train >= -s_train:
        kind = WITHIN_SPREAD
        why = _("the training losses differ by {change} views, no more than the seed spread ({spread}): neither an "
                "optimization failure nor overfitting can be told").format(change=f"{abs(d_train):,.1f}", spread=f"{s_train:,.1f}")
    elif d_test > s_test:
        kind = OVERFITTING
        why = _("better on the training data, worse on {unseen}: overfitting").format(unseen=unseen)
    elif d_test < -s_test:
        kind = BETTER
        why = _("better on both the training data and {unseen}").format(unseen=unseen)
    else:
        kind = NO_TEST_GAIN
        why = _("better on the training data, but the test losses differ by {change} views, no more than the seed spread "
                "({spread}): no gain on {unseen}").format(change=f"{abs(d_test):,.1f}", spread=f"{s_test:,.1f}", unseen=unseen)
    text = _("{bigger} vs {smaller}: {why} ({numbers}).").format(
        bigger=model_label(bigger), smaller=model_label(smaller), why=why, numbers=numbers)
    return Verdict(smaller, bigger, kind, text, d_train, s_train, d_test, s_test)


def told(table: dict) -> list[Verdict]:
    """A saved table's verdicts (its `diagnosis`), judged again from its rows in the current language:
    the same pairs, the same numbers, the words of `--lang`."""
    rows = {row["label"]: row for row in table["rows"]}
    return [compare(v["smaller"], v["bigger"], *(tuple(Loss.of(rows[label][period]) for label in (v["smaller"], v["bigger"]))
                                                 for period in ("train", "test"))) for v in table["diagnosis"]]


def _change(smaller: Loss, bigger: Loss) -> tuple[float, float]:
    """How much the loss rises from smaller to bigger, and the seed spread it is judged against."""
    return bigger.mean - smaller.mean, max(smaller.std, bigger.std)
