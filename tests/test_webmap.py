"""The interactive map: its structure, an offline page, and what a real browser renders from it.

The browser tests open the saved file from disk in headless Chromium with the
network cut off (a dead proxy and no DNS) and read back the DOM Leaflet built
and a screenshot. They are skipped without Chromium only outside CI.
"""

import os
import re
import shutil
import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib import image
from matplotlib.colors import to_hex

import siting
from siting import renewable_map, style
from siting.cli import main
from siting.report import line_label
from siting.webmap import CLASSES, LAYERS
from tests.test_plot import (
    bottleneck_result,
    toy_renewables,  # noqa: F401 (a fixture)
)

OFFLINE = ["--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND"]
#: A script, stylesheet or image fetched from the network.
REMOTE = re.compile(
    r"<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//|url\(\s*[\"']?(?:https?:)?//", re.I
)


@pytest.fixture(scope="module")
def toy_result(toy_data):
    return siting.solve(toy_data, siting.Scenario(target_mw=500, grid_spacing_km=5, min_host_provinces=2))


@pytest.fixture(scope="module")
def korea_result(korea):
    sc = siting.Scenario.from_toml(
        os.path.join(os.path.dirname(__file__), "..", "scenarios", "korea_default.toml")
    )
    return siting.solve(korea, sc.replace(target_mw=1000, grid_spacing_km=50))


def groups(m) -> dict:
    """Layer name -> list of GeoJSON feature collections drawn in it."""
    out = {}
    for child in m._children.values():
        if type(child).__name__ == "FeatureGroup":
            out[child.layer_name] = [
                g.data for g in child._children.values() if type(g).__name__ == "GeoJson"
            ]
    return out


def popups(fc: dict) -> list[str]:
    return [f["properties"]["popup"] for f in fc["features"]]


def test_layers_campuses_and_popups(toy_result):
    layers = groups(toy_result.explore())
    absent = ("Limits that bind", "Reinforcements")  # a plan, and no reinforce
    assert list(layers) == [name for name in LAYERS if name not in absent]  # in order, no empty layer
    links, campuses = layers["Campuses"]
    assert len(campuses["features"]) == len(links["features"]) == len(toy_result.sites) >= 3
    for text in popups(campuses):
        assert (
            re.search(r"Size: \d+ MW", text)
            and re.search(r"Connection: [\d.]+ km", text)
            and "Substation:" in text
        )
    (lines,) = layers["Lines: loading"]
    assert len(lines["features"]) == len(toy_result.lines)
    for text in popups(lines):
        assert all(w in text for w in ("kV", "New flow:", "Residual capacity", "MW", "Loading:", "%"))
    (subs,) = layers["Substations"]
    used = [t for t in popups(subs) if "Campus load connected: 0 MW" not in t]
    assert len(used) == toy_result.substations["load_mw"].gt(0).sum() and all(
        "Headroom for new load:" in t for t in used
    )
    assert "200 MW placed in 1 campus" in " ".join(
        f["properties"]["tip"] for f in layers["Provinces: MW placed"][0]["features"]
    )
    (ren,) = layers["Renewables"]
    assert len(ren["features"]) == 3 and "Capacity factor: 15%" in " ".join(popups(ren))


