"""YouTube Studio exports in the shapes real ones have: the zip, its three CSVs, other languages,
Excel-resaved dates, the footer, leading spaces, zero padding and empty cells."""

import logging
import zipfile

import pandas as pd
import pytest

import viewcast as vc
from viewcast.cli.main import main
from viewcast.core.studio import HEADERS, LANGUAGES

LIDAR = '"How to Map with LiDAR - using a Raspberry Pi Zero 2W, RPLidar and Rviz"'
TOTALS = "Date,Views\n2022-03-12,2\n2022-03-13,4\n2022-03-14,9\n2022-03-15,10\n"
CHART = (  # Studio writes a video's days before it was published, as 0, and a space before IDs that start with '-'
    "Date,Content,Video title,Video publish time,Views\n"
    f'2022-03-12, -BObt8inVs8,{LIDAR},"Mar 14, 2022",0\n'
    f'2022-03-13, -BObt8inVs8,{LIDAR},"Mar 14, 2022",0\n'
    f'2022-03-14, -BObt8inVs8,{LIDAR},"Mar 14, 2022",6\n'
    f'2022-03-15, -BObt8inVs8,{LIDAR},"Mar 14, 2022",7\n'
    '2022-03-12,x1Yz,Garden tour,"Jan 2, 2022",2\n'
    '2022-03-13,x1Yz,Garden tour,"Jan 2, 2022",4\n'
    '2022-03-14,x1Yz,Garden tour,"Jan 2, 2022",3\n'
    '2022-03-15,x1Yz,Garden tour,"Jan 2, 2022",3\n'
)
TABLE = (
    "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers,Impressions,"
    "Impressions click-through rate (%)\n"
    "Total,,,,181588,243.645,97,50929,1.68\n"
    'x1Yz,Garden tour,"Jan 2, 2022",300,12,0.5,0,100,2.0\n'
    "Showing top 500 results,,,,,,,,\n"
)


@pytest.fixture
def export(tmp_path):
    """The folder Studio's zip unpacks to, and the zip itself."""
    folder = tmp_path / "Content 2022-03-12_2022-03-15 Channel"
    folder.mkdir()
    for name, text in (("Totals.csv", TOTALS), ("Chart data.csv", CHART), ("Table data.csv", TABLE)):
        (folder / name).write_text(text, encoding="utf-8-sig")
    archive = tmp_path / f"{folder.name}.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in folder.iterdir():
            z.write(path, path.name)
    return folder, archive


def notes(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "viewcast"]


@pytest.mark.parametrize("which", ["zip", "folder", "Totals.csv"])
def test_an_export_gives_the_channel_totals(export, which):
    folder, archive = export
    path = {"zip": archive, "folder": folder, "Totals.csv": folder / "Totals.csv"}[which]
    series = vc.load_csv(path)
    assert series.tolist() == [2, 4, 9, 10]
    assert series.name == "Views"


def test_chart_data_is_summed_over_its_videos_and_says_so(export, caplog):
    caplog.set_level(logging.INFO, "viewcast")
    series = vc.load_csv(export[0] / "Chart data.csv")
    assert series.tolist() == [2, 4, 9, 10]
    assert any("the sum of Views over its 2 videos" in n for n in notes(caplog))


def test_one_video_by_id_without_its_leading_space_starts_on_its_publish_day(export, caplog):
    caplog.set_level(logging.INFO, "viewcast")
    series = vc.load_csv(export[1], series="-BObt8inVs8")
    assert series.index[0] == pd.Timestamp("2022-03-14")
    assert series.tolist() == [6, 7]
    assert any("published on 2022-03-14" in n for n in notes(caplog))
    assert vc.load_csv(export[0], series="garden TOUR").tolist() == [2, 4, 3, 3]  # by title


def test_an_unknown_series_lists_some_and_points_to_the_list(export):
    with pytest.raises(vc.DataError, match=r"no Content 'nope' \(it has 2: -BObt8inVs8, x1Yz...\); --series list"):
        vc.load_csv(export[1], series="nope")


def test_table_data_alone_is_refused_with_what_to_give(export):
    with pytest.raises(vc.DataError, match="table data .one row per video, no dates.; give the export's zip"):
        vc.load_csv(export[0] / "Table data.csv")


def test_series_list_prints_each_video_with_its_total(export, capsys):
    assert main(["forecast", "--data", str(export[1]), "--series", "list"]) == 0
    out = capsys.readouterr().out
    assert out.index("-BObt8inVs8") < out.index("x1Yz")  # 13 views before 12
    assert "Garden tour" in out and "total Views" in out


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_studio_language(tmp_path, language):
    i = LANGUAGES.index(language)

    def name(role):
        found = HEADERS[role][i]
        return found if isinstance(found, str) else found[0]

    totals = tmp_path / "totals.csv"
    totals.write_text(f"{name('date')},{name('views')}\n{name('total')},19\n2024-01-01,9\n2024-01-02,10\n", encoding="utf-8-sig")
    series = vc.load_csv(totals)
    assert series.tolist() == [9, 10] and series.name == name("views")
    chart = tmp_path / "chart.csv"
    chart.write_text(f"{name('date')},{name('content')},{name('video title')},{name('views')}\n"
                     "2024-01-01,a,A,1\n2024-01-01,b,B,2\n2024-01-02,a,A,3\n2024-01-02,b,B,4\n")
    assert vc.load_csv(chart).tolist() == [3, 7]
    assert vc.load_csv(chart, series="b").tolist() == [2, 4]
    assert vc.load_csv(chart, value_col="views").name == name("views")  # --metric views finds it in any language


