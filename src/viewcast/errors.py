"""Errors a user can fix. The CLI prints them as one line, without a traceback."""


class ViewcastError(Exception):
    """A problem with the input or the settings, with a message saying what to fix."""


class DataError(ViewcastError):
    """The data cannot be used: unreadable file, bad dates or values, too short."""


class ConfigError(ViewcastError):
    """A setting is not valid: unknown model spec, learning rate <= 0, and so on."""


class TrainingDiverged(ViewcastError):
    """The training loss became inf or NaN: the learning rate is too large."""


class NotFittedError(ViewcastError, RuntimeError):
    """A model was asked to predict before `fit` was called."""


class WorkerDied(ViewcastError):
    """A worker process training in parallel stopped without a result (killed, out of memory)."""


def cut(text: str, most: int = 60) -> str:
    """User input quoted in an error, cut to `most` characters: an error line stays one short line.

    >>> cut("x" * 100, 10)
    'xxxxxxxxx…'
    """
    return text if len(text) <= most else text[: most - 1] + "…"
