"""How results are shown in the terminal: tables, with values in one series' `Units` (the lecture's
"0.48k" for a channel of 1,000 a day or more, else at the data's precision)."""

from __future__ import annotations

from tabulate import tabulate
from wcwidth import wcswidth

from ..core.i18n import _, ngettext, sentences
from ..core.units import PERIOD_HEADERS, Units, amount, batch_text, days, days_text, k, model_label, whole
from ..lecture.classify import LEVEL_DAYS, N_HIDDEN
from ..lecture.guide import told
from ..lecture.optimizers import EARLY


def results_table(metrics: dict) -> str:
    """The model, the exact linear fit and the baselines, per period, in the training loss's metric.

    MAE for a model trained on MAE; RMSE (views, the root of MSE) for one trained on MSE.
    """
    metric = "mae" if metrics["training"]["loss"] == "mae" else "rmse"
    units = Units.of(metrics["data"])
    periods = list(metrics["losses"])
    n_seeds = len(metrics["seeds"])
    said = {"model": metrics["model"]["spec"], "days": days_text(metrics["model"]["n_lags"]), "n": n_seeds}
    label = (_("{model}, {days} (mean ± std of {n} seeds)") if n_seeds > 1 else _("{model}, {days}")).format(**said)
    rows = [[label] + [units.summary(metrics["losses"][p][metric]) for p in periods]]
    if "linear" in metrics:
        exact = metrics["linear"]["least_squares"]["losses"]
        rows.append([_("linear, exact least squares")] + [units.value(exact[p][metric]) for p in periods])
    for name in metrics["baselines"][periods[0]]:
        cells = [baseline_cell(metrics["baselines"][p][name], metric, metrics["periods"][p]["examples"], units) for p in periods]
        rows.append([model_label(f"baseline: {name}")] + cells)
    headers = [_("{metric} in {unit}").format(metric=metric.upper(), unit=_(units.metric))] + [_(PERIOD_HEADERS[p]) for p in periods]
    return tabulate(rows, headers=headers, colalign=["left"] + ["right"] * len(periods))


def baseline_cell(result: dict, metric: str, n_days: int, units: Units) -> str:
    """A baseline's loss, with its number of days when it could not score all `n_days` of the model's."""
    if not result["days"]:
        return "n/a"
    cell = units.value(result[metric])
    return cell if result["days"] == n_days else _("{loss} ({n} days)").format(loss=cell, n=result["days"])


def linear_function(metrics: dict, max_weights: int = 7) -> str:
    """The learned y = b + Σ w_j x_j, averaged over seeds, in the data's units."""
    linear = metrics["linear"]
    n_seeds = len(linear["intercept"])
    b = sum(linear["intercept"]) / n_seeds
    w = [sum(ws) / n_seeds for ws in zip(*linear["coef"])]
    shown = ", ".join(f"{wj:.2f}" for wj in w[:max_weights]) + (", ..." if len(w) > max_weights else "")
    where = _("mean of {n} seeds").format(n=n_seeds) if n_seeds > 1 else _("seed {seed}").format(seed=metrics["seeds"][0])
    return _("learned y = b + Σ w_j x_j ({where}): b = {b}, w = {w}").format(where=where, b=Units.of(metrics["data"]).value(b), w=shown)


# -- the lecture's tables (viewcast lecture) -------------------------------------


def lecture_tables(results: dict, markdown: bool = False) -> str:
    """Every table of a `run_lecture` result, with the lecture's numbers and the diagnosis.

    `markdown=True` gives GitHub-flavoured Markdown (`tables.md`); otherwise plain text.
    """
    fmt = "github" if markdown else "simple"
    units = Units.of(results["data"])
    parts = [_lecture_header(results, markdown, units)]
    for table in results["tables"].values():
        parts.append(_lecture_table(table, fmt, markdown, units))
    if results["selection"] is not None:
        parts.append(_selection_table(results, fmt, markdown, units))
    return "\n\n".join(parts) + "\n"


