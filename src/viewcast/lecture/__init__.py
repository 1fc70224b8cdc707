"""The lecture's experiments and the follow-up lectures' tools (imports `core`, `engine`, `errors`).

    run.py         `viewcast lecture`: every table of the case study, model selection, the follow-ups
    tables.py      the tables' rows, their lecture numbers, scoring and the diagnosis of row pairs
    experiment.py  the protocol every experiment of the run follows: jobs(), then results(fitted)
    guide.py       the general guide on two rows (optimization failure, overfitting)
    doctor.py      the general guide walked on a lecture or sweep folder
    sweep.py       a grid of configurations, stacked, ranked by validation
    surface.py     the error surface and gradient descent on it, by hand
    rules.py       the update rules by hand; optimizers.py, five optimizers side by side
    critical.py    gradient and Hessian at trained weights: minimum, saddle, kink
    mismatch.py    a changed world (the pedestrians' lockdown); classify.py, softmax and cross-entropy
"""
