"""What `viewcast forecast` and `backtest` print (and keep as summary.txt): the validation of
the candidates, the forecast with its intervals, and every method's scores per horizon."""

from __future__ import annotations

from tabulate import tabulate

from ..core.baselines import BASELINES
from ..core.i18n import N_, _, ngettext, sentences
from ..core.units import Units, model_label

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"),
            N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"))
"""The weekdays as strftime writes them (%a in the forecast's table, %A in `predict`'s line), for the catalogue."""


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
        [model_label(row["label"]), *([units.exact(row["val_mae"])] if n_days > 1 else []),
         *[units.exact(row["val_mae_by_horizon"][h - 1]) for h in horizons],
         *([units.exact(v) for v in row["val_mae_by_fold"]] if n_folds > 1 else []),
         "" if row["one_seed_mae"] is None else units.exact(row["one_seed_mae"]),
         _("← picked") if row["label"] == selection.picked.label else ""]
        for row in shown
    ]
    headers = [_("candidate"), *([_("mean 1-{n}").format(n=n_days)] if n_days > 1 else []), *[f"+{h}" for h in horizons],
               *([_("fold {i}").format(i=i) for i in range(1, n_folds + 1)] if n_folds > 1 else []), _("one seed +1"), ""]
    more = (_(" (the best {top} of {n}, and the baselines)").format(top=top, n=len(selection.table))
            if len(selection.table) > top else "")
    if n_folds > 1:
        each = _("; ").join(_("fold {i}: trained on {train}, validated on {val}").format(i=i, train=train, val=val)
                            for i, (train, val) in enumerate(selection.folds, start=1))
        where = _("Validation on {n} folds ({folds}), every day forecast from the real past, the MAE averaged over the "
                  "folds{more}.").format(n=n_folds, folds=each, more=more)
    else:
        where = _("Validation: trained on {train}, every day of {val} forecast from the real past{more}.").format(
            train=selection.train, val=selection.val, more=more)
    return "\n".join([
        sentences(where, _("MAE in {metric}, h days ahead (+h); a network's forecast is the mean of its seeds' (one seed: "
                           "each alone, on average).").format(metric=_(units.metric))),
        "",
        tabulate(rows, headers=headers, tablefmt="simple", colalign=["left"] + ["right"] * (len(headers) - 2) + ["left"]),
    ])


def forecast_table(frame, coverage: float, data: dict) -> str:
    """The forecast, one row per day, with its interval."""
    units = Units.of(data)
    rows = [[f"{day} {_(weekday)}", units.exact(f), f"{units.exact(lo)} .. {units.exact(hi)}"]
            for day, weekday, f, lo, hi in zip(frame["date"], frame["weekday"], frame["forecast"], frame["low"], frame["high"])]
    headers = [_("day"), _("forecast ({metric})").format(metric=_(units.metric)),
               _("{share} of days inside").format(share=f"{coverage:.0%}")]
    return tabulate(rows, headers=headers, tablefmt="simple", colalign=["left", "right", "right"])


def backtest_table(scores: list[dict], n_days: int, data: dict) -> str:
    """Every method's MAE, RMSE, MAPE, MASE and interval coverage, one block of rows per horizon shown."""
    units = Units.of(data)
    horizons = _horizons(n_days)
    rows = []
    for h in horizons:
        for score in (s for s in scores if s["horizon"] == h):
            rows.append([model_label(score["method"]), h, units.exact(score["mae"]), units.exact(score["rmse"]), f"{score['mape']:.1f}%",
                         f"{score['mase']:.3f}", _or_blank(score.get("mase_naive"), ".3f"), _or_blank(score["coverage"], ".1%")])
    headers = [_("method"), _("days ahead"), "MAE", "RMSE", "MAPE", "MASE", _("MASE vs naive"), _("coverage")]
    return tabulate(rows, headers=headers, tablefmt="simple", colalign=["left"] + ["right"] * 7, disable_numparse=True)


def _or_blank(value: float | None, fmt: str) -> str:
    return "" if value is None else format(value, fmt)


def forecast_report(run) -> str:
    """What `viewcast forecast` prints and keeps as summary.txt."""
    summary, data = run.summary, run.summary["data"]
    n_days = len(run.forecast)
    picked = {"model": model_label(summary["picked"]), "why": summary["choice"], "n": n_days}
    return "\n".join([
        _("Data: {source}, {first}..{last} ({n} days, {missing} missing; a missing input day is filled from the days before it, "
          "never scored).").format(source=summary["source"], first=data["first"], last=data["last"], n=f"{data['days']:,}",
                                   missing=data["missing_days"]),
        _("Every network: {training}.").format(training=summary["candidates"]["training"]),
        "",
        validation_table(run.selection, n_days, data),
        "",
        (_("Picked: {model} ({why}; validation MAE averaged over 1..{n} days ahead).") if n_days > 1 else
         _("Picked: {model} ({why}; validation MAE).")).format(**picked),
        _("Trained on {window}; retrained on {period}.").format(window=summary["training_window"],
                                                                period=summary["periods"]["final_training"]),
        ngettext("Forecast: {n} day ahead, {method}; {intervals}.", "Forecast: {n} days ahead, {method}; {intervals}.", n_days).format(
            n=n_days, method=summary["method"], intervals=summary["intervals"]),
        "",
        forecast_table(run.forecast, summary["coverage"], data),
    ])


def backtest_report(run) -> str:
    """What `viewcast backtest` prints and keeps as summary.txt."""
    summary, periods = run.summary, run.summary["periods"]
    n_days = max(score["horizon"] for score in run.scores)
    return "\n".join([
        _("Backtest on {source}: history {history} (validation {validation}), test {test} ({n} days with data, never trained "
          "on).").format(source=summary["source"], history=periods["history"], validation=periods["validation"],
                         test=periods["test"], n=summary["test_days"]),
        _("Every network: {training}.").format(training=summary["candidates"]["training"]),
        "",
        validation_table(run.selection, n_days, summary["data"]),
        "",
        _("Picked: {model} ({why}), trained on {window}; retrained on {period}.").format(
            model=model_label(summary["picked"]), why=summary["choice"], window=summary["training_window"],
            period=periods["final_training"]),
        _("Its forecast: {how}.").format(how=summary["pick_forecasts"]),
        _("Every method: {how}.").format(how=summary["method"]),
        _("MAE, RMSE in {metric}; MASE = MAE / {scale} (the seasonal naive's one-day MAE on {period}), MASE vs naive = MAE / "
          "{naive_scale} (same as yesterday's); coverage of the {share} intervals ({intervals}). Classical methods: "
          "{classical}.").format(
            metric=_(Units.of(summary["data"]).metric), scale=f"{summary['mase_scale']:,.1f}", period=periods["final_training"],
            naive_scale=f"{summary['mase_naive_scale']:,.1f}", share=f"{summary['coverage']:.0%}", intervals=summary["intervals"],
            classical=summary["classical"]),
        "",
        backtest_table(run.scores, n_days, summary["data"]),
    ])
