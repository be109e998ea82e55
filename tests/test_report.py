"""The summary in words: it says how much it lists, and names lines so that they can be found."""

import pandas as pd

import siting
from siting.report import LISTED_SUBSTATIONS
from tests.test_plot import bottleneck_result


def used_rows(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, t in enumerate(lines) if t.startswith("Substations used:"))
    end = next(i for i, t in enumerate(lines) if t.startswith("Most loaded lines"))
    return lines[start + 1 : end]


def test_summary_says_how_many_substations_it_lists():
    """Friction 7: "Substations used: 19" was followed by 10 rows."""
    res = bottleneck_result()
    used = res.substations[res.substations.load_mw > 0]
    text = res.summary()
    assert f"Substations used: {len(used)}\n" in text and len(used) <= LISTED_SUBSTATIONS
    assert len(used_rows(text)) == len(used)  # all listed: the count alone

    many = pd.concat(  # 3 x the used substations, under new ids
        [used.assign(substation_id=used.substation_id + f"-{k}", load_mw=used.load_mw + k) for k in range(3)]
    )
    assert len(many) > LISTED_SUBSTATIONS
    big = siting.SitingResult(**{**res.__dict__, "substations": many})
    text = big.summary()
    assert f"Substations used: {len(many)} ({LISTED_SUBSTATIONS} largest listed)\n" in text
    rows = used_rows(text)
    assert len(rows) == LISTED_SUBSTATIONS
    largest = many.sort_values("load_mw", ascending=False, kind="stable").head(LISTED_SUBSTATIONS)
    assert [row.rsplit("(", 1)[1].rstrip(")") for row in rows] == largest.substation_id.tolist()


def test_summary_names_lines_with_id_and_length():
    """Friction 7: the most loaded lines were named by generated endpoint names, without id or length."""
    res = bottleneck_result()
    named = res.lines.assign(name=res.lines.from_id + " – " + res.lines.to_id)
    text = siting.SitingResult(**{**res.__dict__, "lines": named}).summary()
    busy = named[named.flow_mw.abs() > 1e-6].sort_values("loading", ascending=False, kind="stable")
    assert f"Most loaded lines ({min(len(busy), 5)} of {len(busy)} carrying new flow):" in text
    for r in busy.head(5).itertuples():
        assert (
            f"  {r.from_id} – {r.to_id} ({r.line_id}, {r.length_km:,.1f} km): {abs(r.flow_mw):,.0f} / "
            in text
        )
