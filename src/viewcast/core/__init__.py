"""The lecture's three steps and the estimator that joins them (imports `engine` and `errors` only).

    step 0  data.py       bundled series and the CSV loader; features.py, lag windows, the split, the scaler
            inputs.py     what a model sees: plain views, log, level-scaled windows, the weekday
    step 1  models.py     the function with unknown parameters: linear, sigmoid / ReLU layers, deep nets
    step 2  losses.py     the training loss (torch); metrics.py, evaluation in views (numpy)
    step 3  optimize.py   gradient descent with torch.optim: mini-batches, schedules, early stopping
            forecaster.py the three steps as one estimator; baselines.py, the naive rules beside it
            selection.py  validation periods: one hold-out, or time-series folds
            runs.py       a trained run: train, measure, save and load its folder
            units.py      numbers as the lecture writes them ("0.48k", "7 days")
"""
