"""What a result hands on: the GeoPackage with the scenario and the diagnosis, cost columns with units,
and the comparison table."""

from __future__ import annotations

import json

import pandas as pd
import pyogrio
import pytest

import siting
from siting.constants import COST_TERMS
from tests import toy


@pytest.fixture(scope="module")
def plans(toy_data):
    a = siting.solve(toy_data, siting.Scenario(name="two hosts", target_mw=150, min_host_provinces=2))
    b = siting.solve(
        toy_data,
        siting.Scenario(name="three hosts", target_mw=150, min_host_provinces=3, province_share_cap=0.4),
    )
    return a, b


@pytest.fixture(scope="module")
def infeasible():
    """Only the middle province; its imports are limited by line L3."""
    data, sc = toy.line_limited(exclude_provinces=("West", "동"))  # by English and Korean name
    return siting.solve(data, sc)


def test_cost_columns_carry_units(plans):
    res = plans[0]
    sites = res.sites
    old = {"connection_cost", "site_cost", "renewable_incentive", "subsidy"}
    assert not old & set(sites.columns)
    # each site column sums to the cost term the solver reported
    columns = {
        "connection": "connection_cost_krw_bn",
        "site": "site_cost_krw_bn",
        "renewable_incentive": "renewable_incentive_krw_bn",
        "subsidy": "subsidy_krw_bn",
    }
    for term, col in columns.items():
        assert sites[col].sum() == pytest.approx(res.costs[term], abs=1e-6)


def test_geopackage_holds_scenario_and_diagnosis(tmp_path, plans, infeasible):
    path = plans[0].to_file(tmp_path / "plan.gpkg")
    layers = set(pyogrio.list_layers(path)[:, 0])
    assert {"scenario", "diagnosis", "dropped_candidates", "sites", "costs"} <= layers
    rows = pyogrio.read_dataframe(path, layer="scenario")
    raw = {k: json.loads(v) for k, v in zip(rows["key"], rows["value"], strict=True)}
    # the rows rebuild the scenario through its own parser
    costs = {k.removeprefix("costs."): raw.pop(k) for k in list(raw) if k.startswith("costs.")}
    rebuilt = siting.Scenario.from_dict({**raw, "costs": costs})
    assert rebuilt == plans[0].scenario
    assert len(pyogrio.read_dataframe(path, layer="diagnosis")) == 0

    path = infeasible.to_file(tmp_path / "none.gpkg")
    diag = pyogrio.read_dataframe(path, layer="diagnosis")
    limits = diag[~diag["family"].isin(["necessary", "max_achievable"])]
    d = infeasible.diagnosis
    assert len(limits) == len(d.limits) > 0
    assert limits["over_mw"].sum() == pytest.approx(d.limits["over_mw"].sum())
    most = diag.loc[diag["family"] == "max_achievable", "over_mw"]
    assert most.tolist() == [pytest.approx(d.max_achievable_mw)]
    assert set(limits["province"]) <= {"KR-T2", "KR-T3", "KR-T4", "KR-T2/KR-T3", "KR-T3/KR-T4", ""}


def test_folder_export_has_scenario_and_diagnosis_csv(tmp_path, infeasible):
    out = infeasible.to_file(tmp_path / "folder")
    diag = pd.read_csv(out / "diagnosis.csv")
    assert diag["text"].str.len().gt(0).all()
    assert "exclude_provinces" in set(pd.read_csv(out / "scenario.csv")["key"])


def test_compare_two_results(plans):
    a, b = plans
    t = a.compare(b)
    assert list(t.columns) == ["two hosts", "three hosts", "difference"]
    # rows recomputed from each result's own tables
    for name, r in (("two hosts", a), ("three hosts", b)):
        assert t.loc["total_mw", name] == pytest.approx(r.sites["capacity_mw"].sum())
        assert t.loc["campuses", name] == len(r.sites)
        assert t.loc["host_provinces", name] == r.sites["province"].nunique()
        mw = t.loc[[i for i in t.index if i.startswith("mw ")], name]
        assert mw.sum() == pytest.approx(r.sites["capacity_mw"].sum())
        assert t.loc["objective_krw_bn", name] == pytest.approx(sum(r.costs.values()))
    assert t.loc["host_provinces", "difference"] == b.sites.province.nunique() - a.sites.province.nunique()
    assert t.loc["objective_krw_bn", "difference"] == pytest.approx(b.objective - a.objective)
    assert t.loc["status", "difference"] == ""
    assert {f"{k}_krw_bn" for k in COST_TERMS} <= set(t.index)
    assert "mw East (KR-T4)" in t.index or "mw Middle (KR-T3)" in t.index


def test_compare_many_and_infeasible(plans, infeasible):
    t = siting.compare({"a": plans[0], "b": plans[1], "none": infeasible})
    assert list(t.columns[3:]) == ["b - a", "none - a"]
    assert t.loc["status", "none - a"] == "differs"
    assert t.loc["objective_krw_bn", "none"] is None and t.loc["objective_krw_bn", "none - a"] is None
    with pytest.raises(siting.SitingError, match="two results or more"):
        siting.compare([plans[0]])
    with pytest.raises(siting.SitingError, match="distinct name"):
        siting.compare(list(plans), names=["x", "x"])
