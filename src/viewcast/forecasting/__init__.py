"""Forecasts for a channel's next days, and their test on days never trained on (imports `core`, `engine`).

    forecast.py   choose by validation among the lecture's families and the naive rules, retrain, forecast
    rolling.py    the one-day function applied recursively, at every origin of a period
    intervals.py  adaptive conformal intervals from past errors
    backtest.py   the same procedure at rolling origins, against the naive rules and classical.py
    classical.py  statsforecast's AutoETS and AutoARIMA (the optional `classical` extra)
"""