def test_metric_picks_another_column(tmp_path):
    path = tmp_path / "totals.csv"
    path.write_text("Date,Views,Engaged views,Watch time (hours)\n2024-01-01,10,8,0.25\n2024-01-02,12,9,0.5\n")
    assert vc.load_csv(path).tolist() == [10, 12]
    series = vc.load_csv(path, value_col="watch time (hours)")
    assert series.tolist() == [0.25, 0.5] and series.name == "Watch time (hours)"
    with pytest.raises(vc.DataError, match=r"no column 'Likes' for --metric \(columns: Date, Views, Engaged views"):
        vc.load_csv(path, value_col="Likes")


@pytest.mark.parametrize("written", [
    ["2024-01-30", "2024-01-31", "2024-02-01"],
    ["30-01-2024", "31-01-2024", "01-02-2024"],
    ["1/30/24", "1/31/24", "2/1/24"],
    ["Jan 30, 2024", "Jan 31, 2024", "Feb 1, 2024"],
    ["30 Jan 2024", "31 Jan 2024", "1 Feb 2024"],
])
def test_excel_resaved_dates_in_any_row_order(tmp_path, written):
    path = tmp_path / "resaved.csv"
    rows = [f'"{day}",{n}' for n, day in enumerate(written, start=1)][::-1]  # newest first
    path.write_text("Date,Views\n" + "\n".join(rows) + "\n")
    series = vc.load_csv(path)
    assert list(series.index.strftime("%Y-%m-%d")) == ["2024-01-30", "2024-01-31", "2024-02-01"]
    assert series.tolist() == [1, 2, 3]


def test_a_day_month_order_the_data_cannot_decide_is_asked_for(tmp_path):
    path = tmp_path / "resaved.csv"
    path.write_text("Date,Views\n01/02/2024,5\n03/04/2024,6\n")
    with pytest.raises(vc.DataError, match="day/month and as month/day .* --date-format %d/%m/%Y or %m/%d/%Y"):
        vc.load_csv(path)
    assert vc.load_csv(path, date_format="%d/%m/%Y").index[1] == pd.Timestamp("2024-04-03")


def test_a_daily_run_decides_the_order(tmp_path):
    path = tmp_path / "resaved.csv"  # read month-first these would be a month apart
    path.write_text("Date,Views\n" + "".join(f"{d:02d}/01/2024,{d}\n" for d in range(1, 8)))
    assert vc.load_csv(path).index[-1] == pd.Timestamp("2024-01-07")


def test_zero_padding_and_empty_cells(tmp_path, caplog):
    caplog.set_level(logging.INFO, "viewcast")
    days = pd.date_range("2007-01-01", "2020-09-03")
    values = ["0"] * (len(days) - 3) + ["3", "", "5"]
    path = tmp_path / "Totals.csv"
    path.write_text("Date,Views\n" + "".join(f"{d.date()},{v}\n" for d, v in zip(days, values)))
    series = vc.load_csv(path)
    assert series.index[0] == pd.Timestamp("2020-09-01") and series.tolist() == [3, 5]  # the empty day is missing
    said = " ".join(notes(caplog))
    assert f"left out {len(days) - 3:,} days of 0 before the first nonzero day (2020-09-01)" in said
    assert "1 empty cell, read as missing days" in said


def test_footer_line_is_left_out(tmp_path, caplog):
    caplog.set_level(logging.INFO, "viewcast")
    path = tmp_path / "Totals.csv"
    path.write_text("Date,Views\n2024-01-01,3\n2024-01-02,4\nShowing top 500 results,\n")
    assert vc.load_csv(path).tolist() == [3, 4]
    assert any("line 4, 'Showing top 500 results', is a footer" in n for n in notes(caplog))


def test_an_unknown_header_lists_the_columns_and_the_options(tmp_path, capsys):
    path = tmp_path / "odd.csv"
    path.write_text("Tag,Zahl\n2024-01-01,3\n")
    assert main(["forecast", "--data", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.endswith("no date column found (columns: Tag, Zahl); name it with --date-col")
    assert "\n" not in err


def test_the_cli_prints_how_the_file_was_read(export, tmp_path, capsys):
    code = main(["train", "--data", str(export[1]), "--series", "x1Yz", "--train-end", "2022-03-14",
                 "--test-start", "2022-03-15", "--epochs", "1", "--quiet", "--out", str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert "note: " in err and "Views of 'x1Yz'" in err  # said before anything else happens
    assert code == 1 and "the series is too short" in err  # four days are too few to train on
