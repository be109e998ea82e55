"""Cached stages: reused when the fields a stage reads are unchanged, rebuilt when they change."""

from __future__ import annotations

import dataclasses

import pytest

import siting
from siting.candidates import build_candidates
from siting.grid import build_grid
from siting.options import build_options, effective_headroom, reduce_options
from siting.prepared import STAGE_FIELDS, stage_key
from tests import toy

BASE = siting.Scenario(target_mw=300, grid_spacing_km=5, min_host_provinces=1, **toy.EXACT)


def test_changing_the_target_rebuilds_nothing_and_solves_the_same(toy_data):
    p = siting.prepare(toy_data, BASE)
    for mw in (300, 450):
        sc = BASE.replace(target_mw=mw, renewable_share=0.3, province_share_cap=0.8)
        cached = siting.solve(toy_data, sc, prepared=p)
        fresh = siting.solve(toy_data, sc)
        assert cached.status == fresh.status == "optimal"
        assert cached.objective == pytest.approx(fresh.objective, rel=1e-9)
        assert cached.timings["candidates"] == 0.0 and cached.timings["options"] == 0.0
    assert dict(p.builds) == {"candidates": 1, "grid": 1, "headroom": 1, "options": 1, "reduction": 1}


@pytest.mark.parametrize(
    ("change", "rebuilt", "kept"),
    [
        ({"grid_spacing_km": 4.0}, {"candidates", "options", "reduction"}, {"grid", "headroom"}),
        (
            {"renewable_status": ("operating",)},
            {"grid", "headroom", "options", "reduction"},
            {"candidates"},
        ),
        (
            {"renewable_build": ("solar",)},
            {"grid", "headroom", "options", "reduction"},
            {"candidates"},
        ),
        (
            {"costs": siting.Costs(site_per_mw=0.9)},
            {"options", "reduction"},
            {"candidates", "grid", "headroom"},
        ),
        ({"min_spacing_km": 3.0}, {"reduction"}, {"candidates", "grid", "headroom", "options"}),
        ({"tiers_mw": (100.0, 200.0)}, {"headroom", "options", "reduction"}, {"candidates", "grid"}),
    ],
)
def test_changing_a_field_a_stage_reads_rebuilds_that_stage_only(toy_data, change, rebuilt, kept):
    p = siting.prepare(toy_data, BASE)
    first = p.stages(BASE)
    again = p.stages(BASE.replace(**change))
    built = {s for s, n in p.builds.items() if n == 2}
    assert built == rebuilt
    assert not (kept & built)
    assert (again.candidates is first.candidates) == ("candidates" in kept)
    assert (again.graph is first.graph) == ("grid" in kept)
    # and the first scenario's stages are still held
    assert p.stages(BASE).options is first.options


def test_prepared_for_other_data_is_refused(toy_data):
    p = siting.prepare(toy_data)
    with pytest.raises(ValueError, match="other data"):
        siting.solve(siting.SitingData(**toy.layers()), BASE, prepared=p)


class _Recorder:
    """Wraps a scenario and records every field read (``costs.X`` for cost fields)."""

    METHODS = {"connection_kv_for": "connection_kv"}

    def __init__(self, inner, seen, prefix=""):
        self._inner, self._seen, self._prefix = inner, seen, prefix

    def __getattr__(self, name):
        value = getattr(self._inner, name)
        if dataclasses.is_dataclass(value):  # record the fields read from it, not the whole
            return _Recorder(value, self._seen, prefix=f"{name}.")
        self._seen.add(self.METHODS.get(name, self._prefix + name))
        return value


def test_stage_fields_cover_every_field_the_stages_read(toy_data):
    sc = BASE.replace(exclude_buffer_km=2.0)
    reads = {}
    seen = set()
    cand = build_candidates(toy_data, _Recorder(sc, seen))
    reads["candidates"] = seen
    seen = set()
    G = build_grid(toy_data, _Recorder(sc, seen))
    reads["grid"] = seen
    seen = set()
    head = effective_headroom(toy_data, _Recorder(sc, seen), G)
    reads["headroom"] = seen | reads["grid"]
    seen = set()
    opts = build_options(toy_data, _Recorder(sc, seen), cand, headroom=head)
    reads["options"] = seen | reads["candidates"] | reads["headroom"]
    seen = set()
    reduce_options(opts, toy_data, _Recorder(sc, seen), headroom=head)
    reads["reduction"] = seen | reads["options"]
    for stage, fields in reads.items():
        assert fields, stage
        assert fields <= set(STAGE_FIELDS[stage]), (stage, fields - set(STAGE_FIELDS[stage]))
    assert "target_mw" not in set().union(*STAGE_FIELDS.values())
    assert stage_key("reduction", sc) == stage_key("reduction", sc.replace(target_mw=999))
