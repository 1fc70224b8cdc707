"""What `viewcast forecast` and `backtest` print (and keep as summary.txt): the validation of
the candidates, the forecast with its intervals, and every method's scores per horizon."""

from __future__ import annotations

from tabulate import tabulate

from ..core.baselines import BASELINES
from ..core.units import Units, days


def _horizons(n_days: int) -> list[int]:
    """The horizons a table shows: all up to 7, else 1..7 and the last."""
    return list(range(1, min(n_days, 7) + 1)) + ([n_days] if n_days > 7 else [])


def validation_table(selection, n_days: int, data: dict, top: int = 12) -> str:
    """The candidates ranked by validation MAE (mean over the horizons, and the folds), with each
    horizon's MAE, and each fold's when there are several."""
    units = Units.of(data)
    horizons = _horizons(n_days)
    n_folds = len(selection.folds)
    shown = selection.table[:top] + [row for row in selection.table[top:] if row["model"] in BASELINES]  # always the baselines
    rows = [
        [row["label"], *([units.exact(row["val_mae"])] if n_days > 1 else []),
         *[units.exact(row["val_mae_by_horizon"][h - 1]) for h in horizons],
         *([units.exact(v) for v in row["val_mae_by_fold"]] if n_folds > 1 else []),
         "" if row["one_seed_mae"] is None else units.exact(row["one_seed_mae"]),
         "← picked" if row["label"] == selection.picked.label else ""]
        for row in shown
    ]
    headers = ["candidate", *([f"mean 1-{n_days}"] if n_days > 1 else []), *[f"+{h}" for h in horizons],
               *([f"fold {i}" for i in range(1, n_folds + 1)] if n_folds > 1 else []), "one seed +1", ""]
    more = f" (the best {top} of {len(selection.table)}, and the baselines)" if len(selection.table) > top else ""
    if n_folds > 1:
        each = "; ".join(f"fold {i}: trained on {train}, validated on {val}" for i, (train, val) in enumerate(selection.folds, start=1))
        where = f"Validation on {n_folds} folds ({each}), every day forecast from the real past, the MAE averaged over the folds{more}."
    else:
        where = f"Validation: trained on {selection.train}, every day of {selection.val} forecast from the real past{more}."
    return "\n".join([
        f"{where} MAE in {units.metric}, h days ahead (+h); a network's forecast is the mean of its seeds' "
        "(one seed: each alone, on average).",
        "",
        tabulate(rows, headers=headers, tablefmt="simple", colalign=["left"] + ["right"] * (len(headers) - 2) + ["left"]),
    ])


def forecast_table(frame, coverage: float, data: dict) -> str:
    """The forecast, one row per day, with its interval."""
    units = Units.of(data)
    rows = [[f"{day} {weekday}", units.exact(f), f"{units.exact(lo)} .. {units.exact(hi)}"]
            for day, weekday, f, lo, hi in zip(frame["date"], frame["weekday"], frame["forecast"], frame["low"], frame["high"])]
    headers = ["day", f"forecast ({units.metric})", f"{coverage:.0%} of days inside"]
    return tabulate(rows, headers=headers, tablefmt="simple", colalign=["left", "right", "right"])


def backtest_table(scores: list[dict], n_days: int, data: dict) -> str:
    """Every method's MAE, RMSE, MAPE, MASE and interval coverage, one block of rows per horizon shown."""
    units = Units.of(data)
    horizons = _horizons(n_days)
    rows = []
    for h in horizons:
        for score in (s for s in scores if s["horizon"] == h):
            rows.append([score["method"], h, units.exact(score["mae"]), units.exact(score["rmse"]), f"{score['mape']:.1f}%",
                         f"{score['mase']:.3f}", _or_blank(score.get("mase_naive"), ".3f"), _or_blank(score["coverage"], ".1%")])
    headers = ["method", "days ahead", "MAE", "RMSE", "MAPE", "MASE", "MASE vs naive", "coverage"]
    return tabulate(rows, headers=headers, tablefmt="simple", colalign=["left"] + ["right"] * 7, disable_numparse=True)


def _or_blank(value: float | None, fmt: str) -> str:
    return "" if value is None else format(value, fmt)


def forecast_report(run) -> str:
    """What `viewcast forecast` prints and keeps as summary.txt."""
    summary, data = run.summary, run.summary["data"]
    n_days = len(run.forecast)
    return "\n".join([
        f"Data: {summary['source']}, {data['first']}..{data['last']} ({data['days']:,} days, {data['missing_days']} missing; "
        "a missing input day is filled from the days before it, never scored).",
        f"Every network: {summary['candidates']['training']}.",
        "",
        validation_table(run.selection, n_days, data),
        "",
        f"Picked: {summary['picked']} ({summary['choice']}; validation MAE"
        f"{' averaged over 1..' + str(n_days) + ' days ahead' if n_days > 1 else ''}).",
        f"Trained on {summary['training_window']}; retrained on {summary['periods']['final_training']}.",
        f"Forecast: {days(n_days)} ahead, {summary['method']}; {summary['intervals']}.",
        "",
        forecast_table(run.forecast, summary["coverage"], data),
    ])


def backtest_report(run) -> str:
    """What `viewcast backtest` prints and keeps as summary.txt."""
    summary, periods = run.summary, run.summary["periods"]
    n_days = max(score["horizon"] for score in run.scores)
    return "\n".join([
        f"Backtest on {summary['source']}: history {periods['history']} (validation {periods['validation']}), "
        f"test {periods['test']} ({summary['test_days']} days with data, never trained on).",
        f"Every network: {summary['candidates']['training']}.",
        "",
        validation_table(run.selection, n_days, summary["data"]),
        "",
        f"Picked: {summary['picked']} ({summary['choice']}), trained on {summary['training_window']}; "
        f"retrained on {periods['final_training']}.",
        f"Its forecast: {summary['pick_forecasts']}.",
        f"Every method: {summary['method']}.",
        f"MAE, RMSE in {Units.of(summary['data']).metric};"
        f" MASE = MAE / {summary['mase_scale']:,.1f} (the seasonal naive's one-day MAE on {periods['final_training']}), "
        f"MASE vs naive = MAE / {summary['mase_naive_scale']:,.1f} (same as yesterday's); "
        f"coverage of the {summary['coverage']:.0%} intervals ({summary['intervals']}). Classical methods: {summary['classical']}.",
        "",
        backtest_table(run.scores, n_days, summary["data"]),
    ])
