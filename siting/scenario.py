"""What to build and under which rules: :class:`Scenario` and its cost terms.

Every field but the target has a documented default. Values are checked when a scenario is
created; a bad one raises :class:`~siting.ScenarioError` naming field, value and allowed range.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ._bundled import BUNDLED_SCENARIOS, bundled_scenario_path
from ._checks import (
    check_bool,
    check_choice,
    check_range,
    check_sequence,
    check_whole,
    did_you_mean,
    frozen,
    reject_unknown_keywords,
    typed,
)
from ._errors import ScenarioError
from ._toml import dumps
from ._toml import plain as _plain
from ._utils import write_text_atomic
from .constants import BUILD_TECHNOLOGIES, FLOW_MODELS, SOLVERS, STATUSES, FlowModel, SolverName
from .costs import Costs, RenewableTechnology

__all__ = [
    "Scenario",
    "Costs",
    "RenewableTechnology",
    "BUNDLED_SCENARIOS",
    "CAPITAL_REGION",
    "KW_PER_GPU",
    "LIST_FIELDS",
    "PUE",
    "bundled_scenario_path",
]

#: Grid power per high-end GPU including its share of the server, kW: one
#: 8-GPU H100-class server draws about 10.2 kW (KOREA_FACTS, vendor figures).
KW_PER_GPU = 1.3
#: The key of ``exclude_buffer_km`` that names the provinces ``exclude_capital_region`` excludes.
CAPITAL_REGION = "capital_region"
#: Fields that take several values (TOML arrays; ``siting run --set`` also takes ``a,b``).
LIST_FIELDS = (
    "tiers_mw",
    "exclude_provinces",
    "exclusion_files",
    "renewable_status",
    "renewable_build",
    "build_projects",
)
#: Power usage effectiveness of a new Korean build; 1.2-1.5 is typical (ASSUMPTION: a middle value).
PUE = 1.3


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """A siting scenario: the target and every rule the model applies.

    Parameters
    ----------
    target_mw : float
        Total campus capacity to place, MW (> 0). See :meth:`from_gpus`.
    name : str, default "scenario"
        Label used in outputs.
    tiers_mw : tuple of float, default (50, 100, 200, 400)
        Campus sizes to choose from, MW.
    connection_kv : mapping of float to int, default {400: 154, inf: 345}
        Connection voltage by campus size: the smallest key >= size applies
        (KEPCO supply-voltage rule, about 40-400 MW at 154 kV and above at
        345 kV; a documented default, not checked against KEPCO).
    max_connection_km : mapping of int to float, default {154: 20, 345: 40}
        Longest connection line by connection voltage, km.
    exclude_provinces : tuple of str, default ()
        More provinces where no campus may go, on top of the capital region:
        each by code (``"KR-26"``), English name (``"Busan"``, any case) or
        Korean name (``"부산광역시"``), as in the provinces layer.
    exclude_capital_region : bool, default True
        Exclude the provinces whose ``capital_region`` column is true (for
        Korea: Seoul, Incheon, Gyeonggi). ``False`` allows them, leaving only
        ``exclude_provinces``.
    exclude_buffer_km : float or mapping of str to float, default 0
        Keep campuses this far from excluded provinces, km. A number applies
        around every excluded province; a mapping only around those it names,
        each by its own distance: keys are ``"capital_region"`` (the
        provinces ``exclude_capital_region`` excludes) or provinces of
        ``exclude_provinces`` (code, English or Korean name), e.g.
        ``{"capital_region": 30}`` keeps campuses 30 km from the capital
        region and lets them stand next to an excluded Busan. In TOML:
        ``exclude_buffer_km = { capital_region = 30 }``. Grid points and
        candidates left out by an exclusion or a buffer are listed in
        ``SitingResult.dropped_candidates``;
        :func:`siting.candidates.exclusion_area` gives the area itself.
    exclusion_files : tuple of str, default ()
        Polygon files (GeoJSON, GeoPackage, Shapefile) of further no-go areas.
    grid_spacing_km : float, default 10
        Spacing of the regular candidate grid.
    province_share_cap : float, default 0.5
        Largest share of the total placed in one province (0-1].
    min_host_provinces : int, default 3
        Fewest provinces that must host a campus.

    The defaults are neutral starting points for any grid; the bundled
    Korean scenario (:meth:`korea_default`, ``scenarios/korea_default.toml``)
    sets a finer grid (1 km), a tighter share cap (0.35), more hosts (5) and
    a 10 km buffer around the capital region.
    min_spacing_km : float, default 0
        Least distance between two campuses (0 = off).
    max_overbuild_mw : float, "largest_tier" or None, default "largest_tier"
        How far the total may exceed the target, MW. A plan builds at least
        the target; costs alone keep it near the target only while every
        campus costs more than its incentives, so without a cap a generous
        ``renewable_incentive_per_mw`` or ``subsidy_per_mw`` can place many
        times the target. The default, the largest tier, leaves the room that
        whole campuses need (the gap to the target is below one campus) plus
        what the limits usually force (hosts, share caps); a scenario the cap
        makes infeasible is diagnosed ("overbuild"). ``None`` or ``inf``
        allows any total. ``SitingResult.summary`` says when and why a plan
        exceeds the target.
    renewable_share : float, default 0.2
        Share of campus energy (capacity x ``load_factor``) that renewable
        energy must cover, matched over the year (RE100's annual matching),
        and delivered over the residual network (0-1). Only energy nobody
        uses today counts: the stated surplus (the provinces layer's
        ``renewable_surplus_mw``: curtailed output) and new build for the
        campuses (``renewable_build``). Existing renewables count only
        through their peak credit as supply (:mod:`siting.families.renewable`).
    renewable_build : tuple of str, default ("solar", "onshore_wind", "offshore_wind")
        Technologies that may be built for the campuses (a PPA): capacity per
        province and technology is a decision, priced by
        ``costs.renewable_technologies``, within the provinces layer's
        ``<technology>_max_mw`` potentials, connected where that province's
        plants of the technology connect today. ``()``: surplus only.
    renewable_status : tuple of str, default ("operating", "construction")
        Which renewable and plant statuses count as supply (and show where
        new build and surplus connect).
    load_factor : float, default 0.8
        Average campus load as a share of its capacity (ASSUMPTION).
    flow_model : {"transport", "dc"}, default "transport"
        Network model: transport (flows limited by line capacity) or DC power
        flow (flows follow PTDFs from line reactances; HVDC links controllable).
    n_minus_1 : bool, default False
        N-1 security: every line's new flow stays within its residual
        capacity after any single line outage, by line-outage distribution
        factors on the DC model (:mod:`siting.families.security`; needs
        ``flow_model="dc"``). Outages that island part of the network
        (radial lines) cannot be survived by any flow pattern and are left
        out, counted in ``SitingResult.security``. ASSUMPTION: today's flows
        are secure within ``capacity - residual``; only the new flows are
        checked against the residual capacity.
    reinforce : bool, default False
        Choose transmission reinforcements with the campuses: the projects
        of the data's ``reinforcements`` layer
        (:func:`siting.reinforcements.projects`) are candidates, each built
        a whole number of times at its cost
        (:mod:`siting.families.reinforcement`). With ``n_minus_1``, uprates,
        HVDC links and substation projects only (a new AC line would change
        the outage factors).
    build_projects : tuple of str, default ()
        Project ids (of :func:`siting.reinforcements.projects`) built
        whatever they cost, at least once each; the other projects are still
        chosen. Needs ``reinforce``; ids the data does not hold are refused
        when solving. The question "this link is being built anyway: what does
        it do to my campuses?" (an export link can take supply from them).
    year : int, optional
        The year the plan is for: projects whose ``earliest_year`` is later
        are not offered (forcing one is a ScenarioError). ``None``: every
        project, whatever its ``earliest_year``.
    max_line_loading : float, default 1
        Largest share of each line's residual capacity the campus supply
        flow may use, (0-1]. Below 1 the line-loading family caps every
        line's reported ``loading`` at it (e.g. for :func:`siting.pareto`
        against peak line loading); 1 leaves the network family alone.
    costs : Costs
        Cost coefficients.
    solver : {"highs", "cbc"}, default "highs"
        HiGHS (``highspy``, installed with siting) proves the Korean default
        several times faster than CBC (10 km, 4 GW: 55 s against a 1.6 % gap
        after 300 s, 2 cores); CBC (with PuLP) gives the same optimum.
    time_limit_s : float, default 300
        Time limit; a run it stops reports ``status="feasible"`` and the gap.
    mip_gap : float, default 1e-4
        Relative MIP gap at which the solver may stop.
    threads : int, default 1
        Solver threads; 1 keeps runs deterministic.
    restricted_start : bool, default False
        Before the integer solve, solve the model on the groups its LP
        relaxation uses and start from that plan (:mod:`siting._restricted_start`):
        on the Korean default a plan within 1 % in 2-3 s, not 20-30 s, for
        short time limits; no faster to the proof, slower on small models.

    ``solver``, ``time_limit_s``, ``mip_gap`` and ``threads`` are defaults that
    :func:`siting.solve` can override per call.
    gpus : int, optional
        Set by :meth:`from_gpus`, for the record.

    Examples
    --------
    >>> sc = Scenario(target_mw=2000)
    >>> sc.tiers_mw
    (50.0, 100.0, 200.0, 400.0)
    >>> Scenario(target_mw=-1)
    Traceback (most recent call last):
    ...
    siting._errors.ScenarioError: scenario field 'target_mw' = -1: must be a number > 0 and <= inf.
    """

    target_mw: float
    name: str = "scenario"
    tiers_mw: tuple[float, ...] = (50.0, 100.0, 200.0, 400.0)
    connection_kv: Mapping[float, int] = field(default_factory=lambda: frozen({400.0: 154, math.inf: 345}))
    max_connection_km: Mapping[int, float] = field(default_factory=lambda: frozen({154: 20.0, 345: 40.0}))
    exclude_provinces: tuple[str, ...] = ()
    exclude_capital_region: bool = True
    exclude_buffer_km: float | Mapping[str, float] = 0.0
    exclusion_files: tuple[str, ...] = ()
    grid_spacing_km: float = 10.0
    province_share_cap: float = 0.5
    min_host_provinces: int = 3
    min_spacing_km: float = 0.0
    max_overbuild_mw: float | Literal["largest_tier"] | None = "largest_tier"
    renewable_share: float = 0.2
    renewable_build: tuple[str, ...] = BUILD_TECHNOLOGIES
    renewable_status: tuple[str, ...] = ("operating", "construction")
    load_factor: float = 0.8
    flow_model: FlowModel = "transport"
    n_minus_1: bool = False
    reinforce: bool = False
    build_projects: tuple[str, ...] = ()
    year: int | None = None
    max_line_loading: float = 1.0
    costs: Costs = field(default_factory=Costs)
    solver: SolverName = "highs"
    time_limit_s: float = 300.0
    mip_gap: float = 1e-4
    threads: int = 1
    restricted_start: bool = False
    gpus: int | None = None

    def __post_init__(self) -> None:
        check_range("target_mw", self.target_mw, 0, math.inf, lo_open=True)
        self._check_kinds()
        self._settle_tiers_and_voltages()
        object.__setattr__(self, "exclude_provinces", tuple(str(c) for c in self.exclude_provinces))
        object.__setattr__(self, "exclusion_files", tuple(str(p) for p in self.exclusion_files))
        object.__setattr__(self, "renewable_status", tuple(self.renewable_status))
        object.__setattr__(self, "renewable_build", tuple(self.renewable_build))
        object.__setattr__(self, "build_projects", tuple(str(p) for p in self.build_projects))
        self._check_siting_rules()
        self._check_network_rules()
        self._check_solver_options()

    def _check_kinds(self) -> None:
        """Lists are lists, switches true or false, the name text, the costs Costs."""
        check_sequence("tiers_mw", self.tiers_mw, "(50, 100, 200)")
        if self.exclude_provinces is None:  # the old spelling of "no more than the default"
            object.__setattr__(self, "exclude_provinces", ())
        check_sequence("exclude_provinces", self.exclude_provinces, "('KR-26',) or ('Busan',)")
        check_bool("exclude_capital_region", self.exclude_capital_region)
        check_sequence("exclusion_files", self.exclusion_files, "('no_go.geojson',)")
        check_sequence("renewable_status", self.renewable_status, "('operating',)")
        check_sequence("renewable_build", self.renewable_build, "('solar',)")
        if not isinstance(self.name, str):
            raise ScenarioError(f"scenario field 'name' = {self.name!r}: must be text.")
        check_bool("n_minus_1", self.n_minus_1)
        check_bool("reinforce", self.reinforce)
        check_sequence("build_projects", self.build_projects, "('KR-HVDC-EC1',)")
        if not isinstance(self.costs, Costs):
            raise ScenarioError(f"scenario field 'costs' = {self.costs!r}: must be a siting.Costs.")

    def _settle_tiers_and_voltages(self) -> None:
        """Tiers sorted and distinct; a voltage for every tier; a longest line and costs for every voltage."""
        if not self.tiers_mw:
            raise ScenarioError(
                f"scenario field 'tiers_mw' = {self.tiers_mw!r}: must be a non-empty list of sizes in MW."
            )
        for t in self.tiers_mw:
            check_range("tiers_mw", t, 0, math.inf, lo_open=True)
        object.__setattr__(self, "tiers_mw", tuple(sorted(float(t) for t in set(self.tiers_mw))))
        conn = typed("connection_kv", self.connection_kv, float, int, "{400: 154, inf: 345}")
        if not conn or max(conn) < max(self.tiers_mw):
            raise ScenarioError(
                f"scenario field 'connection_kv' = {conn!r}: must give a voltage for every tier up to "
                f"{max(self.tiers_mw):g} MW (use key inf for 'and above')."
            )
        object.__setattr__(self, "connection_kv", frozen(conn))
        maxkm = typed("max_connection_km", self.max_connection_km, int, float, "{154: 20.0, 345: 40.0}")
        for kv in set(conn.values()):
            if kv not in maxkm:
                raise ScenarioError(
                    f"scenario field 'max_connection_km' = {maxkm!r}: needs a distance for {kv} kV."
                )
            check_range(f"max_connection_km[{kv}]", maxkm[kv], 0, 1000, lo_open=True)
        object.__setattr__(self, "max_connection_km", frozen(maxkm))
        for kv in set(conn.values()):
            for name in ("connection_fixed", "connection_per_km", "connection_circuit_mw"):
                if kv not in getattr(self.costs, name):
                    raise ScenarioError(f"scenario field 'costs.{name}' needs a value for {kv} kV.")

    def _check_siting_rules(self) -> None:
        """Where campuses may go and how the total spreads: exclusions, spacing, hosts, shares, renewables."""
        self._check_buffer()
        check_range("grid_spacing_km", self.grid_spacing_km, 0.1, 200)
        check_range("province_share_cap", self.province_share_cap, 0, 1, lo_open=True)
        check_whole("min_host_provinces", self.min_host_provinces, 0)
        check_range("min_spacing_km", self.min_spacing_km, 0, 500)
        if self.max_overbuild_mw not in (None, "largest_tier"):
            check_range("max_overbuild_mw", self.max_overbuild_mw, 0, math.inf)
        check_range("renewable_share", self.renewable_share, 0, 1)
        for t in self.renewable_build:
            check_choice("renewable_build", t, tuple(self.costs.renewable_technologies))
        for s in self.renewable_status:
            check_choice("renewable_status", s, STATUSES)
        check_range("load_factor", self.load_factor, 0, 1, lo_open=True)

    def _check_buffer(self) -> None:
        """A distance in km, or a mapping of ``capital_region`` or excluded provinces to distances."""
        if not isinstance(self.exclude_buffer_km, Mapping):
            check_range("exclude_buffer_km", self.exclude_buffer_km, 0, 500)
            object.__setattr__(self, "exclude_buffer_km", float(self.exclude_buffer_km))
            return
        example = "{'capital_region': 30}"
        buffers = typed("exclude_buffer_km", self.exclude_buffer_km, str, float, example)
        for key, km in buffers.items():
            check_range(f"exclude_buffer_km[{key!r}]", km, 0, 500)
        if CAPITAL_REGION in buffers and not self.exclude_capital_region:
            raise ScenarioError(
                f"scenario field 'exclude_buffer_km' = {buffers!r}: a buffer around {CAPITAL_REGION!r} "
                "needs exclude_capital_region=True; fix: drop the key or exclude the capital region."
            )
        object.__setattr__(self, "exclude_buffer_km", frozen(buffers))

    def _check_network_rules(self) -> None:
        """The flow model, N-1 (on the DC model only) and the line loading."""
        check_choice("flow_model", self.flow_model, FLOW_MODELS)
        if self.n_minus_1 and self.flow_model != "dc":
            raise ScenarioError(
                f"scenario field 'n_minus_1' = True needs flow_model='dc', not {self.flow_model!r}: in the "
                "transport model flows do not follow the physics, so a line outage does not say where its "
                "flow goes; fix: set flow_model='dc' (or n_minus_1=False)."
            )
        check_range("max_line_loading", self.max_line_loading, 0, 1, lo_open=True)
        if self.year is not None:
            check_whole("year", self.year, 1900)
        if self.build_projects and not self.reinforce:
            raise ScenarioError(
                f"scenario field 'build_projects' = {list(self.build_projects)!r} needs reinforce=True: "
                "projects are built only when the model holds the reinforcements; fix: set "
                "reinforce=True (or build_projects=())."
            )

    def _check_solver_options(self) -> None:
        """The solver, its time limit, gap and threads."""
        check_choice("solver", self.solver, SOLVERS)
        check_range("time_limit_s", self.time_limit_s, 0, 7 * 86400, lo_open=True)
        check_range("mip_gap", self.mip_gap, 0, 1)
        check_whole("threads", self.threads, 1)
        check_bool("restricted_start", self.restricted_start)

    @property
    def overbuild_mw(self) -> float:
        """The most MW the total may exceed the target by (``inf``: no limit).

        Examples
        --------
        >>> Scenario(target_mw=100).overbuild_mw, Scenario(target_mw=100, max_overbuild_mw=None).overbuild_mw
        (400.0, inf)
        """
        if self.max_overbuild_mw == "largest_tier":
            return float(max(self.tiers_mw))
        return math.inf if self.max_overbuild_mw is None else float(self.max_overbuild_mw)

    def connection_kv_for(self, size_mw: float) -> int:
        """Connection voltage (kV) for a campus of ``size_mw``.

        Examples
        --------
        >>> Scenario(target_mw=100).connection_kv_for(400), Scenario(target_mw=100).connection_kv_for(800)
        (154, 345)
        """
        return self.connection_kv[min(k for k in self.connection_kv if k >= size_mw)]

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some fields changed (validated again).

        Examples
        --------
        >>> Scenario(target_mw=100).replace(target_mw=200).target_mw
        200
        """
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_gpus(
        cls, gpus: int, *, kw_per_gpu: float = KW_PER_GPU, pue: float = PUE, **fields: Any
    ) -> Scenario:
        """A scenario sized by GPU count: ``target_mw = gpus x kw_per_gpu x pue / 1000``.

        Parameters
        ----------
        gpus : int
            Number of accelerators (> 0).
        kw_per_gpu : float, default 1.3
            Grid power per GPU including its share of the server, kW.
        pue : float, default 1.3
            Power usage effectiveness (>= 1).
        **fields
            Any other :class:`Scenario` field.

        Examples
        --------
        >>> round(Scenario.from_gpus(50_000).target_mw, 1)
        84.5
        """
        check_range("gpus", gpus, 0, math.inf, lo_open=True)
        check_range("kw_per_gpu", kw_per_gpu, 0, 100, lo_open=True)
        check_range("pue", pue, 1, 5)
        return cls(target_mw=gpus * kw_per_gpu * pue / 1000.0, gpus=int(gpus), **fields)

    @classmethod
    def korea_default(cls, **changes: Any) -> Scenario:
        """The demo's scenario: ``scenarios/korea_default.toml`` as bundled, with ``changes``.

        ``Scenario(target_mw=4000)`` is *not* this scenario: the class
        defaults are neutral for any grid, while the Korean scenario sets
        candidates every 1 km (default 10), a province share cap of 0.35
        (0.5), 5 host provinces (3), a 10 km buffer around the capital
        region (0) and dearer land in the metropolitan cities. ``siting run
        scenarios/korea_default.toml`` (``make demo``) solves the same.

        Parameters
        ----------
        **changes
            Fields to change (validated), as :meth:`replace` takes them.

        Examples
        --------
        >>> sc = Scenario.korea_default(target_mw=2000)
        >>> sc.name, sc.target_mw, sc.grid_spacing_km, sc.province_share_cap, sc.exclude_buffer_km
        ('korea_default', 2000, 1, 0.35, 10.0)
        """
        return cls.from_toml(bundled_scenario_path("korea_default")).replace(**changes)

    @classmethod
    def from_toml(cls, path: str | os.PathLike) -> Scenario:
        r"""Read a scenario from a TOML file.

        Top-level keys are :class:`Scenario` fields; a ``[costs]`` table holds
        :class:`Costs` fields; ``gpus`` (with optional ``kw_per_gpu`` and
        ``pue``) may replace ``target_mw``. Mapping keys such as voltages are
        written as strings (``[max_connection_km]`` ``"154" = 20``); ``inf``
        is written ``"inf"``. Relative ``exclusion_files`` are resolved
        against the TOML file's folder.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.toml"
        >>> _ = p.write_text('target_mw = 1000\nmin_host_provinces = 2\n[costs]\nsite_per_mw = 0.7\n')
        >>> Scenario.from_toml(p).costs.site_per_mw
        0.7
        """
        path = Path(path)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ScenarioError(f"cannot read scenario file {path}: {exc}") from exc
        return cls.from_dict(raw, where=f"scenario file {path}", base=path.parent)

    @classmethod
    def from_dict(
        cls, raw: Mapping[str, Any], *, where: str = "scenario", base: str | os.PathLike | None = None
    ) -> Scenario:
        """A scenario from plain data as TOML reads it (see :meth:`from_toml` for the layout).

        Parameters
        ----------
        raw : mapping
            Top-level fields, a ``costs`` mapping, or ``gpus`` (with optional
            ``kw_per_gpu`` and ``pue``) instead of ``target_mw``.
        where : str, default "scenario"
            Where the data came from, for messages.
        base : path, optional
            Folder that relative ``exclusion_files`` are resolved against;
            default the working directory.

        Examples
        --------
        >>> Scenario.from_dict({"gpus": 100_000, "costs": {"site_per_mw": 0.7}}).costs.site_per_mw
        0.7
        """
        raw = dict(raw)
        known = {f.name for f in dataclasses.fields(cls)} | {"kw_per_gpu", "pue"}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ScenarioError(did_you_mean(where, unknown, sorted(known)))
        costs = raw.pop("costs", {})
        cost_fields = {f.name for f in dataclasses.fields(Costs)}
        if not isinstance(costs, Mapping):
            raise ScenarioError(f"{where}: 'costs' must be a [costs] table.")
        if set(costs) - cost_fields:
            raise ScenarioError(
                did_you_mean(f"{where} [costs]", sorted(set(costs) - cost_fields), sorted(cost_fields))
            )
        raw["costs"] = Costs(**costs)
        for key in LIST_FIELDS:
            if key in raw and isinstance(raw[key], list):
                raw[key] = tuple(raw[key])
            elif isinstance(raw.get(key), str):  # "KR-26" is not 5 provinces: say how to write a list
                raise ScenarioError(
                    f"{where}: field '{key}' = {raw[key]!r} must be a list or tuple, not one string; "
                    f'fix: write {key} = ["{raw[key]}"] in TOML (siting run: --set {key}={raw[key]}, '
                    "comma-separated)."
                )
        if isinstance(raw.get("exclusion_files", ()), tuple):
            folder = Path(base) if base is not None else Path.cwd()
            raw["exclusion_files"] = tuple(
                str((folder / str(p)).resolve()) for p in raw.get("exclusion_files", ())
            )
        if "gpus" in raw and "target_mw" not in raw:
            gpus = raw.pop("gpus")
            opts = {k: raw.pop(k) for k in ("kw_per_gpu", "pue") if k in raw}
            return cls.from_gpus(gpus, **opts, **raw)
        try:
            return cls(**raw)
        except TypeError as exc:
            raise ScenarioError(f"{where}: {exc}") from exc

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain data that :meth:`from_dict` reads back into an equal scenario.

        Tuples become lists, mapping keys text (``"inf"`` for ``inf``),
        ``costs`` a mapping with every :class:`Costs` field and each
        renewable technology in full. ``exclusion_files`` are written as
        absolute paths, so that the data rebuild the scenario from any folder.

        Returns
        -------
        dict

        Examples
        --------
        >>> sc = Scenario(target_mw=500, tiers_mw=(100, 500), connection_kv={200: 154, math.inf: 345})
        >>> d = sc.to_dict()
        >>> d["tiers_mw"], d["connection_kv"], d["costs"]["site_per_mw"]
        ([100.0, 500.0], {'200.0': 154, 'inf': 345}, 0.5)
        >>> Scenario.from_dict(d) == sc
        True
        """
        out: dict[str, Any] = _plain(self)
        out["exclusion_files"] = [str(Path(p).resolve()) for p in self.exclusion_files]
        return out

    def to_toml(self, path: str | os.PathLike | None = None) -> str:
        """The scenario as TOML that :meth:`from_toml` reads back into an equal scenario.

        The layout of :meth:`to_dict`. TOML has no ``None``: ``gpus=None`` is
        left out (its default) and ``max_overbuild_mw=None`` (any total) is
        written as ``inf``, which means the same and reads back as ``inf``.

        Parameters
        ----------
        path : path, optional
            Also write the text to this file (parent folders created).

        Returns
        -------
        str

        Examples
        --------
        >>> import tempfile, pathlib
        >>> sc = Scenario(target_mw=800, name="east", exclude_provinces=("Busan",))
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "east.toml"
        >>> print(sc.to_toml(p).splitlines()[:3])
        ['target_mw = 800', 'name = "east"', 'tiers_mw = [50.0, 100.0, 200.0, 400.0]']
        >>> Scenario.from_toml(p) == sc
        True
        """
        data = self.to_dict()
        if data["max_overbuild_mw"] is None:
            data["max_overbuild_mw"] = math.inf
        text = dumps(data)
        if path is not None:
            write_text_atomic(Path(path), text)
        return text


reject_unknown_keywords(Scenario)