def _heading(title: str, markdown: bool, level: int = 2) -> str:
    return f"{'#' * level} {title}" if markdown else f"{title}\n{'=' * wcswidth(title)}"  # (a Chinese character is two columns)


def _lecture_header(results: dict, markdown: bool, units: Units) -> str:
    data, periods, t = results["data"], results["periods"], results["training"]
    seeds = results["seeds"]
    schedule = "" if t["schedule"] == "constant" else _(" with {schedule} decay").format(schedule=t["schedule"])
    batch = batch_text(t["batch_size"])
    missing = (_("{n} missing, filled by interpolation") if data["filled_days"] else _("{n} missing")).format(n=data["missing_days"])
    lines = [
        _heading(_("The lecture's experiments on {source}").format(source=data["source"]), markdown, level=1),
        "",
        _("Data: {source}, {first}..{last} ({n} days, {missing}). Training {train}, test {test}.").format(
            source=data["source"], first=data["first"], last=data["last"], n=f"{data['days']:,}", missing=missing,
            train=_span(periods["train"]), test=_span(periods["test"])),
        sentences(
            ngettext("Every model: {loss}, {optimizer}, η = {lr}{schedule}, {batch}, {n_epochs} epochs; {n} seed ({first}..{last}). "
                     "Losses are MAE in {metric}, mean ± std over the seeds.",
                     "Every model: {loss}, {optimizer}, η = {lr}{schedule}, {batch}, {n_epochs} epochs; {n} seeds ({first}..{last}). "
                     "Losses are MAE in {metric}, mean ± std over the seeds.", len(seeds)).format(
                loss=t["loss"].upper(), optimizer=t["optimizer"], lr=f"{t['lr']:g}", schedule=schedule, batch=batch,
                n_epochs=t["n_epochs"], n=len(seeds), first=seeds[0], last=seeds[-1], metric=_(units.metric)),
            _("Fewer epochs or seeds than the default run: a quick look, not the reference numbers.") if results["short_run"] else ""),
        _("The lecture's columns are its own channel (train 2017-2020, test 2021): another series, so compare the shape of "
          "each table, not the values."),
        _("Drop: how much the training loss fell over the last epoch, and over the second half of training (mean over seeds); "
          "* marks a row still falling by more than {share} over the second half: more epochs would lower its training loss "
          "further.").format(share=f"{results['still_falling']:.0%}"),
    ]
    return "\n".join(lines)


def _span(period: dict) -> str:
    return f"{period['start']}..{period['end']}"


def _target_days_line(target_days: dict, same_days: bool) -> str:
    parts = []
    for name, info in target_days.items():
        said = {"period": _(PERIOD_HEADERS[name]), "n": f"{info['days']:,}", "of": f"{info['days'] + info['left_out']:,}"}
        parts.append(_("{period} {n} of {of} ({left} left out for missing days)").format(left=f"{info['left_out']:,}", **said)
                     if info["left_out"] else _("{period} {n} of {of}").format(**said))
    if same_days:
        return _("Target days: {periods}; the same days for every row, reached by every window.").format(periods=_(", ").join(parts))
    return _("Target days: {periods}.").format(periods=_(", ").join(parts))


def _drop(summary: dict | None) -> str:
    return "n/a" if summary is None else f"{round(100 * summary['mean'], 2) + 0.0:.2f}%"  # + 0.0: no "-0.00%"


