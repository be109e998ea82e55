"""Static maps: the answer stands out, what binds is drawn, and the map keeps to its own axes."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgb

import siting
from siting import renewable_map, style
from siting.cli import main
from siting.plot import BOTTLENECK_LOADING, FULL_UTILIZATION, GIDS, binding_limits
from siting.style import BINDS
from tests import toy


def bottleneck_result():
    """700 MW on the toy grid with line L5's residual cut to 60 MW: L5 is loaded to its residual
    and two substations are full (the tests check that the fixture still does both); no renewable
    share: solar built for one would add its peak credit as supply where the load is, and no line
    would bind."""
    layers = toy.layers()
    layers["lines"].loc[layers["lines"].line_id == "L5", "residual_mw"] = 60.0
    data = siting.SitingData(**layers)
    sc = siting.Scenario(target_mw=700, grid_spacing_km=5, min_host_provinces=2, renewable_share=0.0)
    return siting.solve(data, sc)


@pytest.fixture(scope="module")
def toy_result():
    return bottleneck_result()


@pytest.fixture(scope="module")
def toy_renewables(toy_data):
    """700 MW, half of its energy renewable, with 30 MW of surplus stranded in the East (by its wind farm):
    the plan uses the surplus and builds solar in the Middle and the East."""
    prov = toy_data.provinces.assign(renewable_surplus_mw=[0.0, 0.0, 0.0, 30.0])
    sc = siting.Scenario(target_mw=700, grid_spacing_km=5, min_host_provinces=2, renewable_share=0.5)
    return siting.solve(toy_data.replace(provinces=prov), sc)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def by_gid(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def xy(frame, crs):
    g = frame.to_crs(crs).geometry
    return np.column_stack([g.x, g.y])


def same_points(a, b):
    return sorted(map(tuple, np.round(a, 3))) == sorted(map(tuple, np.round(b, 3)))


def pixels(fig, color, tol=0.12):
    """Pixels of the rendered figure within ``tol`` of ``color`` (RGB 0-1)."""
    fig.canvas.draw()
    img = np.asarray(fig.canvas.buffer_rgba())[..., :3] / 255.0
    return int((np.abs(img - np.array(to_rgb(color))).max(axis=-1) < tol).sum())


def test_bottlenecks_and_full_substations_on_top(toy_result):
    res = toy_result
    crs = res.metric_crs
    necks = res.lines[(res.lines.flow_mw.abs() > 1e-6) & (res.lines.loading >= BOTTLENECK_LOADING)]
    full = res.substations[(res.substations.load_mw > 0) & (res.substations.utilization >= FULL_UTILIZATION)]
    assert len(necks) and len(full), "the fixture must load a line and fill a substation"
    ax = siting.plot_siting(res)
    (lines,) = by_gid(ax, GIDS["bottleneck_lines"])
    (marks,) = by_gid(ax, GIDS["bottleneck_marks"])
    assert len(lines.get_paths()) == len(necks)
    mid = necks.to_crs(crs).geometry.interpolate(0.5, normalized=True)
    assert same_points(marks.get_offsets(), np.column_stack([mid.x, mid.y]))
    others = [
        c for c in ax.collections if c not in (lines, marks) and c.get_gid() != GIDS["full_substations"]
    ]
    assert lines.get_zorder() > max(c.get_zorder() for c in others)
    assert lines.get_linewidth()[0] > max(
        max(c.get_linewidth(), default=0) for c in others if c.get_gid() is None
    )
    (subs,) = by_gid(ax, GIDS["full_substations"])
    assert same_points(subs.get_offsets(), xy(full, crs))
    (used,) = by_gid(ax, GIDS["used_substations"])
    assert same_points(
        used.get_offsets(), xy(res.substations[(res.substations.load_mw > 0)].drop(full.index), crs)
    )


def test_used_substations_named_and_legend(toy_result):
    res = toy_result
    ax = siting.plot_siting(res)
    labels = [t.get_text() for t in by_gid(ax, GIDS["substation_label"])]
    used = res.substations[res.substations.load_mw > 0]
    assert sorted(t.split("\n")[0] for t in labels) == sorted(used["name"])
    for r in used.itertuples():  # each label carries its own load and headroom
        assert f"{r.name}\n{r.load_mw:,.0f} / {r.headroom_mw:,.0f} MW" in labels
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert [f"campus {s:g} MW" for s in sorted(res.scenario.tiers_mw)] == legend[:4]
    assert any(t.startswith("bottleneck") for t in legend) and "excluded region" in legend
    bars = {c.get_gid(): c for c in ax.child_axes}
    assert {GIDS["mw_colorbar"], GIDS["loading_colorbar"]} <= set(bars)
    assert bars[GIDS["mw_colorbar"]].get_xlim()[1] == pytest.approx(res.provinces.capacity_mw.max())
    (table,) = by_gid(ax, GIDS["province_table"])
    for r in res.provinces[res.provinces.capacity_mw > 0].itertuples():
        assert f"{r.name:<11s}{r.capacity_mw:>7,.0f}" in table.get_text()


@pytest.mark.parametrize("size", [(3.0, 2.0), (5.0, 3.0), (9.0, 6.0)])
def test_labels_do_not_overlap(toy_result, size):
    # five used substations a few km apart: on a small map some labels must move or go
    _, ax = plt.subplots(figsize=size, dpi=100)
    siting.plot_siting(toy_result, ax=ax)
    ax.figure.canvas.draw()
    boxes = [t.get_window_extent() for t in by_gid(ax, GIDS["substation_label"])]
    assert boxes
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


@pytest.mark.parametrize("size", [(3.0, 2.0), (5.0, 3.0), (9.0, 6.0), (9.0, 11.0)])
def test_labels_keep_clear_of_legend_note_and_colour_bars(toy_result, size):
    """A label under the legend was cut in two on the README's figure (Suncheon, 1 km): substation
    labels are placed after the legend, the province table and the colour bars, clear of them, or
    left out (the labels of what binds are written over them instead: the infeasible map's answer,
    test_infeasible_lines_and_provinces_drawn)."""
    _, ax = plt.subplots(figsize=size, dpi=100)
    siting.plot_siting(toy_result, ax=ax)
    ax.figure.canvas.draw()
    furniture = [ax.get_legend().get_window_extent(), *(c.get_tightbbox() for c in ax.child_axes)]
    furniture += [t.get_bbox_patch().get_window_extent() for t in by_gid(ax, GIDS["province_table"])]
    assert len(furniture) == 4
    labels = [t for t in ax.texts if t.get_gid() == GIDS["substation_label"]]
    assert labels or size[0] < 5  # the smallest map may have room for none
    for t in labels:
        px, py = ax.transData.transform(t.xy)
        for f in furniture:
            if not f.contains(px, py):  # a point under the legend may keep its label there
                assert not t.get_window_extent().overlaps(f), (t.get_text(), size)


def test_draws_on_a_canvas_without_a_renderer_of_its_own(toy_result):
    """Labels measure the legend and notes without asking the canvas for a renderer: SVG's has none."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9.0, 6.0))
    FigureCanvasSVG(fig)
    ax = siting.plot_siting(toy_result, ax=fig.add_subplot())
    assert by_gid(ax, GIDS["substation_label"]) and ax.get_legend() is not None


