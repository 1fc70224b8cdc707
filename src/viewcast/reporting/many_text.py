"""What `viewcast forecast --by` and `backtest --by` print (and keep as summary.txt): how many
series were done, skipped or failed and why, and for a backtest on how many series viewcast
beat each method it was compared with."""

from __future__ import annotations

from tabulate import tabulate

SHOWN = 10  # series listed by name in the text (every one is in series.csv)


def many_report(run) -> str:
    """The summary of a many-series run."""
    s = run.summary
    lines = [
        f"{s['kind'].capitalize()} of {s['series']:,} series of {s['source']} (by {s['by']}), on {s['engine']}: "
        f"{s['done']:,} done, {s['skipped']:,} skipped, {s['failed']:,} failed"
        + (f", {s['not_done']:,} not done (interrupted)" if s["not_done"] else "") + f"; {s['wall_time_s']:.0f} s.",
        f"Every series alike: {s['candidates']['training']}; the same candidates and defaults for each.",
    ]
    done = run.series[run.series["status"] == "ok"]
    if len(done):
        picks = done["picked"].value_counts()
        lines += ["", "Picked by validation (series):", tabulate(picks.head(SHOWN).reset_index().values.tolist(),
                                                                 headers=["candidate", "series"], tablefmt="simple",
                                                                 disable_numparse=True)]
    if s["kind"] == "backtest" and s.get("against"):
        lines += ["", "viewcast against each method, MAE averaged over the horizons, per series:", beaten_table(s["against"])]
    unread = run.series[run.series["status"] != "ok"]
    if len(unread):
        rows = [[r.series, r.status, r.error] for r in unread.head(SHOWN).itertuples()]
        more = f" (the first {SHOWN}; all in series.csv)" if len(unread) > SHOWN else ""
        lines += ["", f"Not forecast{more}:", tabulate(rows, headers=["series", "status", "why"], tablefmt="simple",
                                                        maxcolwidths=[30, None, 90], disable_numparse=True)]
    return "\n".join(lines)


def beaten_table(against: list[dict]) -> str:
    rows = [[a["method"], f"{a['viewcast_lower']:,} of {a['series']:,}", f"{a['mean_ratio']:.3f}", f"{a['median_ratio']:.3f}"]
            for a in against]
    return tabulate(rows, headers=["method", "viewcast's MAE lower on", "mean ratio", "median ratio"], tablefmt="simple",
                    colalign=["left", "right", "right", "right"], disable_numparse=True)