def _lecture_table(table: dict, fmt: str, markdown: bool, units: Units) -> str:
    headers = [_("model"), _("train L"), _("test L'"), _("lecture L"), _("lecture L'"), _("drop: last epoch"), _("2nd half")]
    rows = []
    for row in table["rows"]:
        lecture = row["lecture"] or {}
        training = row["training"]
        rows.append(
            [
                model_label(row["label"]),
                units.summary(row["train"]),
                units.summary(row["test"]),
                k(lecture["train"]) if lecture else "",
                k(lecture["test"]) if lecture else "",
                _drop(training["final_epoch_improvement"]),
                _drop(training["second_half_improvement"]) + (" *" if training["still_falling"] else ""),
            ]
        )
    days_of = {name: info["days"] for name, info in table["target_days"].items()}
    for baseline in table["baselines"]:
        cells = [baseline_cell(baseline[p], "mae", days_of[p], units) for p in ("train", "test")]
        rows.append([model_label(baseline["label"]), *cells, "", "", "", ""])
    parts = [
        _heading(_(table["title"]), markdown),
        "",
        _target_days_line(table["target_days"], table["same_days"]),
        "",
        tabulate(rows, headers=headers, tablefmt=fmt, colalign=["left"] + ["right"] * 6),
    ]
    if "function" in table:
        parts += ["", _one_day_function(table["function"], units)]
    if "weights_7" in table:
        parts += ["", _weights_table(table["weights_7"], fmt, units)]
    if table["diagnosis"]:
        parts += ["", _("Diagnosis (the lecture's general guide, rows read pairwise):")]
        parts += [f"- {verdict.text}" for verdict in told(table)]
    return "\n".join(parts)


def _one_day_function(function: dict, units: Units) -> str:
    w, b, lecture = function["w"], function["b"], function["lecture"]
    return _("Learned: w = {w} ± {std}, b = {b}; the lecture: w* = {lecture_w}, b* = {lecture_b}.").format(
        w=f"{w['mean']:.2f}", std=f"{w['std']:.2f}", b=units.summary(b), lecture_w=f"{lecture['w']:.2f}", lecture_b=k(lecture["b"]))


def _weights_table(weights: dict, fmt: str, units: Units) -> str:
    lecture = weights["lecture"]
    rows = [["b", units.summary(weights["b"]), k(lecture["b"])]]
    for j, (w_j, ref) in enumerate(zip(weights["w"], lecture["w"]), start=1):
        rows.append([(_("w{j} (x{j}: {n} day before)") if j == 1 else _("w{j} (x{j}: {n} days before)")).format(j=j, n=j),
                     f"{w_j['mean']:.2f} ± {w_j['std']:.2f}", f"{ref:.2f}"])
    return tabulate(rows, headers=[_("7-day weights"), _("learned"), _("lecture")], tablefmt=fmt, colalign=["left", "right", "right"])


def _selection_table(results: dict, fmt: str, markdown: bool, units: Units) -> str:
    selection, periods = results["selection"], results["periods"]
    rows = []
    for candidate in selection["candidates"]:  # ranked by validation loss
        mark = _("← picked") if candidate["label"] == selection["picked"] else ""
        rows.append([model_label(candidate["label"]), _summary(candidate["train"], units), _summary(candidate["val"], units), mark])
    headers = [_("candidate"), _("train L ({span})").format(span=_span(periods["selection_train"])),
               _("validation L ({span})").format(span=_span(periods["validation"])), ""]
    picked, best = model_label(selection["picked"]), model_label(selection["best_on_test"])
    verdict = (
        _("It was also the best on test ({loss}).").format(loss=units.value(selection["best_test"]["mean"]))
        if selection["picked_is_best_on_test"]
        else _("It was not the best on test: {model} scores {loss} ({difference} {metric} lower), but picking by the test loss "
               "would be choosing for the test set.").format(
            model=best, loss=units.value(selection["best_test"]["mean"]), metric=_(units.metric),
            difference=amount(selection["picked_test"]["mean"] - selection["best_test"]["mean"], units.decimals))
    )
    parts = [
        _heading(_("Which one would you use to predict today? Model selection by validation"), markdown),
        "",
        _("Each candidate trained again without the last part of the training period, which becomes validation; the lowest "
          "validation loss picks."),
        _target_days_line(selection["target_days"], same_days=True),
        "",
        tabulate(rows, headers=headers, tablefmt=fmt, colalign=["left", "right", "right", "left"]),
        "",
        _("Picked: {model}. Its test loss, trained on the whole training period as in the tables, looked at once: {loss}. "
          "{verdict}").format(model=picked, loss=_summary(selection["picked_test"], units), verdict=verdict),
    ]
    return "\n".join(parts)


