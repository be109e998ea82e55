"""Reinforcements on the maps (issue 23): the projects built drawn in their own colour, candidates faint.

The plan of :func:`reinforced_plan` builds one project of each kind on the toy
grid (an uprate of L3, an HVDC link west -> mid2, two units of substation
headroom at s-mid2) and leaves a candidate AC line unbuilt; the plan of
:func:`unbuilt_plan` builds nothing. The tests read the artists and the pixels
of the static map, and the GeoJSON, popups and legend of the web map.
"""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgb

import siting
from siting import style
from siting.plot_parts import GIDS
from siting.webmap_reinforcements import CLASS, LAYER
from tests.test_plot import by_gid, pixels, same_points
from tests.test_reinforcement import PROJECTS, candidates, cheap, middle
from tests.test_webmap import groups, popups, styled


def reinforced_case() -> tuple[siting.SitingData, siting.Scenario]:
    """250 MW in the toy's middle with s-mid2 empty and L3 full today, the link west -> mid2 cheap."""
    data, sc = middle({"s-mid2": 0}, target_mw=250)
    lines = data.lines.assign(residual_mw=data.lines["residual_mw"].where(data.lines.line_id != "L3", 0.0))
    return data.replace(lines=lines, reinforcements=candidates(cheap("hv"))), sc.replace(reinforce=True)


def reinforced_plan() -> siting.SitingResult:
    """The plan of :func:`reinforced_case`: builds up3, hv and sub, not ac."""
    res = siting.solve(*reinforced_case())
    built = res.reinforcements.set_index("project_id")["units_built"].to_dict()
    assert res.status == "optimal" and built == {"up3": 1, "hv": 1, "ac": 0, "sub": 2}, built
    return res


def unbuilt_plan() -> siting.SitingResult:
    """100 MW in the toy's middle: today's grid serves it, no project is built."""
    data, sc = middle(target_mw=100)
    res = siting.solve(data.replace(reinforcements=candidates(PROJECTS)), sc.replace(reinforce=True))
    assert res.status == "optimal" and not res.reinforcements["built"].any()
    return res


@pytest.fixture(scope="module")
def built():
    return reinforced_plan()


@pytest.fixture(scope="module")
def left():
    return unbuilt_plan()


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def projected(res, pid):
    """The project's geometry in the map's CRS."""
    table = res.reinforcements.to_crs(res.metric_crs).set_index("project_id")
    return table.geometry[pid]


def colour_along(ax, line, color, tol=0.12):
    """Share of 21 points along ``line`` (map CRS) with ``color`` within 2 pixels, on the rendered figure."""
    fig = ax.figure
    fig.canvas.draw()
    img = np.asarray(fig.canvas.buffer_rgba())[..., :3] / 255.0
    hit = np.abs(img - np.array(to_rgb(color))).max(axis=-1) < tol
    height = img.shape[0]
    found = 0
    for f in np.linspace(0.05, 0.95, 21):
        p = line.interpolate(f, normalized=True)
        x, y = ax.transData.transform((p.x, p.y))
        row, col = int(round(height - y)), int(round(x))
        found += bool(hit[row - 2 : row + 3, col - 2 : col + 3].any())
    return found / 21


def test_built_projects_drawn_by_kind(built):
    ax = siting.plot_siting(built)
    (new,) = by_gid(ax, GIDS["reinforcement_lines"])
    (path,) = new.get_paths()
    hv = projected(built, "hv")
    assert np.allclose(path.vertices, np.asarray(hv.coords))
    assert {to_hex(c) for c in new.get_edgecolor()} == {style.REINFORCEMENT}
    assert new.get_linestyle()[0][1] is not None  # dashed
    (band,) = by_gid(ax, GIDS["reinforcement_uprates"])
    assert np.allclose(band.get_paths()[0].vertices, np.asarray(projected(built, "up3").coords))
    (rings,) = by_gid(ax, GIDS["reinforcement_substations"])
    sub = projected(built, "sub")
    assert same_points(rings.get_offsets(), np.array([[sub.x, sub.y]]))
    assert {to_hex(c) for c in rings.get_edgecolor()} == {style.REINFORCEMENT}
    (faint,) = by_gid(ax, GIDS["reinforcement_candidates"])  # the AC line not built
    assert len(faint.get_paths()) == 1 and {to_hex(c) for c in faint.get_edgecolor()} == {style.CANDIDATE}
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    for entry in ("new line or HVDC link built (1)", "line uprated (1)", "substation expanded (1)"):
        assert entry in legend
    assert "candidate not built (1)" in legend


