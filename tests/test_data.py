"""Integrity of the bundled Korean data."""

import re
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import siting
from siting.datasets import bundled_path
from siting.testing import OFFICIAL_AREA_KM2

CAPITAL = {"KR-11", "KR-28", "KR-41"}


def test_counts_per_layer_and_voltage(korea):
    assert len(korea.provinces) == 17
    subs = korea.substations
    assert len(subs) >= 120
    assert (subs.voltage_kv == 345).sum() >= 80
    assert (subs.voltage_kv == 765).sum() >= 6
    assert len(korea.renewables[~korea.renewables["aggregate"].astype(str).str.lower().eq("true")]) >= 40
    assert len(korea.plants) >= 25
    hv = korea.lines[korea.lines.kind == "hvdc"]
    assert len(hv) == 3


def test_every_non_capital_province_has_several_substations(korea):
    subs = korea.substations
    for code in sorted(set(korea.provinces.code) - CAPITAL):
        here = subs[subs.province == code]
        assert len(here) >= 3, code
        assert (here.voltage_kv == 154).sum() >= 2, code


def test_bounding_box_and_crs(korea):
    for name, layer in korea.layers().items():
        assert layer.crs.to_epsg() == 4326, name
        x0, y0, x1, y1 = layer.total_bounds
        assert 124.0 <= x0 and x1 <= 132.0 and 33.0 <= y0 and y1 <= 38.9, name


def test_ids_unique(korea):
    for name, col in [("substations", "substation_id"), ("lines", "line_id"), ("renewables", "site_id"), ("plants", "plant_id"), ("provinces", "code")]:
        assert getattr(korea, name)[col].is_unique, name


def test_line_endpoints_exist_and_lengths_from_geometry(korea):
    ids = set(korea.substations.substation_id)
    assert set(korea.lines.from_id) <= ids and set(korea.lines.to_id) <= ids
    # length_km equals the geodesic-ish length of the straight segment in EPSG:5179
    pts = korea.substations.set_index("substation_id").to_crs(5179).geometry
    d = np.array([pts[a].distance(pts[b]) / 1000 for a, b in zip(korea.lines.from_id, korea.lines.to_id)])
    assert np.allclose(d, korea.lines.length_km, rtol=1e-6)


def test_mainland_connected_and_jeju_only_by_hvdc(korea):
    G = siting.grid.build_grid(korea)
    assert nx.is_connected(nx.Graph(G))
    ac = nx.Graph()
    ac.add_nodes_from(G.nodes)
    ac.add_edges_from((u, v) for u, v, d in G.edges(data=True) if d["kind"] == "ac")
    parts = sorted(nx.connected_components(ac), key=len, reverse=True)
    jeju = set(korea.substations.loc[korea.substations.province == "KR-49", "substation_id"])
    assert len(parts) == 2 and parts[1] == jeju
    for u, v, d in G.edges(data=True):
        if d["kind"] == "hvdc":
            assert (u in jeju) != (v in jeju)


def test_capital_region_flags(korea):
    flagged = set(korea.provinces.loc[korea.provinces.capital_region, "code"])
    assert flagged == CAPITAL
    # the Korean loader leaves no headroom in the capital region, and some elsewhere
    subs = korea.substations
    assert (subs.loc[subs.province.isin(CAPITAL), "headroom_mw"] == 0).all()
    assert (subs.loc[~subs.province.isin(CAPITAL) & (subs.voltage_kv == 345), "headroom_mw"] > 0).all()


def test_national_area_within_5_percent(korea):
    area = korea.provinces.to_crs(5179).area.sum() / 1e6
    assert abs(area / sum(OFFICIAL_AREA_KM2.values()) - 1) < 0.05


def test_province_areas_as_documented(korea):
    """Within 5% of the official figure, or else exactly the deviation data/geo/README.md states."""
    text = bundled_path("README").read_text(encoding="utf-8")
    documented = {m[0]: float(m[1]) for m in re.findall(r"\| (KR-\d\d) \|[^|]*\|[^|]*\|[^|]*\| ([+-]\d+\.\d)% \|", text)}
    assert set(documented) == set(OFFICIAL_AREA_KM2)
    area = korea.provinces.set_index("code").to_crs(5179).area / 1e6
    within = 0
    for code, ref in OFFICIAL_AREA_KM2.items():
        dev = 100 * (area[code] / ref - 1)
        assert abs(dev - documented[code]) < 1.0, f"{code}: {dev:+.1f}% but README says {documented[code]:+.1f}%"
        within += abs(dev) <= 5
    assert within >= 8


def test_renewable_totals_follow_kpx_table(korea):
    """Operating capacity per province and group equals KPX/EPSIS Sept 2025 (KOREA_FACTS)."""
    kpx = {  # solar, wind, hydro MW
        "KR-46": (6350, 555, 37), "KR-45": (4745, 80, 79), "KR-47": (4220, 578, 180), "KR-44": (3960, 2, 32),
        "KR-41": (2195, 8, 276), "KR-48": (2180, 102, 145), "KR-42": (1995, 589, 526), "KR-43": (1685, 0, 519),
        "KR-49": (665, 422, 1), "KR-27": (445, 0, 4), "KR-29": (396, 0, 2), "KR-26": (311, 1, 0),
        "KR-28": (197, 49, 13), "KR-31": (165, 0, 0), "KR-50": (93, 0, 2), "KR-30": (69, 0, 0), "KR-11": (48, 0, 0),
    }
    ren = korea.renewables[korea.renewables.status == "operating"]
    group = ren.technology.map({"solar": "solar", "onshore_wind": "wind", "offshore_wind": "wind", "hydro": "hydro"})
    got = ren.groupby([ren.province, group])["capacity_mw"].sum()
    for code, (solar, wind, hydro) in kpx.items():
        for g, want in (("solar", solar), ("wind", wind), ("hydro", hydro)):
            assert got.get((code, g), 0.0) == pytest.approx(want), (code, g)


def test_data_readme_documents_every_layer():
    text = bundled_path("README").read_text(encoding="utf-8")
    for f in ("provinces.geojson", "substations.csv", "lines.csv", "renewables.csv", "plants.csv"):
        assert f"## {f}" in text
    assert "ASSUMPTION" in text and "licence" in text


def test_data_folder_small():
    folder = Path(bundled_path("provinces")).parent
    assert sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) < 2 * 1024 * 1024


def test_capacities_and_factors_sane(korea):
    assert (korea.renewables.capacity_factor.between(0, 0.6)).all()
    assert (korea.lines.capacity_mw > 0).all()
    assert (korea.plants.capacity_mw >= 300).all()
    # held-back east-coast supply spread as documented
    p = korea.plants
    for region, mw in siting.datasets.KOREA_HELD_BACK_MW.items():
        here = p[(p.export_region == region) & (p.status == "operating")]
        assert here.supply_mw.sum() == pytest.approx(mw)
        assert np.allclose(here.supply_mw / here.capacity_mw, mw / here.capacity_mw.sum())