def _summary(summary: dict, units: Units) -> str:
    if summary["mean"] is None:
        return "n/a"
    return units.summary(summary)


def sweep_table(results: dict, top: int = 15) -> str:
    """The sweep's configurations ranked by validation MAE (the best `top`), the baselines, the pick;
    with cross-validation, each fold's validation MAE too."""
    periods, folds = results["periods"], results.get("folds", [])
    crossed = len(folds) > 1
    rows = [
        [c["model"], c["lags"], f"{c['lr']:g}", c["batch_size"] or "full", whole(c["train_mae"]),
         f"{whole(c['val_mae'])} ± {whole(c['val_std'])}" if not c["diverged"] else
         _("diverged ({n} of {seeds} seeds)").format(n=c["diverged"], seeds=c["seeds"]),
         *([" / ".join(whole(v) for v in c["fold_val_mae"])] if crossed else []),
         _("← best") if i == 0 else ""]
        for i, c in enumerate(results["configurations"][:top])
    ]
    for baseline in results["baselines"]:
        rows.append([model_label(baseline["label"]), "", "", "", whole(baseline["train"]["mae"]), whole(baseline["val"]["mae"]),
                     *([""] if crossed else []), ""])
    first = [_("model"), _("lags"), "lr", "batch"]
    if crossed:
        headers = [*first, _("train MAE (mean of folds)"), _("validation MAE (mean of {n} folds)").format(n=len(folds)), _("per fold"), ""]
    else:
        headers = [*first, _("train MAE ({span})").format(span=_span(periods["train"])),
                   _("validation MAE ({span})").format(span=_span(periods["val"])), ""]
    shown = len(results["configurations"])
    more = _(" (the best {top} of {n})").format(top=top, n=shown) if shown > top else ""
    best = results["best"]
    lines = [
        _("{n} configurations × {seeds} seeds in {stacks} stacks, {workers} worker(s), {seconds} s{more}; MAE in {unit}, mean "
          "(± std) over seeds").format(n=shown, seeds=len(results["grid"]["seeds"]), stacks=results["stacks"],
                                       workers=results["workers"], seconds=f"{results['wall_time_s']:.0f}", more=more,
                                       unit=_(Units.of(results["data"]).metric)),
    ]
    if crossed:
        each = _("; ").join(_("fold {i}: train {train}, validate {val}").format(i=i, train=_span(f["train"]), val=_span(f["val"]))
                            for i, f in enumerate(folds, start=1))
        lines.append(_("{n}-fold cross-validation, expanding origin: {folds}. The baselines' row is the last fold's "
                       "validation.").format(n=len(folds), folds=each))
    lines += [
        "",
        tabulate(rows, headers=headers, tablefmt="simple", colalign=["left", "right", "right", "right", "right", "right"]
                 + (["right"] if crossed else []) + ["left"]),
        "",
        _("Best by validation: {model}, lr {lr}, {batch} (validation MAE {loss}). The test period was not used.").format(
            model=model_label(f"{best['model']} on {days(best['lags'])}"), lr=f"{best['lr']:g}", loss=f"{best['val_mae']:,.0f}",
            batch=batch_text(best["batch_size"])),
    ]
    return "\n".join(lines)