def test_labels_capped(toy_result):
    ax = siting.plot_siting(toy_result, max_labels=2)
    used = toy_result.substations[toy_result.substations.load_mw > 0]
    assert len(used) > 2
    order = used.assign(full=used.utilization >= FULL_UTILIZATION).sort_values(
        ["full", "load_mw"], ascending=False, kind="stable"
    )  # full substations first, then the busiest
    labels = [t.get_text().split("\n")[0] for t in by_gid(ax, GIDS["substation_label"])]
    assert labels == order["name"].head(2).tolist()


def test_renewables_serving_the_plan_drawn(toy_renewables, toy_result):
    res = toy_renewables
    crs, sup = res.metric_crs, res.renewable_supply
    built = sup[sup.source == "new build"].sort_values("energy_mw", ascending=False)
    used = sup[(sup.source == "surplus") & (sup.energy_mw > 0)]
    assert len(built) >= 2 and len(used) == 1, "the fixture must build renewables and use the surplus"
    ax = siting.plot_siting(res)
    (triangles,) = by_gid(ax, GIDS["renewable_build"])
    assert same_points(triangles.get_offsets(), xy(built, crs))
    area = np.maximum(built.energy_mw * style.CAMPUS_AREA_PER_MW, renewable_map.MIN_AREA)
    assert triangles.get_sizes() == pytest.approx(area.to_numpy())  # area ~ average MW, as campuses
    assert [to_hex(c) for c in triangles.get_facecolor()] == [style.TECH_COLOR[t] for t in built.technology]
    (hexagons,) = by_gid(ax, GIDS["renewable_surplus"])
    assert same_points(hexagons.get_offsets(), xy(used, crs))
    assert {to_hex(c) for c in hexagons.get_edgecolor()} == {style.SURPLUS}
    (campuses,) = by_gid(ax, GIDS["campuses"])
    assert campuses.get_zorder() > max(triangles.get_zorder(), hexagons.get_zorder()) > 3  # above lines
    labels = [t.get_text() for t in by_gid(ax, GIDS["renewable_label"])]
    assert "East surplus 30 MW avg" in labels
    for r in built.itertuples():  # e.g. "Middle solar 1.6 GW"
        name = res.provinces.set_index("code").name[r.province]
        assert f"{name} solar {style.power(r.capacity_mw)}" in labels
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "new solar built (area ~ average MW)" in legend
    assert "renewable surplus used (area ~ average MW)" in legend
    assert pixels(ax.figure, style.TECH_COLOR["solar"], tol=0.05) > 20  # rendered, not just listed

    plain = siting.plot_siting(toy_result)  # a plan without renewables draws none, and no legend entry
    assert toy_result.renewable_supply.empty
    assert not any(
        by_gid(plain, GIDS[k]) for k in ("renewable_build", "renewable_surplus", "renewable_label")
    )
    assert not any(
        "built" in t.get_text() or "surplus" in t.get_text() for t in plain.get_legend().get_texts()
    )
    assert pixels(plain.figure, style.TECH_COLOR["solar"], tol=0.05) == 0


