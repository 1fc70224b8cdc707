"""YouTube Studio exports as they are downloaded: the zip, its CSVs, in any Studio language.

"Export current view" gives a zip of three CSVs (English names; German: `Gesamtwerte.csv`,
`Diagrammdaten.csv`, `Tabellendaten.csv`):

    Totals.csv       Date,Views                                         one row a day: the channel
    Chart data.csv   Date,Content,Video title,Video publish time,Views  one row a day and video (long)
                     (or Date,Traffic source,Views; Date,Subscription status,Views)
    Table data.csv   Content,Video title,...,Views,Watch time (hours)   one row a video: no dates

The files are told apart by their columns, not their names, so any language works:
a file with a date column and a dimension (a video, a traffic source...) is chart
data, one with dates only is totals, one without dates is table data. `HEADERS` is
the one table of the column names in Studio's languages; `data.load_csv` uses it.
"""

from __future__ import annotations

import io
import logging
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..engine import files
from ..errors import DataError, cut
from .dates import parse_dates

log = logging.getLogger("viewcast")

LANGUAGES = ("en", "de", "fr", "es", "pt", "ja", "ko", "zh-CN", "zh-TW")

HEADERS = {  # a column's role: its name in each of LANGUAGES' Studio (a tuple where Studio has used several)
    "date": ("Date", "Datum", "Date", "Fecha", "Data", "日付", "날짜", "日期", "日期"),
    "views": ("Views", "Aufrufe", "Vues", "Visualizaciones", "Visualizações", "視聴回数", "조회수", "观看次数", "觀看次數"),
    "engaged views": ("Engaged views", "Interaktionsaufrufe", "Vues engagées", "Visualizaciones con interacción",
                      "Visualizações engajadas", "エンゲージ ビュー", "참여 조회수", "互动观看次数", "互動觀看次數"),
    "watch time (hours)": ("Watch time (hours)", "Wiedergabezeit (Stunden)", "Durée de visionnage (heures)",
                           "Tiempo de visualización (horas)", "Tempo de exibição (horas)", "総再生時間（単位: 時間）",
                           "시청 시간(단위: 시간)", "观看时长（小时）", "觀看時間 (小時)"),
    "subscribers": ("Subscribers", "Abonnenten", "Abonnés", "Suscriptores", "Inscritos", "チャンネル登録者", "구독자",
                    "订阅人数", "訂閱人數"),
    "content": ("Content", ("Inhalt", "Videos"), "Contenu", "Contenido", "Conteúdo", "コンテンツ", "콘텐츠", "内容", "內容"),
    "video title": ("Video title", "Videotitel", "Titre de la vidéo", "Título del video", "Título do vídeo",
                    "動画のタイトル", "동영상 제목", "视频标题", "影片標題"),
    "video publish time": ("Video publish time", "Veröffentlichungszeitpunkt des Videos", "Heure de publication de la vidéo",
                           "Hora de publicación del video", "Horário de publicação do vídeo", "動画公開時刻",
                           "동영상 게시 시간", "视频发布时间", "影片發布時間"),
    "traffic source": ("Traffic source", ("Zugriffsquelle", "Besucherquelle"), "Source de trafic", "Fuente de tráfico",
                       "Origem do tráfego", "トラフィック ソース", "트래픽 소스", "流量来源", "流量來源"),
    "subscription status": ("Subscription status", "Abostatus", "État de l'abonnement", "Estado de la suscripción",
                            "Status da inscrição", "登録状況", "구독 상태", "订阅状态", "訂閱狀態"),
    "total": ("Total", ("Gesamt", "Gesamtwert", "Summe"), "Total", "Total", "Total", "合計", "합계", "总计", "總計"),
}
DIMENSIONS = ("content", "traffic source", "subscription status")
"""The roles that make a file long: one row a day for each of their values."""


def fold(name) -> str:
    """A name as compared: stripped, lower case, one space ('Watch time  (hours)' == 'watch time (hours)')."""
    return " ".join(str(name).split()).casefold()


_NAMES = {
    role: {fold(n) for name in translations for n in ((name,) if isinstance(name, str) else name)}
    for role, translations in HEADERS.items()
}


def names(role: str) -> set[str]:
    """Every name of `role` in every language, folded for comparison."""
    return _NAMES[role]


def role_of(column: str) -> str | None:
    """The role a column's name has in some Studio language ('Aufrufe' -> 'views'), or None."""
    folded = fold(column)
    return next((role for role, found in _NAMES.items() if folded in found), None)


# -- which file -----------------------------------------------------------------------


@dataclass(frozen=True)
class TextFile:
    """A CSV's text and the name that messages give it (`export.zip/Chart data.csv`)."""

    label: str
    text: str


def read_text(path: Path, long: bool = False) -> TextFile:
    """The CSV that `path` names: the file itself, or the right one of a zip or folder of an export.

    From an export, the totals are taken unless `long` (one series of a long file is asked
    for) or the export has no totals; then the chart data.
    """
    if path.is_dir():
        members = {p.name: p for p in sorted(path.iterdir()) if p.suffix.lower() == ".csv"}
        return _pick(path, {name: _decode(files.read_bytes(p), f"{path}/{name}") for name, p in members.items()}, long)
    raw = files.read_bytes(path)
    if raw[:4] == b"PK\x03\x04":
        return _pick(path, _zip_texts(path, raw), long)
    return TextFile(str(path), _decode(raw, str(path)))