def critical_report(diagnosis) -> str:
    """`critical.diagnose_run`'s result: one row per seed, then each seed's verdict in words."""
    d = diagnosis
    p = d.points[0]
    method = {
        "exact": _("the exact Hessian (torch.func.hessian), all its eigenvalues"),
        "lanczos": _("Lanczos on Hessian-vector products (SciPy's eigsh): λ_max, then λ_max of λ_max·I - H; ± is the residual "
                     "‖Hu - λu‖, within which an eigenvalue lies"),
    }[p.curvature.method]
    lines = [
        _("{model}, {n} parameters per seed, at its trained weights, on its {examples} training examples; L = {loss} in the "
          "model's units (standardized views).").format(model=model_label(f"{d.spec} on {days(d.n_lags)}"), n=f"{p.n_parameters:,}",
                                                        examples=f"{d.n_examples:,}", loss=d.loss.upper()),
        _("Hessian: {method}.").format(method=method),
        "",
    ]
    rows = [
        [seed, f"{q.loss:.4g}", f"{q.grad_norm:.3g}", f"{q.grad_norm / q.grad_reference:.1%}" if q.grad_reference else "",
         f"{q.curvature.smallest:.3g}", f"{q.curvature.largest:.3g}", _(q.kind)]
        for seed, q in zip(d.seeds, d.points)
    ]
    lines.append(tabulate(rows, ["seed", "L", "‖g‖", _("‖g‖ / at start"), "λ_min", "λ_max", _("verdict")], disable_numparse=True))
    lines.append("")
    lines += [_("- seed {seed}: {verdict}.").format(seed=seed, verdict=q.text) for seed, q in zip(d.seeds, d.points)]
    return "\n".join(lines)


def optimizers_report(results: dict) -> str:
    """`optimizers.results` as two tables: the networks, then the rules on the error surface."""

    s = results["settings"]
    lines = [
        _("{model}, {loss}, {batch}, {n_epochs} epochs, seed {seed} (the same initial weights and mini-batches for every "
          "optimizer); {train} training and {test} test days. Losses: {loss} in views.").format(
            model=model_label(results["model"]), loss=s["loss"].upper(), n_epochs=s["n_epochs"], seed=s["seed"],
            batch=batch_text(s["batch_size"]),
            train=f"{results['examples']['train']:,}", test=f"{results['examples']['test']:,}"),
        "",
    ]
    rows = [[r["optimizer"], r["schedule"], f"{r['lr']:g}", k(r["train_loss_early"]), k(r["train"]), k(r["test"])]
            for r in results["networks"]]
    lines.append(tabulate(rows, ["optimizer", "schedule", "η", _("train L, epoch {n}").format(n=EARLY), _("train L, end"), _("test L'")],
                          disable_numparse=True))
    surface = results["surface"]
    lines += ["", _("The error surface of y = b + w x₁ (MSE, views in thousands), {n} training days, full batch, from w = {w}, "
                    "b = {b}; the lecture's rules by hand:").format(n=f"{surface['n_examples']:,}", w=f"{surface['start'][0]:.2f}",
                                                                   b=k(surface["start"][1])), ""]
    rows = [[r["rule"], r["schedule"], f"{r['lr']:g}",
             _("diverged at update {n}").format(n=r["diverged_at"]) if r["diverged_at"] is not None else
             f"{max(r['above_minimum_percent'], 0):.3f}%",
             r["updates_to_1_percent"] if r["updates_to_1_percent"] is not None else _("never")]
            for r in surface["table"]]
    lines.append(tabulate(rows, [_("rule"), "schedule", "η", _("final MSE above the minimum"), _("updates to within 1%")],
                          disable_numparse=True))
    return "\n".join(lines)


def classification_words(results: dict) -> dict[str, str]:
    """The classification's task and model (`classify.run_classification`), in the current language."""
    return {"task": _("is the day above the median of the {n} days before it?").format(n=LEVEL_DAYS),
            "model": _("{model}, 2 outputs, softmax").format(model=model_label(f"relu:{N_HIDDEN} on {days(results['n_lags'])}"))}