def test_built_projects_named_with_cost_and_flow(built):
    ax = siting.plot_siting(built)
    labels = [t.get_text() for t in by_gid(ax, GIDS["reinforcement_label"])]
    rows = built.reinforcements.set_index("project_id")
    for pid in ("hv", "up3", "sub"):
        r = rows.loc[pid]
        assert any(t.startswith(pid + "\n") and f"carries {style.power(r.flow_mw)}" in t for t in labels), (
            labels
        )
    assert any("2 units, " in t for t in labels)  # the modular substation project
    assert not any(t.startswith("ac\n") for t in labels)  # not built, not named


def test_built_colour_rendered_along_the_link_and_absent_when_not_built(built, left):
    ax = siting.plot_siting(built)
    assert colour_along(ax, projected(built, "hv"), style.REINFORCEMENT) >= 0.5
    none = siting.plot_siting(left)
    assert pixels(none.figure, style.REINFORCEMENT) == 0
    assert colour_along(none, projected(left, "hv"), style.REINFORCEMENT) == 0
    assert colour_along(none, projected(left, "hv"), style.CANDIDATE) >= 0.3  # drawn faint instead
    assert pixels(none.figure, style.CANDIDATE, tol=0.05) > 20
    hidden = siting.plot_siting(left, unbuilt=False)
    assert pixels(hidden.figure, style.CANDIDATE, tol=0.05) == 0
    assert not by_gid(hidden, GIDS["reinforcement_candidates"])


def test_no_reinforcement_layer_without_the_table(built):
    plain = siting.SitingResult(**{**built.__dict__, "reinforcements": None})
    ax = siting.plot_siting(plain)
    assert not any(by_gid(ax, GIDS[k]) for k in GIDS if k.startswith("reinforcement"))
    assert pixels(ax.figure, style.REINFORCEMENT) == 0
    assert LAYER not in groups(plain.explore())


def test_web_layer_has_the_built_projects_with_popups(built):
    m = built.explore()
    layers = groups(m)
    assert list(layers)[-1] == LAYER
    drawn = layers[LAYER]
    texts = [t for fc in drawn for t in popups(fc)]
    rows = built.reinforcements.set_index("project_id")
    for pid, words in (("hv", "new HVDC link"), ("up3", "uprate of a line"), ("sub", "substation expansion")):
        r = rows.loc[pid]
        (text,) = [t for t in texts if f"({pid})" in t]
        assert f"Kind: {words}" in text and f"Built: {r.units_built} of {r.max_units} unit" in text
        assert f"Cost: {style.krw_bn(r.cost_krw_bn)}" in text and f"Carries: {style.mw(r.flow_mw)}" in text
        assert "Source: ASSUMPTION: toy" in text
    (ac,) = [t for t in texts if "(ac)" in t]
    assert "Not built" in ac and "Carries" not in ac
    page = m.get_root().render()
    assert f'"{style.REINFORCEMENT}"' in page and CLASS in page
    assert "new line or HVDC link built" in page and "substation expanded" in page  # the legend


def test_web_styles_built_apart_from_candidates(built):
    pid = re.compile(r"</b> \(([^)]+)\)")
    looks = {pid.search(f["properties"]["popup"]).group(1): s for f, s in styled(built.explore(), LAYER)}
    assert {p: s["color"] for p, s in looks.items()} == {
        "hv": style.REINFORCEMENT,
        "up3": style.REINFORCEMENT,
        "sub": style.REINFORCEMENT,
        "ac": style.CANDIDATE,
    }
    assert looks["hv"]["dashArray"] and looks["hv"]["weight"] > looks["ac"]["weight"]
    assert looks["up3"]["weight"] > looks["hv"]["weight"] and looks["up3"]["opacity"] < 1  # a band