def _zip_texts(path: Path, raw: bytes) -> dict[str, str]:
    """The CSVs of a zip, decoded; a damaged zip or a member far too large for an export refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = [m for m in archive.infolist()
                       if m.filename.lower().endswith(".csv") and not m.filename.startswith("__MACOSX")]
            for member in members:
                if member.file_size > files.MAX_DATA_BYTES:
                    raise DataError(f"{path}/{member.filename}: is {member.file_size / 2**20:,.0f} MB unpacked, "
                                    "larger than an export can be; check that it is the right file")
            return {m.filename: _decode(archive.read(m), f"{path}/{m.filename}") for m in members}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, zlib.error) as err:
        raise DataError(f"{path}: is a damaged zip file ({err}); download the export again") from None


def _decode(raw: bytes, label: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{label}: is not a UTF-8 text CSV file; export it as CSV") from None


def kind(header: list[str]) -> str:
    """'chart' (dates and a dimension), 'totals' (dates only) or 'table' (no dates) for a CSV's header."""
    roles = {role_of(column) for column in header}
    if "date" not in roles:
        return "table"
    return "chart" if roles & set(DIMENSIONS) else "totals"


def _pick(path: Path, texts: dict[str, str], long: bool) -> TextFile:
    if not texts:
        raise DataError(f"{path}: holds no CSV file; give the zip that YouTube Studio exported, or a CSV")
    kinds = {name: kind(_header(text)) for name, text in texts.items()}
    order = ("chart", "totals") if long else ("totals", "chart")
    for wanted in order:
        for name, found in kinds.items():
            if found == wanted:
                return TextFile(f"{path}/{name}", texts[name])
    raise DataError(
        f"{path}: has no file with a date column ({', '.join(texts)}); export the chart with dates "
        "(Totals.csv or Chart data.csv), or name the date column with --date-col on one of its CSVs"
    )


def _header(text: str) -> list[str]:
    return next(files.csv_rows(text.split("\n", 1)[0]), [])


# -- long chart data: one row a day for each video or traffic source --------------------


def long_series(frame, dates, values, columns, wanted: str | None, label: str):
    """The sum over the dimension (the channel's total), or the one series `wanted` names (its ID or name).

    A video's days before its publish day are left out (Studio writes them as 0).
    """
    keys = frame[columns.dimension].str.strip()  # IDs that start with '-' carry a leading space
    table = pd.DataFrame({"date": dates, "key": keys.to_numpy(), "value": values})
    if wanted is None:
        total = table.groupby("date")["value"].sum(min_count=1)
        log.info("%s: the sum of %s over its %d %s (--series picks one, --series list lists them)",
                 label, columns.value, table["key"].nunique(), _plural(columns.dimension))
        return pd.Series(total.to_numpy(), index=pd.DatetimeIndex(total.index, name="date"), name=columns.value)
    key = _match(frame, keys, columns, wanted, label)
    rows = table[table["key"] == key]
    repeated = rows["date"].duplicated()
    if repeated.any():
        day = rows["date"][repeated].iloc[0].date()
        raise DataError(f"{label}: {day} appears more than once for {cut(str(key))!r}; keep one row a day")
    series = pd.Series(rows["value"].to_numpy(), index=pd.DatetimeIndex(rows["date"], name="date"), name=columns.value)
    log.info("%s: %s of %r", label, columns.value, key)
    published = None if columns.publish is None else published_day(frame.loc[(keys == key).to_numpy(), columns.publish])
    if published is not None and (series.index < published).any():
        log.info("%s: %r was published on %s; the days before it are left out", label, key, published.date())
        series = series[series.index >= published]
    return series


def _match(frame, keys, columns, wanted: str, label: str) -> str:
    """The dimension value that `wanted` names: an ID as written, else a title or name (case and spaces aside)."""
    if (keys == wanted.strip()).any():
        return wanted.strip()
    by_name = keys[keys.map(fold) == fold(wanted)]
    if columns.title is not None and by_name.empty:
        by_name = keys[frame[columns.title].map(fold) == fold(wanted)]
    found = by_name.unique()
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise DataError(f"{label}: {len(found)} {_plural(columns.dimension)} are called {cut(wanted)!r}; "
                        f"give one ID: {', '.join(found[:5])}")
    shown = ", ".join(cut(str(key), 40) for key in keys.unique()[:5])
    raise DataError(f"{label}: no {columns.dimension} {cut(wanted)!r} (it has {keys.nunique()}: {shown}...); "
                    "--series list lists them with their totals")


def published_day(cells: pd.Series):
    """A video's publish day from its rows' publish-time cells ('Mar 14, 2022' in English exports),
    or None when not written or not read."""
    cells = cells.str.strip()
    cells = cells[cells != ""]
    if cells.empty:
        return None
    day = parse_dates(cells.iloc[:1]).dates.iloc[0]
    return None if pd.isna(day) else day.normalize()


def totals(frame, values, columns):
    """Each series of a long file with its total and its title when there is one, largest first."""
    table = pd.DataFrame({columns.dimension: frame[columns.dimension].str.strip().to_numpy(), columns.value: values})
    if columns.title is not None:
        table[columns.title] = frame[columns.title].str.strip().to_numpy()
    grouped = table.groupby(columns.dimension, sort=False)
    out = grouped[columns.value].sum(min_count=1).rename(f"total {columns.value}").to_frame()
    if columns.title is not None:
        out.insert(0, columns.title, grouped[columns.title].first())
    return out.sort_values(out.columns[-1], ascending=False).reset_index()


def _plural(dimension: str) -> str:
    role = role_of(dimension)
    return {"content": "videos", "traffic source": "traffic sources", "subscription status": "subscription statuses"}.get(role, dimension)