def classification_report(results: dict) -> str:
    """`classify.run_classification` as a table: accuracy per loss and start, beside the rules."""
    t = results["training"]
    lines = [
        _("Task: {task} {model}; plain gradient descent, η = {lr}, full batch, {n_epochs} epochs; {train} training and {test} test "
          "days.").format(**classification_words(results),
                          lr=f"{t['lr']:g}", n_epochs=t["n_epochs"], train=f"{results['examples']['train']:,}",
                          test=f"{results['examples']['test']:,}"),
        "",
    ]
    rows = [[r["loss"], _(r["start"]), f"{r['curves']['grad_norm'][0]:.3g}", f"{r['train_accuracy']:.1%}", f"{r['test_accuracy']:.1%}"]
            for r in results["runs"]]
    rows += [[_("rule: {name}").format(name=_(name)), "", "", "", f"{value:.1%}"] for name, value in results["baselines"].items()]
    lines.append(tabulate(rows, ["loss", _("start"), _("first ‖g‖"), _("train accuracy"), _("test accuracy")], disable_numparse=True))
    surfaces = results["surfaces"]
    far = {"ce": f"{surfaces['cross-entropy']['grad_norm_far']:.3g}", "mse": f"{surfaces['mse']['grad_norm_far']:.2g}"}
    lines += ["", _("Far from the right class, at logits (-4, 4): ‖∇ cross-entropy‖ = {ce}, ‖∇ MSE‖ = {mse}: MSE's softmax "
                    "plateau.").format(**far)]
    return "\n".join(lines)


# -- a run (viewcast train, predict) ------------------------------------------------


def run_summary(metrics: dict) -> str:
    """What `viewcast train` prints: the data, the periods, how training went, the losses."""
    data, training = metrics["data"], metrics["training"]
    said = {"source": data["source"], "first": data["first"], "last": data["last"], "n": f"{data['days']:,}",
            "missing": data["missing_days"]}
    lines = [_field(_("data")) + (_("{source}: {first}..{last}, {n} days ({missing} missing, filled)") if data["filled_days"] else
                                  _("{source}: {first}..{last}, {n} days ({missing} missing)")).format(**said)]
    for name, period in metrics["periods"].items():
        said = {"start": period["start"], "end": period["end"], "n": f"{period['examples']:,}", "left": period["left_out"]}
        lines.append(_field(_(PERIOD_HEADERS[name])) + (_("{start}..{end}: {n} examples, {left} left out for missing days")
                                                          if period["left_out"] else _("{start}..{end}: {n} examples")).format(**said))
    n_left_out = sum(period["left_out"] for period in metrics["periods"].values())
    if n_left_out and not data["filled_days"]:
        lines.append(_field("") + _("({n} examples left out: --fill-gaps interpolates the missing days instead)").format(
            n=f"{n_left_out:,}"))
    best = training["best_epoch"]
    best = str(best[0]) if min(best) == max(best) else f"{min(best)}..{max(best)}"
    lines += [_field(_("trained")) + _("{n} epochs on {device} in {seconds} s; best epochs {best}").format(
        n=training["epochs_run"], device=training["device"], seconds=f"{training['wall_time_s']:.1f}", best=best),
              "", results_table(metrics)]
    if "linear" in metrics:
        lines += ["", linear_function(metrics)]
        gap = metrics["linear"]["least_squares"].get("gd_train_mse_gap_percent")
        if gap is not None:
            lines.append(_("gradient descent's training MSE is {percent}% above the exact least-squares optimum").format(
                percent=f"{gap:.2f}"))
    return "\n".join(lines)


def _field(name: str) -> str:
    """A line's first column, 10 terminal columns wide (a Chinese character takes two)."""
    return name + " " * max(1, 10 - wcswidth(name))


def next_day(forecast, source: str, last_day, spec: str, n_lags: int, run_dir, units: Units) -> str:
    """What `viewcast predict` prints: the next day's forecast, its spread over seeds, and what made it."""
    values = forecast.per_seed
    extra = [k(forecast.value)] if units.thousands else []
    if len(values) > 1:
        extra.append(_("{n} seeds: {low}..{high}").format(n=len(values), low=amount(values.min(), units.decimals),
                                                           high=amount(values.max(), units.decimals)))
    weekday = _(forecast.date.strftime("%A"))  # (the catalogue's Monday..Sunday, from forecast_text.WEEKDAYS)
    return (
        f"{forecast.date.date()} ({weekday}): {amount(forecast.value, units.decimals)} {_(units.metric)}"
        + (f" ({_('; ').join(extra)})" if extra else "") + "\n"
        + _("from {source} up to {day}, with {model} on the last {days} ({run})").format(
            source=source, day=last_day.date(), model=spec, days=days_text(n_lags), run=run_dir)
    )