def test_renewables_serving_the_plan_layer(toy_renewables):  # noqa: F811 (the fixture imported above)
    res = toy_renewables
    sup = res.renewable_supply[res.renewable_supply.energy_mw > 0]
    assert set(sup.source) == {"surplus", "new build"}, "the fixture must use surplus and build"
    m = res.explore()
    layers = groups(m)
    assert list(layers).index("Renewables serving the plan") == list(layers).index("Substations") - 1
    (fc,) = layers["Renewables serving the plan"]
    assert len(fc["features"]) == len(sup)
    text = popups(fc)
    built = [t for t in text if "Source: new build" in t]
    assert len(built) == (sup.source == "new build").sum()
    for r in sup[sup.source == "new build"].itertuples():  # every figure the brief names, with units
        (t,) = [t for t in built if f"({r.province})" in t and f"Built: {style.mw(r.capacity_mw)}" in t]
        assert f"Technology: {r.technology}" in t and f"Average: {style.mw(r.energy_mw)}" in t
        assert f"Cost: {style.krw_bn(r.cost_krw_bn)}; annual: {style.krw_bn(r.annual_krw_bn)}/yr" in t
        assert "Potential: no limit stated" in t  # the toy states no potential: inf
    (surplus,) = [t for t in text if "Source: surplus" in t]
    assert "Average: 30 MW used of 30 MW stated" in surplus and "East (KR-T4)" in surplus
    tips = [f["properties"]["tip"] for f in fc["features"]]
    assert "East surplus 30 MW avg" in tips and any(t.startswith("Middle solar") for t in tips)
    colours = [s["fillColor"] for _, s in styled(m, "Renewables serving the plan")]
    assert sorted(colours) == sorted(style.supply_color(t) for t in sup.technology)
    page = m.get_root().render()
    assert "Renewables serving the plan (area ~ average MW" in page and "renewable surplus used" in page
    subs = " ".join(popups(layers["Substations"][0]))  # what each substation takes in
    assert "Renewables taken in here: surplus 30 MW of 30 MW stranded here" in subs
    assert "new renewables' peak credit" in subs

    none = res.renewable_supply.assign(energy_mw=0.0)  # the surplus stated but unused, nothing built
    plain = siting.SitingResult(**{**res.__dict__, "renewable_supply": none}).explore()
    assert "Renewables serving the plan" not in groups(plain)  # no layer, no legend rows
    assert "Renewables serving the plan" not in plain.get_root().render()


def styled(m, layer: str) -> list[tuple[dict, dict]]:
    """(feature, Leaflet style) of every feature drawn in ``layer``, as the page styles them."""
    (group,) = [c for c in m._children.values() if getattr(c, "layer_name", None) == layer]
    return [
        (f, g.style_function(f))
        for g in group._children.values()
        if type(g).__name__ == "GeoJson"
        for f in g.data["features"]
    ]


def test_static_and_web_maps_share_one_style(toy_result):
    """The PNG and the HTML draw provinces, idle and loaded lines and campuses in siting.style's colours."""
    res = toy_result
    m = res.explore()
    page = m.get_root().render()
    ax = siting.plot_siting(res)
    png = {z: [c for c in ax.collections if c.get_zorder() == z and c.get_gid() is None] for z in (1, 2, 3)}
    (campuses,) = [c for c in ax.collections if c.get_gid() == "siting-campuses"]
    plt.close(ax.figure)

    prov = res.provinces
    shade = np.array([style.mw_color(mw, prov.capacity_mw.max()) for mw in prov.capacity_mw])
    faces = np.array([to_hex(c) for c in png[1][0].get_facecolor()])  # drawn first: a face per province
    hosts = ~prov.excluded.to_numpy()  # the excluded region is filled grey and hatched on the PNG
    assert len(faces) == len(prov) and prov.capacity_mw.gt(0).sum() >= 2 and not hosts.all()
    assert faces[hosts].tolist() == shade[hosts].tolist()
    assert [s["fillColor"] for _, s in styled(m, "Provinces: MW placed")] == shade.tolist()

    lines = [
        (s["color"], "New flow: 0 MW" in f["properties"]["popup"]) for f, s in styled(m, "Lines: loading")
    ]
    assert (
        {to_hex(c) for c in png[2][0].get_edgecolor()}
        == {c for c, idle in lines if idle}
        == {style.IDLE_LINE}
    )
    loaded = sorted(style.loading_color(v) for v in res.lines.loading[res.lines.flow_mw.abs() > 1e-6])
    assert loaded and sorted(to_hex(c) for c in png[3][0].get_edgecolor()) == loaded
    assert sorted(c for c, idle in lines if not idle) == loaded

    points = [s for f, s in styled(m, "Campuses") if f["geometry"]["type"] == "Point"]
    assert {to_hex(c) for c in campuses.get_facecolor()} == {s["fillColor"] for s in points} == {style.CAMPUS}
    for colour in (style.IDLE_LINE, *loaded, *shade, style.CAMPUS):  # written into the page as drawn
        assert f'"{colour}"' in page


