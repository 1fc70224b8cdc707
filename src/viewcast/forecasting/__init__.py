"""Forecasts for a channel's next days, and their test on days never trained on (imports `core`, `engine`).

    forecast.py    choose by validation among the candidates, retrain the pick, forecast
    candidates.py  what is chosen from: networks (recursive or direct, with or without the calendar),
                   the naive rules, combinations; and how each is trained
    rolling.py     forecasts at every origin of a period: recursive, direct or combined
    intervals.py   adaptive conformal intervals from past errors
    backtest.py    the same procedure at rolling origins, against the naive rules and classical.py
    classical.py   statsforecast's AutoETS, AutoARIMA, AutoTheta and MSTL (the optional `classical` extra)
"""