def test_infeasible_maps_what_binds(toy_infeasible):
    res = toy_infeasible
    named = binding_limits(res)["substations"]
    assert set(named["id"]) == set(
        res.diagnosis.limits.loc[res.diagnosis.limits.family.isin(["headroom", "supply"]), "id"]
    )
    ax = siting.plot_siting(res)
    (rings,) = by_gid(ax, GIDS["binding_substations"])
    at = res.substations[res.substations.substation_id.isin(named["id"])]
    assert same_points(rings.get_offsets(), xy(at, res.metric_crs))
    labels = " ".join(t.get_text() for t in by_gid(ax, GIDS["binding_label"]))
    for r in at.itertuples():
        assert r.name in labels
    (box,) = by_gid(ax, GIDS["diagnosis_box"])
    assert f"{res.diagnosis.max_achievable_mw:,.0f} MW" in box.get_text()
    assert "renewable share" in box.get_text()  # a limit without a place on the map is still named
    assert by_gid(ax, GIDS["headroom"])
    assert pixels(ax.figure, BINDS) > 50  # the rings are rendered, not just listed


def test_infeasible_lines_and_provinces_drawn(toy_infeasible):
    import pandas as pd

    res = siting.SitingResult(**{**toy_infeasible.__dict__})
    extra = pd.DataFrame(
        [
            {"family": "lines", "id": "L5", "name": "", "over_mw": 40.0, "text": "line L5"},
            {
                "family": "province_cap",
                "id": "KR-T3",
                "name": "Middle",
                "over_mw": 25.0,
                "text": "Middle cap",
            },
        ]
    )
    res.diagnosis = siting.Diagnosis(limits=pd.concat([res.diagnosis.limits, extra], ignore_index=True))
    ax = siting.plot_siting(res)
    (lines,) = by_gid(ax, GIDS["binding_lines"])
    assert len(lines.get_paths()) == 1
    assert by_gid(ax, GIDS["binding_provinces"])
    labels = " ".join(t.get_text() for t in by_gid(ax, GIDS["binding_label"]))
    assert "over by 40 MW" in labels and "Middle\nover its cap by 25 MW" in labels
    km = res.lines.set_index("line_id").at["L5", "length_km"]
    assert f"L5 ({km:.1f} km)\nover by 40 MW" in labels  # the line's id and length (friction 7)


def test_blank_map_would_fail_the_pixel_check(toy_infeasible):
    """The pixel count above can fail: a map without the binding layers has no magenta."""
    res = siting.SitingResult(**{**toy_infeasible.__dict__, "diagnosis": siting.Diagnosis()})
    assert pixels(siting.plot_siting(res).figure, BINDS) == 0


def test_draws_into_given_subplot_only(toy_result):
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    before = [a.get_position(original=True).bounds for a in (left, right)]
    out = siting.plot_siting(toy_result, ax=right)
    assert out is right and fig.axes == [left, right]
    assert [a.get_position(original=True).bounds for a in (left, right)] == before
    assert not (left.collections or left.texts or left.lines or left.child_axes or left.get_legend())
    assert right.collections and right.child_axes