def test_saved_page_is_offline_with_leaflet_inlined(toy_result, tmp_path):
    path = tmp_path / "toy.html"
    toy_result.explore().save(path)
    page = path.read_text(encoding="utf-8")
    assert not REMOTE.search(page), REMOTE.search(page)
    assert not re.search(r"jquery|bootstrap|font-?awesome|awesome-markers|cdn\.", page, re.I)
    assert 't.version="1.9.4"' in page and ".leaflet-control-layers" in page  # Leaflet JS and CSS inlined
    assert "data:image/png;base64," in page and "url(images/" not in page
    assert page.count("<script") == page.count("</script>")
    for name in LAYERS[:7]:  # up to the campuses (the toy plan builds solar: renewables serve it)
        assert name in page
    assert "Legend" in page and "excluded region" in page


def test_tiles_only_when_asked(toy_result):
    page = toy_result.explore(tiles="OpenStreetMap").get_root().render()
    assert "tile.openstreetmap.org" in page and not REMOTE.search(page)
    assert "L.tileLayer" not in toy_result.explore().get_root().render()


def test_import_siting_does_not_import_folium():
    code = (
        "import sys, siting; assert 'folium' not in sys.modules; "
        "assert callable(siting.explore); assert 'folium' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert siting.explore is siting.webmap.explore
    with pytest.raises(AttributeError):
        siting.no_such_name  # noqa: B018


def test_infeasible_result_names_what_binds(toy_infeasible):
    m = toy_infeasible.explore()
    layers = groups(m)
    assert "Campuses" not in layers and len(layers["Lines: loading"][0]["features"]) == len(
        toy_infeasible.lines
    )
    (limits,) = layers["Limits that bind"]
    # the least relaxation is 100 MW of supply; how it splits between substations is a tie
    diag = toy_infeasible.diagnosis.limits
    at_subs = diag[diag.family.isin(["headroom", "supply"])]
    assert at_subs.over_mw.sum() == pytest.approx(100.0)
    assert sorted(popups(limits)) == sorted(
        f"<b>Substation {r.name}</b>: limit that binds<br>{r.text}" for r in at_subs.itertuples()
    )
    page = m.get_root().render()
    assert (
        "No plan meets every limit for 900 MW" in page and "renewable share: 44.0 MW (average) short" in page
    )


def test_binding_lines_and_provinces_are_highlighted(toy_infeasible):
    res = siting.SitingResult(**{**toy_infeasible.__dict__})
    extra = pd.DataFrame(
        [
            {"family": "lines", "id": "L5", "name": "", "over_mw": 40.0},
            {"family": "province_cap", "id": "KR-T3", "name": "Middle", "over_mw": 25.0},
        ]
    )
    words = {**siting.families.Network.limits, **siting.families.ProvinceCap.limits}
    extra["text"] = [  # worded as siting.diagnose words them
        words[r.family].format(name=r.name or r.id, mw=r.over_mw) for r in extra.itertuples()
    ]
    res.diagnosis = siting.Diagnosis(limits=pd.concat([res.diagnosis.limits, extra], ignore_index=True))
    text = " ".join(t for fc in groups(res.explore())["Limits that bind"] for t in popups(fc))
    assert "line L5: residual capacity exceeded by 40.0 MW" in text and "Middle exceeded by 25.0 MW" in text


def campus_popups(res) -> dict[str, str]:
    """Site id -> its campus popup."""
    _, campuses = groups(res.explore())["Campuses"]
    return dict(zip(res.sites["site_id"], popups(campuses), strict=True))


def test_campus_popup_says_why_here():
    """Friction 7: the popup gave province, size, substation and km only. Now each campus's own cost
    terms, the plan's terms that are not per campus, and the limits that bind where it connects."""
    res = bottleneck_result()
    text = campus_popups(res)
    subs = res.substations.set_index("substation_id")
    lines = res.lines
    assert (subs.utilization >= 0.99).any() and (lines.loading >= 0.99).any(), "the fixture must bind"
    for r in res.sites.itertuples():
        t = text[r.site_id]
        own = r.connection_cost_krw_bn + r.site_cost_krw_bn + r.renewable_incentive_krw_bn + r.subsidy_krw_bn
        assert (
            f"Costs: connection {r.connection_cost_krw_bn:,.1f}, site {r.site_cost_krw_bn:,.1f}, "
            f"renewable incentive {r.renewable_incentive_krw_bn:,.1f}, subsidy {r.subsidy_krw_bn:,.1f}; "
            f"this campus {style.krw_bn(own)}"
        ) in t
        assert f"transmission {style.krw_bn(res.costs['transmission'])} for the whole plan" in t
        sub = subs.loc[r.substation_id]
        assert (f"headroom at {sub['name']} ({r.substation_id}) full" in t) == (sub.utilization >= 0.99)
        meet = lines[(lines.from_id == r.substation_id) | (lines.to_id == r.substation_id)]
        for ln in meet.itertuples():  # the lines at its substation named with id and length where they bind
            named = f"line {line_label(ln.name, ln.line_id, ln.length_km)} at"
            at_limit = abs(ln.flow_mw) > 1e-6 and ln.loading >= 0.99
            assert (named in t) == (at_limit or ln.capacity_value_bn_per_mw > 1e-9)
        assert "Limits that bind: " in t
    assert any("line L5 (44.9 km) at 100% of its residual 60 MW" in t for t in text.values())


def test_campus_popup_names_the_renewables_at_its_substation(toy_renewables):  # noqa: F811
    res = toy_renewables
    text = campus_popups(res)
    subs = res.substations.set_index("substation_id")
    delivered = subs.loc[res.sites.substation_id, "renewable_delivered_mw"].to_numpy()
    assert (delivered > 1e-6).any() and (delivered <= 1e-6).any(), "the fixture must deliver at some"
    for r, mw in zip(res.sites.itertuples(), delivered, strict=True):
        name = f"{subs.at[r.substation_id, 'name']} ({r.substation_id})"
        want = (
            f"{style.mw(mw)} average delivered to the campuses at {name}"
            if mw > 1e-6
            else f"none delivered at {name}"
        )
        assert f"Renewables: {want}" in text[r.site_id]
    assert any("taken in there: surplus 30 MW average" in t for t in text.values())


def test_lines_named_with_id_and_length(toy_infeasible):
    """Friction 7: lines were named by their generated endpoint names alone; now with id and length."""
    named = toy_infeasible.lines.assign(name="West – Middle")
    res = siting.SitingResult(**{**toy_infeasible.__dict__, "lines": named})
    res.diagnosis = siting.Diagnosis(
        limits=pd.DataFrame([{"family": "lines", "id": "L3", "name": "", "over_mw": 40.0, "text": "L3 over"}])
    )
    layers = groups(res.explore())
    km = res.lines.set_index("line_id").length_km
    (limit,) = popups(layers["Limits that bind"][0])
    assert f"<b>Line West – Middle (L3, {km['L3']:.1f} km)</b>: limit that binds" in limit
    lines = popups(layers["Lines: loading"][0])
    assert all(any(f"(L{i}, {km[f'L{i}']:.1f} km)</b>" in t for t in lines) for i in range(1, 8))


def test_cli_writes_html(tmp_path):
    toml = tmp_path / "small.toml"
    toml.write_text(
        'name = "small"\ntarget_mw = 600\ngrid_spacing_km = 40\nmin_host_provinces = 1\nrenewable_share = 0\n'
    )
    assert main(["run", str(toml), "--out", str(tmp_path / "out"), "--html"]) == 0
    page = (tmp_path / "out" / "small.html").read_text(encoding="utf-8")
    assert "Campuses" in page and not REMOTE.search(page)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "small.gpkg",
        "small.html",
        "small.png",
        "small_summary.txt",
    ]


