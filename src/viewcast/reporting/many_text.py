"""What `viewcast forecast --by` and `backtest --by` print (and keep as summary.txt): how many
series were done, skipped or failed and why, and for a backtest on how many series viewcast
beat each method it was compared with."""

from __future__ import annotations

from tabulate import tabulate

from ..core.i18n import _
from ..core.units import model_label

SHOWN = 10  # series listed by name in the text (every one is in series.csv)


def many_report(run) -> str:
    """The summary of a many-series run."""
    s = run.summary
    counts = {"done": f"{s['done']:,}", "skipped": f"{s['skipped']:,}", "failed": f"{s['failed']:,}", "seconds": f"{s['wall_time_s']:.0f}"}
    what = (_("Backtest of {n} series of {source} (by {by}), on {engine}") if s["kind"] == "backtest" else
            _("Forecast of {n} series of {source} (by {by}), on {engine}")).format(n=f"{s['series']:,}", source=s["source"],
                                                                                 by=s["by"], engine=s["engine"])
    lines = [
        _("{what}: {counts}").format(what=what, counts=(
            _("{done} done, {skipped} skipped, {failed} failed, {not_done} not done (interrupted); {seconds} s.").format(
                not_done=f"{s['not_done']:,}", **counts) if s["not_done"] else
            _("{done} done, {skipped} skipped, {failed} failed; {seconds} s.").format(**counts))),
        _("Every series alike: {training}; the same candidates and defaults for each.").format(training=s["candidates"]["training"]),
    ]
    done = run.series[run.series["status"] == "ok"]
    if len(done):
        picks = [[model_label(label), n] for label, n in done["picked"].value_counts().head(SHOWN).items()]
        lines += ["", _("Picked by validation (series):"), tabulate(picks, headers=[_("candidate"), _("series")], tablefmt="simple",
                                                                    disable_numparse=True)]
    if s["kind"] == "backtest" and s.get("against"):
        lines += ["", _("viewcast against each method, MAE averaged over the horizons, per series:"), beaten_table(s["against"])]
    unread = run.series[run.series["status"] != "ok"]
    if len(unread):
        rows = [[r.series, r.status, r.error] for r in unread.head(SHOWN).itertuples()]
        title = _("Not forecast (the first {n}; all in series.csv):").format(n=SHOWN) if len(unread) > SHOWN else _("Not forecast:")
        lines += ["", title, tabulate(rows, headers=[_("series"), _("status"), _("why")], tablefmt="simple",
                                      maxcolwidths=[30, None, 90], disable_numparse=True)]
    return "\n".join(lines)


def beaten_table(against: list[dict]) -> str:
    rows = [[model_label(a["method"]), _("{n} of {total}").format(n=f"{a['viewcast_lower']:,}", total=f"{a['series']:,}"),
             f"{a['mean_ratio']:.3f}", f"{a['median_ratio']:.3f}"] for a in against]
    headers = [_("method"), _("viewcast's MAE lower on"), _("mean ratio"), _("median ratio")]
    return tabulate(rows, headers=headers, tablefmt="simple",
                    colalign=["left", "right", "right", "right"], disable_numparse=True)
