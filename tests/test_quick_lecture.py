"""The bundled wiki-r through `viewcast lecture --quick`: the run itself, and `doctor` on its folder.

One module for the tests of the `quick_lecture` folder, so that under `make test`'s
`--dist loadscope` one worker makes it once (each worker would make its own).
"""

import json

import pytest

from viewcast.cli.main import main
from viewcast.lecture import run as lecture
from viewcast.lecture.doctor import examine
from viewcast.lecture.guide import OPTIMIZATION_FAILURE, OVERFITTING


def kinds(findings):
    return {(f.kind, f.model) for f in findings}


@pytest.mark.slow
def test_quick_run_on_wiki_r_end_to_end(quick_lecture):
    results = json.loads((quick_lecture / "results.json").read_text())
    assert results["short_run"] and results["training"]["n_epochs"] == lecture.QUICK["n_epochs"]
    assert len(results["seeds"]) == lecture.QUICK["n_seeds"]
    assert results["periods"]["train"] == {"start": "2011-01-01", "end": "2014-12-31"}
    assert results["tables"]["lags"]["target_days"]["test"]["days"] == 251  # 2015 misses 2 days
    assert results["wall_time_s"] > 0



@pytest.mark.slow
def test_doctor_agrees_with_the_lecture_tables_diagnosis_lines(quick_lecture, capsys):
    out = quick_lecture
    results = json.loads((out / "results.json").read_text())
    found = kinds(examine(results))
    for table in results["tables"].values():
        for verdict in table["diagnosis"]:
            said = (verdict["kind"], verdict["bigger"])
            if verdict["kind"] in (OPTIMIZATION_FAILURE, OVERFITTING):
                assert said in found  # every failure and every overfit of the tables
            else:  # and never one the tables did not find for that pair
                assert (OVERFITTING, verdict["bigger"]) not in found or any(
                    v["kind"] == OVERFITTING and v["bigger"] == verdict["bigger"]
                    for t in results["tables"].values() for v in t["diagnosis"])
    assert main(["doctor", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("The lecture's general guide on wiki-r")
    assert "3. Which model to use" in printed