def test_plot_comparison_shares_extent_and_scale(toy_result, toy_infeasible, toy_data):
    small = siting.solve(toy_data, siting.Scenario(target_mw=200, grid_spacing_km=5, min_host_provinces=1))
    results = [small, toy_result, toy_infeasible]
    fig = siting.plot_comparison(results, names=["small", "large", "too large"])
    assert len(fig.axes) == len(results)
    assert [a.get_title().split(":")[0] for a in fig.axes] == ["small", "large", "too large"]
    assert len({(a.get_xlim(), a.get_ylim()) for a in fig.axes}) == 1
    top = max(r.provinces.capacity_mw.max() for r in results)
    for ax in fig.axes:
        (bar,) = [c for c in ax.child_axes if c.get_gid() == GIDS["mw_colorbar"]]
        assert bar.get_xlim()[1] == pytest.approx(top)
    with pytest.raises(siting.SitingError, match="one name per result"):
        siting.plot_comparison(results, names=["only one"])


def test_upgrade_maps_share_one_scale(toy_result):
    """plot_upgrades and the web map's upgrade layer colour a value alike, from siting.style."""
    res = toy_result
    lines = res.lines[res.lines.capacity_value_bn_per_mw > 1e-9]
    subs = res.substations[res.substations.supply_value_bn_per_mw > 1e-9]
    assert len(lines) and len(subs), "the fixture must price a line and a substation"
    top = max(lines.capacity_value_bn_per_mw.max(), subs.supply_value_bn_per_mw.max())
    want = {
        3: [style.upgrade_color(v, top) for v in lines.capacity_value_bn_per_mw],
        4: [style.upgrade_color(v, top) for v in subs.supply_value_bn_per_mw],
    }
    assert want[4][0] != want[4][1]
    ax = siting.plot_upgrades(res)
    for z, colours in want.items():
        (drawn,) = [c for c in ax.collections if c.get_zorder() == z]
        face = drawn.get_edgecolor() if z == 3 else drawn.get_facecolor()
        assert [to_hex(c) for c in face] == colours
    (group,) = [
        c for c in res.explore()._children.values() if getattr(c, "layer_name", "").startswith("Upgrades")
    ]
    web = [g.style_function(f) for g in group._children.values() for f in g.data["features"]]
    assert [w.get("fillColor", w["color"]) for w in web] == want[3] + want[4]


def test_cli_writes_every_format(tmp_path, capsys, monkeypatch, toy_result):
    monkeypatch.setattr(siting, "solve", lambda *args, **kwargs: toy_result)  # the output step only
    toml = tmp_path / "small.toml"
    toml.write_text('name = "small"\ntarget_mw = 700\n')
    out = tmp_path / "out"
    assert main(["run", str(toml), "--out", str(out), "--format", "png,svg,pdf"]) == 0
    assert (out / "small.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "small.pdf").read_bytes()[:5] == b"%PDF-"
    svg = (out / "small.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and f'id="{GIDS["bottleneck_lines"]}"' in svg
    assert "small.svg" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["run", str(toml), "--out", str(out), "--format", "png,gif"])
    assert exc.value.code == 2 and "gif" in capsys.readouterr().err


@pytest.fixture(scope="module")
def small_campus(toy_data):
    """One 50 MW campus on a candidate at substation s-mid itself: at national scale every campus sits
    on its substation's ring."""
    import geopandas as gpd
    import shapely

    at = gpd.GeoDataFrame(geometry=[shapely.Point(127.25, 36.25)], crs="EPSG:4326")
    sc = siting.Scenario(
        target_mw=50,
        tiers_mw=(50, 100),
        min_host_provinces=1,
        province_share_cap=1.0,
        renewable_share=0.0,
        grid_spacing_km=5,
    )
    res = siting.solve(toy_data, sc, candidates=at)
    assert res.sites["capacity_mw"].tolist() == [50.0] and res.sites["substation_id"].tolist() == ["s-mid"]
    return res


def test_small_campus_drawn_over_its_substation(small_campus):
    """Friction 1: a 50 MW campus was hidden under the white ring of the substation it uses."""
    res = small_campus
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    siting.plot_siting(res, ax=ax, table=False)
    fig.canvas.draw()
    img = np.asarray(fig.canvas.buffer_rgba())[..., :3] / 255.0
    pt = res.sites.to_crs(res.metric_crs).geometry.representative_point().iloc[0]
    x, y = ax.transData.transform((pt.x, pt.y))
    row, col = int(round(img.shape[0] - y)), int(round(x))
    window = img[row - 2 : row + 3, col - 2 : col + 3]  # 5 x 5 pixels at the campus
    campus = 0.75 * np.array(to_rgb(style.CAMPUS)) + 0.25  # its colour (alpha 0.75) over the white ring
    hits = int((np.abs(window - campus).max(axis=-1) < 0.08).sum())
    assert hits >= 20, f"{hits} of 25 pixels at the campus have its colour"
    (campuses,) = by_gid(ax, GIDS["campuses"])
    (ring,) = by_gid(ax, GIDS["used_substations"])
    assert campuses.get_zorder() > ring.get_zorder()
    assert campuses.get_sizes()[0] >= style.MIN_MARKER_AREA


def scale_bars(ax):
    return [a for a in ax.get_children() if a.get_gid() == GIDS["scale_bar"]]


def test_scale_bar_on_every_static_map(toy_result, toy_data):
    """Friction 12: no scale bar on the PNG. One bar in km, about a fifth of the map's width."""
    for ax in (siting.plot_siting(toy_result), siting.plot_upgrades(toy_result), siting.plot_data(toy_data)):
        (bar,) = scale_bars(ax)
        text = bar.txt_label.get_text()
        km = float(text.removesuffix(" km").replace(",", ""))
        (box,) = bar.size_bar.get_children()
        assert box.get_width() == pytest.approx(km * 1000.0)  # the metric CRS is in metres
        width_km = np.ptp(ax.get_xlim()) / 1000.0
        assert width_km / 10 <= km <= width_km / 2.5


def boxes_overlap(boxes):
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if a.overlaps(b)]


