"""The languages viewcast speaks: English (the source) and the course's Chinese (zh-TW, zh-CN).

One message catalogue per language, gettext's `.po` files in `viewcast/locale/` (with
their compiled `.mo` beside them, remade by `make catalogue`). The words are whole sentences with
named fields, `_("after {n} updates").format(n=...)`: a translator can move a number to where their
language puts it, and numbers are formatted outside the catalogue. The lecture's English terms (Loss,
Gradient Descent, η, Batch, Epoch, MAE, ReLU...) stay English in the Chinese catalogues, as the
lecture itself says them.

    >>> with use_language("zh-TW"):
    ...     _("validation")
    '驗證'
    >>> _("validation")
    'validation'

The language is chosen once for a whole command (`viewcast ... --lang zh-TW`), and a message is
looked up when it is used, so every layer calls `_` on the same current language.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from ..errors import ConfigError

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "viewcast"
LANGUAGES = {"en": "English", "zh-TW": "繁體中文 (Taiwan)", "zh-CN": "简体中文"}
"""The languages of `--lang`, by their tag (BCP 47, as browsers and the HTML `lang` attribute write them)."""

_current: ContextVar[str] = ContextVar("viewcast_language", default="en")


def language() -> str:
    """The current language's tag ('en', 'zh-TW', 'zh-CN')."""
    return _current.get()


def choose(tag: str) -> None:
    """Speak `tag` from now on, in this context (the CLI's `--lang`; `viewcast.cli.main` runs each command in a
    context of its own, so the choice ends with the command)."""
    _current.set(_known(tag))


@contextmanager
def use_language(tag: str | None) -> Iterator[str]:
    """Speak `tag` inside the block (None: English); an unknown tag is a `ConfigError`."""
    tag = _known(tag or "en")
    token = _current.set(tag)
    try:
        yield tag
    finally:
        _current.reset(token)


def _known(tag: str) -> str:
    if tag not in LANGUAGES:
        raise ConfigError(f"unknown language {tag!r}: use one of {', '.join(LANGUAGES)}")
    return tag


@cache
def translation(tag: str) -> gettext.NullTranslations:
    """The catalogue of `tag` ('zh-TW' reads locale/zh_TW); English is the source, no catalogue."""
    if tag == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[tag.replace("-", "_")], fallback=True)


def _(message: str) -> str:
    """`message` (a whole sentence, with `{named}` fields) in the current language."""
    return translation(language()).gettext(message)


def sentences(*texts: str) -> str:
    """Sentences one after another: with a space in English, without one in Chinese (its full stop 。 is wide)."""
    return ("" if language().startswith("zh") else " ").join(text for text in texts if text)


def N_(message: str) -> str:
    """Marks `message` for the catalogue where it is defined (a table's title); `_` translates it where it is shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a sentence about `n` things, in the current language
    (Chinese has one form for both)."""
    return translation(language()).ngettext(singular, plural, n)


_figures: ContextVar[bool] = ContextVar("viewcast_figures_speak", default=False)


@contextmanager
def figures_translated() -> Iterator[None]:
    """Figures drawn inside speak the current language (`plots.speaking` enters it when a font can draw it)."""
    token = _figures.set(True)
    try:
        yield
    finally:
        _figures.reset(token)


def figures_speak() -> bool:
    """Whether words drawn into a figure now are translated."""
    return _figures.get() and language() != "en"


def figure_text(message: str) -> str:
    """`_` for words drawn into a figure: translated only inside `figures_translated` (a font can draw them)."""
    return _(message) if figures_speak() else message
