"""Line ratings from a country's standard conductors (issue 19): tables, OSM bundles, provenance."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

import siting
from siting.rules import line_type
from siting.settings import LINE_RATINGS
from tests import toy

#: KOREA_FACTS "Line ratings": MVA per circuit of KEPCO's standard conductors.
KOREA_FACTS_MVA = {154.0: 452.0, 345.0: 2172.0, 765.0: 7290.0}


def _generic_layers() -> dict:
    layers = toy.layers()
    layers["lines"] = layers["lines"].drop(columns=["capacity_mw", "residual_mw"], errors="ignore")
    return layers


def test_bundled_korea_ratings_are_the_korean_standard_conductors(korea):
    """Per-circuit ratings within 10 % of KOREA_FACTS (MVA x power factor 0.95), every line says where."""
    ac = korea.lines[korea.lines.kind == "ac"]
    per_circuit = (ac.capacity_mw / ac.circuits).groupby(ac.voltage_kv).median()
    for kv, mva in KOREA_FACTS_MVA.items():
        assert per_circuit[kv] == pytest.approx(mva * 0.95, rel=0.01)
        assert abs(per_circuit[kv] / mva - 1) <= 0.10
    assert (korea.lines.rating_source != "").all()
    assert ac.rating_source.str.startswith("kepco: ACSR").all()
    hvdc = korea.lines[korea.lines.kind == "hvdc"]
    assert len(hvdc) == 2 and hvdc.rating_source.str.contains("Jeju").all()


def test_osm_wires_single_rates_one_sub_conductor():
    """An OSM way tagged wires=single is rated as a single conductor; untagged takes the standard bundle."""
    ways = gpd.GeoDataFrame(
        {"voltage": ["154000", "154000"], "wires": ["single", None], "circuits": [1, 1]},
        geometry=[
            shapely.LineString([(127.0, 36.0), (127.2, 36.0)]),
            shapely.LineString([(127.0, 36.3), (127.2, 36.3)]),
        ],
        crs=4326,
    )
    grid = siting.read_osm_grid(ways)
    lines = grid.lines.sort_values("bundle", na_position="last")
    assert lines["bundle"].iloc[0] == 1 and np.isnan(lines["bundle"].iloc[1])
    rated = line_type(lines["voltage_kv"], lines["kind"], bundle=lines["bundle"])
    assert rated["rating_mw"].iloc[1] == pytest.approx(2 * rated["rating_mw"].iloc[0])
    assert "1 sub-conductor(s) per phase (given)" in rated["rating_source"].iloc[0]


def test_rating_table_by_name_and_provenance_after_replace():
    """The named alternative rates the same lines lower; a capacity you change is marked given."""
    layers = _generic_layers()
    kepco = siting.SitingData(**layers)
    generic = siting.SitingData(**layers, line_ratings="pypsa_earth")
    assert (generic.lines.capacity_mw < kepco.lines.capacity_mw).all()
    ratio = kepco.lines.capacity_mw / generic.lines.capacity_mw
    want = LINE_RATINGS["kepco"].rating_mw(154.0, "ac") / LINE_RATINGS["pypsa_earth"].rating_mw(154.0, "ac")
    assert ratio[kepco.lines.voltage_kv == 154].to_numpy() == pytest.approx(want)
    changed = kepco.lines.copy()
    changed.loc[0, "capacity_mw"] = 99.0
    after = kepco.replace(lines=changed).lines
    assert after.loc[0, "rating_source"] == "given" and after.loc[0, "capacity_mw"] == 99.0
    assert (after.loc[1:, "rating_source"] == kepco.lines.loc[1:, "rating_source"]).all()
    more = kepco.replace(lines=kepco.lines.assign(circuits=kepco.lines.circuits * 2)).lines
    assert np.allclose(more.capacity_mw, 2 * kepco.lines.capacity_mw)
    assert (more.rating_source == kepco.lines.rating_source).all()


def test_folder_names_its_rating_table(tmp_path):
    """siting-data.toml's line_ratings chooses the table; an unknown name is a clear error."""
    for name, frame in _generic_layers().items():
        if isinstance(frame, gpd.GeoDataFrame):
            frame.to_file(tmp_path / f"{name}.geojson")
        else:  # the toy lines: a table of endpoints
            frame.to_csv(tmp_path / f"{name}.csv", index=False)
    (tmp_path / "siting-data.toml").write_text('line_ratings = "pypsa_earth"\n')
    data = siting.SitingData.from_folder(tmp_path)
    assert data.line_ratings == "pypsa_earth"
    assert data.lines.rating_source.str.startswith("pypsa_earth: ").all()
    (tmp_path / "siting-data.toml").write_text('line_ratings = "cigre"\n')
    want = r"line_ratings='cigre'.*fix: use one of \['kepco', 'pypsa_earth'\]"
    with pytest.raises(siting.DataError, match=want):
        siting.SitingData.from_folder(tmp_path)


def test_bundle_below_one_is_an_error():
    layers = _generic_layers()
    layers["lines"] = layers["lines"].assign(bundle=[0.5] + [None] * (len(layers["lines"]) - 1))
    with pytest.raises(siting.DataError, match=r"column 'bundle'.*fewer than one sub-conductor"):
        siting.SitingData(**layers)