@pytest.mark.parametrize("size", [(4.0, 3.0), (9.0, 11.0)])
def test_upgrade_labels_do_not_pile_up(toy_result, size):
    """Friction 12: the upgrades map wrote every label at the same offset, so near points piled them up."""
    _, ax = plt.subplots(figsize=size, dpi=100)
    siting.plot_upgrades(toy_result, ax=ax)
    ax.figure.canvas.draw()
    boxes = [t.get_window_extent() for t in ax.texts]
    assert len(boxes) >= 2
    assert not boxes_overlap(boxes)
    assert len(by_gid(ax, GIDS["upgrade_label"])) == len(boxes)


@pytest.mark.parametrize("size", [(3.0, 2.0), (5.0, 3.0), (9.0, 6.0)])
def test_labels_keep_off_other_markers(toy_renewables, size):
    """Friction 12: long labels covered campuses and renewables; a label may touch only its own markers."""
    _, ax = plt.subplots(figsize=size, dpi=100)
    siting.plot_siting(toy_renewables, ax=ax, table=False)
    ax.figure.canvas.draw()
    markers = []
    for gid in ("campuses", "renewable_build", "renewable_surplus", "used_substations", "full_substations"):
        for layer in by_gid(ax, GIDS[gid]):
            at = ax.transData.transform(layer.get_offsets())
            r = np.sqrt(np.broadcast_to(layer.get_sizes(), len(at))) / 2 * ax.figure.dpi / 72
            markers += [(x - q, y - q, x + q, y + q) for (x, y), q in zip(at, r, strict=True)]
    labels = [t for t in ax.texts if t.get_gid() in (GIDS["substation_label"], GIDS["renewable_label"])]
    assert labels
    for t in labels:
        box = t.get_window_extent()
        px, py = ax.transData.transform(t.xy)
        for m in markers:
            if not (m[0] < px < m[2] and m[1] < py < m[3]):  # a marker over the label's own point
                assert not box.overlaps(matplotlib.transforms.Bbox.from_extents(*m)), (t.get_text(), m)


def test_exclusion_buffer_drawn_around_the_capital_region_only(toy_data):
    """Friction 9: the exclusion buffer was never drawn. The ring around the excluded province, and
    no other, is on the map with its legend entry, and candidates are dropped for it."""
    sc = siting.Scenario(target_mw=150, grid_spacing_km=5, min_host_provinces=1, exclude_buffer_km=20)
    res = siting.solve(toy_data, sc)
    ring = res.exclusion_buffer
    assert ring is not None and ring.index.tolist() == ["buffer"]
    capital = toy_data.provinces.set_index("code").geometry["KR-T1"]
    assert not ring.iloc[0].is_empty and ring.iloc[0].intersection(capital).area < 1e-9
    dropped = res.dropped_candidates
    in_buffer = dropped[dropped["reason"] == "buffer"]
    assert len(in_buffer) > 0
    ax = siting.plot_siting(res)
    drawn = [c for c in ax.collections if c.get_gid() == GIDS["exclusion_buffer"]]
    assert len(drawn) == 1
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "exclusion buffer (20 km)" in labels
    plt.close(ax.figure)
    assert siting.solve(toy_data, sc.replace(exclude_buffer_km=0)).exclusion_buffer is None
