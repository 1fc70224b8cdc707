"""The `viewcast` command: a thin shell over the library.

Each command parses its options, builds a config, calls one library function and
prints or writes the result. Errors a user can fix (`ViewcastError`) print one
line and exit with status 1; usage errors exit with 2; nothing is written then.
The commands live in `train.py`, `lecture.py` and `forecast.py` beside this file;
they are registered here, in one place.
"""

from __future__ import annotations

import contextvars
import logging
import signal
import sys
import threading

import click

from ..core.data import DATASETS, describe, load_dataset
from ..engine.cpu import keep_freed_memory
from ..errors import ViewcastError
from . import forecast, lecture, options, train


class Notes(logging.Handler):
    """The library's notes (logger "viewcast", INFO: how a file was read) as 'note: ...' lines on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"note: {record.getMessage()}", err=True)


def _stop_as_interrupted(signum, frame) -> None:
    """SIGTERM (`kill`, a job scheduler's stop) ends a command as Ctrl-C does: its worker
    processes are stopped and nothing half-written is left."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with `argv` (default: the command line); returns the exit status."""
    keep_freed_memory()  # training's large temporaries reuse memory instead of faulting in new pages
    logger, notes = logging.getLogger("viewcast"), Notes(logging.INFO)
    logger.addHandler(notes)
    logger.setLevel(logging.INFO)
    in_main_thread = threading.current_thread() is threading.main_thread()  # (signals can only be set there)
    before = signal.signal(signal.SIGTERM, _stop_as_interrupted) if in_main_thread else None
    try:
        # in a context of its own: the command's --lang ends with it
        return contextvars.copy_context().run(cli.main, args=argv, prog_name="viewcast", standalone_mode=False) or 0
    except click.UsageError as err:  # one line, as every other error: what is wrong, and where the options are listed
        command = err.ctx.command_path if err.ctx is not None else "viewcast"
        click.echo(f"viewcast: error: {err.format_message()} ('{command} --help' lists the options)", err=True)
        return err.exit_code
    except click.ClickException as err:
        err.show()
        return err.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("viewcast: interrupted; nothing was written", err=True)
        return 130
    except ViewcastError as err:
        click.echo(f"viewcast: error: {err}", err=True)
        return 1
    finally:
        logger.removeHandler(notes)
        if in_main_thread:
            signal.signal(signal.SIGTERM, before)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """Find the function that predicts tomorrow's views from past days' views,
    in the lecture's three steps: a function with unknown parameters, a loss
    from training data, and optimization by gradient descent."""


@click.command(name="datasets")
def datasets_command():
    """List the bundled real datasets."""
    rows = []
    for name, dataset in DATASETS.items():
        info = describe(load_dataset(name))
        rows.append(
            f"{name:<15} {info['first']}..{info['last']}  {info['days']:>5,} days "
            f"({info['missing_days']} missing)  {dataset.description}"
        )
    click.echo("\n".join(rows))


COMMANDS = (
    datasets_command,
    train.train_command, train.predict_command, train.diagnose_command,
    lecture.lecture_command, lecture.sweep_command, lecture.optimizers_command, lecture.classify_command,
    lecture.doctor_command, lecture.report_command,
    forecast.forecast_command, forecast.backtest_command,
)
for command in COMMANDS:
    command.params.append(options.lang_option())
    cli.add_command(command)


if __name__ == "__main__":
    sys.exit(main())
