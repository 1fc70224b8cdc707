"""The message catalogues: find every sentence of the source, bring each language's `.po` up to date,
and compile the `.mo` files that viewcast reads (`make catalogue`).

    python scripts/catalogue.py            # extract, update the .po files, compile the .mo files
    python scripts/catalogue.py --check    # exit 1, listing them, if a sentence has no translation

The sentences are the literal arguments of `_`, `N_`, `ngettext` and `figure_text` (see
`viewcast.core.i18n`), found by Babel's extractor. A translator edits the `.po` files; this
script keeps their translations, adds new sentences untranslated, and drops the ones the code no
longer says. The test suite runs `missing` and `compiled` (tests/test_i18n.py).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "viewcast"
LOCALES = SOURCE / "locale"
LANGUAGES = ("zh_TW", "zh_CN")
KEYWORDS = {"_": None, "N_": None, "figure_text": None, "ngettext": (1, 2)}


def extract() -> Catalog:
    """Every sentence the source says, with where it says it."""
    catalog = Catalog(project="viewcast", charset="utf-8")
    for filename, lineno, message, _comments, _context in extract_from_dir(
        SOURCE, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True
    ):
        catalog.add(message, locations=[(filename, lineno)])
    return catalog


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / "viewcast.po"


def read(language: str) -> Catalog:
    with po_path(language).open("rb") as file:
        return read_po(file, locale=language)


def missing(language: str, source: Catalog | None = None) -> list[str]:
    """The sentences of the source that `language`'s catalogue does not translate."""
    source = source or extract()
    catalog = read(language)
    gaps = []
    for message in source:
        if not message.id:
            continue
        found = catalog.get(message.id)
        strings = found.string if found is not None else None
        if found is None or found.fuzzy or not (all(strings) if isinstance(strings, tuple) else strings):
            gaps.append(message.id if isinstance(message.id, str) else message.id[0])
    return gaps


def compiled(language: str) -> bytes:
    """The `.mo` bytes of `language`'s `.po` (the file viewcast reads must be these)."""
    buffer = io.BytesIO()
    write_mo(buffer, read(language))
    return buffer.getvalue()


def update() -> None:
    source = extract()
    for language in LANGUAGES:
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            catalog = read(language)
        else:
            catalog = Catalog(locale=language, project="viewcast", charset="utf-8")
        catalog.update(source, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy, catalog.version = False, "0.1"
        with path.open("wb") as file:  # (no line numbers: a change elsewhere in a file leaves the catalogue alone)
            write_po(file, catalog, width=0, no_location=True, include_previous=False)
        path.with_suffix(".mo").write_bytes(compiled(language))
        print(f"{path.relative_to(ROOT)}: {len(catalog)} sentences, {len(missing(language, source))} untranslated")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="list the untranslated sentences; exit 1 if there are any")
    args = parser.parse_args()
    if not args.check:
        update()
        return 0
    source = extract()
    gaps = {language: missing(language, source) for language in LANGUAGES}
    for language, messages in gaps.items():
        for message in messages:
            print(f"{language}: {message}")
    return 1 if any(gaps.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