# --- a real browser ---------------------------------------------------------------------------

CLICK_FIRST_CAMPUS = """<script>
setTimeout(function () {
  document.querySelector("path.siting-campus")
    .dispatchEvent(new MouseEvent("click", {bubbles: true, clientX: 1, clientY: 1}));
}, 500);
</script></body>"""


@pytest.fixture(scope="module")
def chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail(
                "chromium is not installed but CI is set: the browser test must run in CI (see .ci/run)"
            )
        pytest.skip("chromium not found (apt-get install chromium); set CI=1 to make this a failure")
    return exe


def browse(exe: str, page, tmp_path, *args: str) -> str:
    """Open ``page`` from disk in headless Chromium with the network off; return stdout."""
    cmd = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        *OFFLINE,
        "--virtual-time-budget=5000",
        "--window-size=1200,1000",
        *args,
        page.as_uri(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def count(dom: str, cls: str) -> int:
    return len(re.findall(rf'<path\b[^>]*\bclass="[^"]*\b{cls}\b', dom))


# Korea in the slow tier (29 s): the toy cases check the same layers in the quick one
@pytest.mark.parametrize(
    "case", ["toy_result", "toy_infeasible", pytest.param("korea_result", marks=pytest.mark.slow)]
)
def test_browser_renders_layers_offline(case, chromium, tmp_path, request):
    res = request.getfixturevalue(case)
    page = tmp_path / f"{case}.html"
    res.explore().save(page)
    dom = browse(chromium, page, tmp_path, "--dump-dom")
    assert count(dom, CLASSES["line"]) == len(res.lines)
    assert count(dom, CLASSES["campus"]) == len(res.sites)
    assert count(dom, CLASSES["substation"]) == len(res.substations)
    assert count(dom, CLASSES["renewable"]) == len(res.renewables)
    assert count(dom, CLASSES["supply"]) == len(renewable_map.serving(res))
    toggles = re.findall(
        r'<input type="checkbox" class="leaflet-control-layers-selector"[^>]*><span> ([^<]+)</span>', dom
    )
    assert toggles == list(groups(res.explore())), toggles  # the layer control lists every layer, in order
    assert 'class="siting-box siting-title"' in dom and "Legend" in dom
    png = tmp_path / f"{case}.png"
    browse(chromium, page, tmp_path, f"--screenshot={png}")
    pixels = image.imread(png)[..., :3]
    colours = np.unique((pixels.reshape(-1, 3) * 255).round().astype(int), axis=0)
    assert pixels.shape[:2] == (1000, 1200) and len(colours) > 50, f"{len(colours)} colours: a blank page?"
    background = pixels[5, 600]  # between the title and the layer control
    drawn = (
        np.abs(pixels[300:700, 300:800] - background).sum(axis=-1) > 0.03
    )  # the middle: the data, not the panels
    assert drawn.mean() > 0.2, f"only {drawn.mean():.0%} of the middle differs from the background"


def test_browser_opens_campus_popup(toy_result, chromium, tmp_path):
    page = tmp_path / "click.html"
    toy_result.explore().save(page)
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", CLICK_FIRST_CAMPUS), encoding="utf-8")
    dom = browse(chromium, page, tmp_path, "--dump-dom")
    popup = re.search(r'class="leaflet-popup-content"[^>]*>(.*?)</div>', dom, re.S)
    assert popup, "clicking a campus opened no popup"
    assert re.search(r"Campus .*Size: \d+ MW.*Connection: [\d.]+ km", popup.group(1), re.S)
