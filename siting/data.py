"""The validated input data: provinces, substations, lines, renewables, plants, reinforcements.

:class:`SitingData` holds one GeoDataFrame per layer in EPSG:4326. Building
one validates every layer at once (one :class:`~siting.DataError` listing all
problems) and fills documented defaults for optional columns, so that
everything downstream can trust the schema in ``data/geo/README.md``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from . import _validate as V
from ._layer_rules import (
    DERIVED_COLUMNS,
    PROVENANCE_COLUMNS,
    RULE_ROWS_ATTR,
    as_bool,
    check_gaps,
    number,
    text,
)
from ._reinforcement_rules import check_reinforcements, validated_layer
from .io import PathLike, folder_sources, lines_from_endpoints, read_layer
from .rules import headroom_rule, line_type, rating_table
from .settings import (
    DEFAULT_LINE_RATINGS,
    GEOGRAPHIC_CRS,
    PLANT_SPARE_FRACTION,
    RESIDUAL_FRACTION,
    RatingTable,
)

__all__ = ["SitingData", "DERIVED_COLUMNS"]

#: How far (km) a substation or plant may lie outside every province polygon
#: and still be assigned to the nearest one (coarse boundaries).
PROVINCE_SNAP_KM = 15.0


def default_metric_crs(provinces: gpd.GeoDataFrame) -> str:
    """The UTM zone (WGS 84) around the provinces' centre, as "EPSG:326xx" / "EPSG:327xx".

    Examples
    --------
    >>> import shapely
    >>> default_metric_crs(gpd.GeoDataFrame(geometry=[shapely.box(126, 36, 127, 37)], crs=4326))
    'EPSG:32652'
    """
    return str(provinces.to_crs(GEOGRAPHIC_CRS).estimate_utm_crs().to_string())


@dataclass(frozen=True, repr=False)
class SitingData:
    """Validated GeoDataFrames for one region, all in EPSG:4326.

    Construct it from frames (validated here), with :meth:`from_files`, or with
    :func:`siting.load_korea`. Replace a layer with :meth:`replace`, which
    validates again.

    Parameters
    ----------
    provinces : GeoDataFrame
        ``code``, ``name``, optional ``name_ko``, ``capital_region`` (bool,
        default false), ``renewable_surplus_mw`` (renewable energy curtailed
        or held back today, average MW, free for new load; default 0) and
        ``<technology>_max_mw`` (most new build of ``solar``,
        ``onshore_wind``, ``offshore_wind`` in the province, MW; empty or
        absent: no limit); (multi)polygons.
    substations : GeoDataFrame
        ``substation_id``, ``voltage_kv``, optional ``name``, ``name_ko`` and
        ``takes_load`` (bool, default true: whether a new large load may
        connect) and ``headroom_mw`` (default by voltage class,
        ``settings.HEADROOM_MW_BY_KV``, and 0 where ``takes_load`` is false);
        points. ``province`` is added: the province polygon nearest to the
        point (within ``PROVINCE_SNAP_KM``), unless a ``province`` column of
        codes is given, which wins (coarse boundaries misplace border points).
    lines : GeoDataFrame or DataFrame
        ``line_id``, ``from_id``, ``to_id``, ``voltage_kv``; optional
        ``circuits`` (default 1), ``kind`` (``ac``/``hvdc``, default ``ac``),
        ``bundle`` (sub-conductors per phase, OSM's ``wires``; default the
        standard conductor's), ``capacity_mw`` (default circuits x the
        rating of the voltage class's standard conductor in ``line_ratings``;
        required for HVDC), ``rating_source`` (where a given ``capacity_mw``
        comes from; filled with the table and conductor, or ``given``),
        ``residual_mw`` (default ``capacity_mw x RESIDUAL_FRACTION``),
        ``reactance`` (per unit on 100 MVA; default from length and voltage).
        A rule-derived column (``headroom_mw``, ``capacity_mw``,
        ``residual_mw``, ``reactance``, ``supply_mw``) or ``circuits`` that is
        given must have a value in every row (empty in all rows means "use
        the rule"): gaps in some rows are a :class:`~siting.DataError`
        naming them, never silently filled (``capacity_mw`` may be given for
        the HVDC links alone).
        Without geometry, straight segments between the endpoints are built.
        ``length_km`` is computed from the geometry.
    renewables : GeoDataFrame
        ``site_id``, ``technology``, ``capacity_mw``, ``capacity_factor``;
        optional ``status`` (default ``operating``); points. ``province`` is added.
    plants : GeoDataFrame, optional
        ``plant_id``, ``fuel``, ``capacity_mw``; optional ``supply_mw`` (MW
        available to new load, default ``capacity_mw x PLANT_SPARE_FRACTION``).
        Without plants, only renewables' peak credit and new build supply new
        load (:func:`siting.grid.node_supply`): usually too little for any plan.
    reinforcements : GeoDataFrame or DataFrame, optional
        Candidate grid projects, one row each: ``project_id``, ``name``,
        ``kind`` (``ac_line``, ``hvdc``, ``uprate``, ``substation``),
        ``source``; the ids, capacity, cost and optional route each kind
        needs (``data/geo/README.md``). Held as given, validated against the
        substations and lines; :func:`siting.reinforcements.projects` turns
        it into the concrete projects the model reads.
    metric_crs : str, optional
        Projected CRS for lengths, areas and distances. Default: the UTM zone
        of the provinces' centre (``GeoDataFrame.estimate_utm_crs``);
        :func:`siting.load_korea` passes EPSG:5179.
    line_ratings : str or RatingTable, default "kepco"
        The table of standard conductors (``settings.LINE_RATINGS``) that
        rates lines without ``capacity_mw``: ``"kepco"`` (Korean standard
        conductors) or ``"pypsa_earth"`` (PyPSA-Earth's generic types, for
        other countries), or your own :class:`siting.settings.RatingTable`.

    Attributes
    ----------
    derived : dict of str to dict of str to frozenset of str
        Per layer and column of :data:`DERIVED_COLUMNS`, the ids of the rows
        whose value a rule filled (not given in the input). They stay derived:
        :meth:`replace` fills them again from the new inputs, so tripling
        ``capacity_mw`` also triples a rule-derived ``residual_mw``. To fix a
        derived value yourself, set it in the frame you pass to
        :meth:`replace`; it is then given.

    Examples
    --------
    >>> import siting
    >>> data = siting.load_korea()
    >>> data  # doctest: +NORMALIZE_WHITESPACE
    SitingData(provinces=17, substations=1087, lines=1371, renewables=2107, plants=132,
               reinforcements=5, metric_crs='EPSG:5179')
    """

    provinces: gpd.GeoDataFrame
    substations: gpd.GeoDataFrame
    lines: gpd.GeoDataFrame
    renewables: gpd.GeoDataFrame
    plants: gpd.GeoDataFrame | None = None
    reinforcements: gpd.GeoDataFrame | None = None
    metric_crs: str = ""
    line_ratings: str | RatingTable = DEFAULT_LINE_RATINGS
    derived: dict[str, dict[str, frozenset[str]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "derived", {})
        layers = {n: getattr(self, n) for n in V.SPECS}
        problems: list[str] = []
        for name, frame in layers.items():
            if frame is None:
                if name not in V.OPTIONAL_LAYERS:
                    problems.append(f"layer '{name}' is missing; fix: pass {name}=...")
                continue
            problems += V.check_layer(
                frame, V.SPECS[name], needs_geometry=name not in ("lines", "reinforcements")
            )
            if V.SPECS[name].id_column in frame.columns:
                problems += check_gaps(frame, name)
        V.raise_if(problems)
        problems += self._check_lines(layers["lines"], layers["substations"])
        if layers["reinforcements"] is not None:
            problems += check_reinforcements(
                layers["reinforcements"], substations=layers["substations"], lines=layers["lines"]
            )
        V.raise_if(problems)
        rating_table(self.line_ratings)  # a clear error for an unknown name, before any work
        if not self.metric_crs:
            object.__setattr__(self, "metric_crs", default_metric_crs(layers["provinces"]))
        out = {
            "provinces": self._provinces(layers["provinces"]),
        }
        out["substations"] = self._points(layers["substations"], out["provinces"], "substations")
        out["lines"] = self._lines(layers["lines"], out["substations"])
        out["renewables"] = self._points(layers["renewables"], out["provinces"], "renewables", snap_km=None)
        if layers["plants"] is not None:
            out["plants"] = self._points(layers["plants"], out["provinces"], "plants")
        if layers["reinforcements"] is not None:
            out["reinforcements"] = validated_layer(layers["reinforcements"])
        for name, frame in out.items():
            frame.attrs.pop(RULE_ROWS_ATTR, None)  # the marks were for this validation only
            object.__setattr__(self, name, frame)

    # -- construction helpers -------------------------------------------------
    @staticmethod
    def _check_lines(lines: pd.DataFrame, substations: gpd.GeoDataFrame) -> list[str]:
        ids = set(V.id_strings(substations["substation_id"]).dropna())
        problems = []
        for end in ("from_id", "to_id"):
            bad = ~V.id_strings(lines[end]).isin(ids)
            if bad.any():
                ends = V.show_ids(sorted(set(V.id_strings(lines.loc[bad, end]).astype(str))))
                problems.append(
                    f"layer 'lines', column '{end}': endpoints {ends} are not substations "
                    f"(lines {V.show_ids(lines.loc[bad, 'line_id'])}); "
                    "fix: add those substations or correct the ids."
                )
        kind = lines["kind"] if "kind" in lines.columns else pd.Series("ac", index=lines.index)
        cap = number(lines, "capacity_mw")
        thin = number(lines, "bundle") < 1
        if thin.any():
            problems.append(
                f"layer 'lines', column 'bundle': lines {V.show_ids(lines.loc[thin, 'line_id'])} have fewer "
                "than one sub-conductor per phase; "
                "fix: give 1 or more (OSM wires=single is 1), or leave it empty."
            )
        hvdc_nocap = (kind == "hvdc") & cap.isna()
        if hvdc_nocap.any():
            problems.append(
                f"layer 'lines', column 'capacity_mw': "
                f"HVDC links {V.show_ids(lines.loc[hvdc_nocap, 'line_id'])} have no rating; "
                "fix: give capacity_mw for every hvdc row (there is no voltage rule for HVDC)."
            )
        return problems

    def _record(self, gdf: pd.DataFrame, layer: str, col: str) -> None:
        """Note the rows of ``layer`` whose ``col`` a rule is about to fill."""
        idc = V.SPECS[layer].id_column
        empty = number(gdf, col).isna()
        self.derived.setdefault(layer, {})[col] = frozenset(gdf.loc[empty, idc].astype(str))

    def _provinces(self, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        gdf = gdf.to_crs(GEOGRAPHIC_CRS).copy()
        gdf["code"] = V.id_strings(gdf["code"])
        gdf["name_ko"] = text(gdf, "name_ko", "")
        gdf["capital_region"] = as_bool(gdf["capital_region"]) if "capital_region" in gdf else False
        gdf["renewable_surplus_mw"] = number(gdf, "renewable_surplus_mw").fillna(0.0)
        return gdf.reset_index(drop=True)

    def _points(
        self,
        gdf: gpd.GeoDataFrame,
        provinces: gpd.GeoDataFrame,
        name: str,
        *,
        snap_km: float | None = PROVINCE_SNAP_KM,
    ) -> gpd.GeoDataFrame:
        spec = V.SPECS[name]
        gdf = gdf.to_crs(GEOGRAPHIC_CRS).copy()
        gdf[spec.id_column] = V.id_strings(gdf[spec.id_column])
        for col in ("name", "name_ko"):
            gdf[col] = text(gdf, col, "")
        if name == "substations":
            kv = pd.to_numeric(gdf["voltage_kv"])
            gdf["voltage_kv"] = kv
            gdf["takes_load"] = as_bool(gdf["takes_load"]) if "takes_load" in gdf else True
            self._record(gdf, name, "headroom_mw")
            gdf["headroom_mw"] = number(gdf, "headroom_mw").fillna(headroom_rule(kv, gdf["takes_load"]))
        elif name == "renewables":
            gdf["status"] = text(gdf, "status", "operating")
            for col in ("capacity_mw", "capacity_factor"):
                gdf[col] = pd.to_numeric(gdf[col])
        elif name == "plants":
            gdf["capacity_mw"] = pd.to_numeric(gdf["capacity_mw"])
            gdf["status"] = text(gdf, "status", "operating")
            self._record(gdf, name, "supply_mw")
            gdf["supply_mw"] = number(gdf, "supply_mw").fillna(gdf["capacity_mw"] * PLANT_SPARE_FRACTION)
        gdf["province"] = self._assign_province(gdf, provinces, name, spec.id_column, snap_km)
        return gdf.reset_index(drop=True)

    def _assign_province(
        self, pts: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame, name: str, idc: str, snap_km: float | None
    ) -> pd.Series:
        """Province code of each point.

        An explicit ``province`` wins, then the polygon containing the point, then the nearest polygon.
        """
        code = pd.Series(np.nan, index=pts.index, dtype=object)
        if "province" in pts.columns:  # an explicit province column wins
            V.raise_if(V.unknown_province_codes(pts, provinces["code"], name=name))
            given = V.id_strings(pts["province"]).fillna("")
            code = given.where(pts["province"].notna() & (given != ""))
        todo = code.isna()
        if not todo.any():
            return code
        m_pts = pts.loc[todo, [idc, pts.geometry.name]].to_crs(self.metric_crs)
        m_prov = provinces[["code", "geometry"]].to_crs(self.metric_crs)
        inside = gpd.sjoin(m_pts, m_prov, how="inner", predicate="within")
        inside = inside[~inside.index.duplicated(keep="first")]
        code.loc[inside.index] = inside["code"]
        rest = m_pts.loc[m_pts.index.difference(inside.index)]
        if len(rest):  # outside every polygon (coast, islands): the nearest one
            near = gpd.sjoin_nearest(rest, m_prov, how="left", distance_col="_d")
            near = near[~near.index.duplicated(keep="first")]
            if snap_km is not None:
                far = near["_d"] > snap_km * 1000
                if far.any():
                    V.raise_if(
                        [
                            f"layer '{name}': {V.show_ids(near.loc[far, idc])} "
                            f"lie more than {snap_km:g} km outside every province; "
                            "fix: drop them, correct their coordinates or CRS, or extend the provinces layer."
                        ]
                    )
            code.loc[near.index] = near["code"]
        return code

    def _lines(self, lines: pd.DataFrame, substations: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        lines = lines.copy()
        for col in ("line_id", "from_id", "to_id"):  # any dtype: the same text as the substations' ids
            lines[col] = V.id_strings(lines[col])
        gdf = lines_from_endpoints(lines, substations).copy()
        gdf["voltage_kv"] = pd.to_numeric(gdf["voltage_kv"])
        gdf["kind"] = text(gdf, "kind", "ac")
        gdf["name"] = text(gdf, "name", "")
        gdf["circuits"] = pd.to_numeric(gdf["circuits"]).fillna(1).astype(int) if "circuits" in gdf else 1
        gdf["length_km"] = gdf.to_crs(self.metric_crs).length / 1000.0
        bundle = number(gdf, "bundle")
        types = line_type(gdf["voltage_kv"], gdf["kind"], ratings=self.line_ratings, bundle=bundle)
        for col in DERIVED_COLUMNS["lines"]:
            self._record(gdf, "lines", col)
        given = number(gdf, "capacity_mw")
        source = gdf["rating_source"].fillna("").astype(str) if "rating_source" in gdf else ""
        gdf["rating_source"] = types["rating_source"].where(given.isna(), source).replace("", "given")
        gdf["capacity_mw"] = given.fillna(gdf["circuits"] * types["rating_mw"])
        gdf["residual_mw"] = number(gdf, "residual_mw").fillna(gdf["capacity_mw"] * RESIDUAL_FRACTION)
        # per unit on 100 MVA: x_pu = X_ohm / (kV^2 / 100); parallel circuits divide it
        x_ohm = types["x_ohm_per_km"] * gdf["length_km"] / gdf["circuits"]
        x_pu = x_ohm / (gdf["voltage_kv"] ** 2 / 100.0)
        gdf["reactance"] = number(gdf, "reactance").fillna(x_pu).where(gdf["kind"] == "ac", np.nan)
        return gdf.reset_index(drop=True)

    # -- public API -------------------------------------------------------------
    @classmethod
    def from_files(
        cls,
        *,
        provinces: PathLike | pd.DataFrame,
        substations: PathLike | pd.DataFrame,
        lines: PathLike | pd.DataFrame,
        renewables: PathLike | pd.DataFrame,
        plants: PathLike | pd.DataFrame | None = None,
        reinforcements: PathLike | pd.DataFrame | None = None,
        columns: Mapping[str, Mapping[Hashable, str]] | None = None,
        layers: Mapping[str, str] | None = None,
        crs: Mapping[str, str] | None = None,
        metric_crs: str = "",
        line_ratings: str | RatingTable = DEFAULT_LINE_RATINGS,
    ) -> SitingData:
        """Read every layer from files and validate them together.

        Parameters
        ----------
        provinces, substations, lines, renewables, plants, reinforcements : path or frame
            GeoJSON, GeoPackage, Shapefile, GeoParquet, or CSV with lon/lat
            columns. Lines and reinforcements (optional, as plants) may be a
            CSV without coordinates: straight segments between the ends.
        columns : mapping, optional
            Per layer, ``{"your_column": "siting_column"}``, e.g.
            ``{"substations": {"id": "substation_id", "kv": "voltage_kv"}}``.
        layers : mapping, optional
            Per layer, the layer name inside a multi-layer file (GeoPackage).
        crs : mapping, optional
            Per layer, the CRS of CSV coordinates or of a file that declares none.
        metric_crs : str, optional
            Projected CRS used for lengths and distances; default the UTM
            zone of the provinces' centre.
        line_ratings : str or RatingTable, default "kepco"
            The rating table that fills a line's missing ``capacity_mw`` (a
            key of ``settings.LINE_RATINGS``: ``"kepco"``, ``"pypsa_earth"``).

        Returns
        -------
        SitingData

        Raises
        ------
        DataError
            Listing every problem in every layer.

        Examples
        --------
        >>> from siting.datasets import bundled_path
        >>> data = SitingData.from_files(
        ...     provinces=bundled_path("provinces"), substations=bundled_path("substations"),
        ...     lines=bundled_path("lines"), renewables=bundled_path("renewables"))
        >>> len(data.provinces)
        17
        """
        columns, layers, crs = columns or {}, layers or {}, crs or {}
        unknown = set(columns) | set(layers) | set(crs)
        unknown -= set(V.SPECS)
        if unknown:
            V.raise_if(
                [f"columns/layers/crs name unknown layers {sorted(unknown)}; fix: use {sorted(V.SPECS)}."]
            )
        sources = dict(
            provinces=provinces,
            substations=substations,
            lines=lines,
            renewables=renewables,
            plants=plants,
            reinforcements=reinforcements,
        )
        frames = {
            name: None
            if src is None
            else read_layer(
                src, name=name, columns=columns.get(name), layer=layers.get(name), crs=crs.get(name)
            )
            for name, src in sources.items()
        }
        return cls(**frames, metric_crs=metric_crs, line_ratings=line_ratings)

    @classmethod
    def from_pandapower(
        cls,
        net: Any,
        *,
        provinces: PathLike | pd.DataFrame | None = None,
        coordinates: PathLike | pd.DataFrame | None = None,
        capacity_factors: Mapping[str, float] | None = None,
    ) -> SitingData:
        """A pandapower net, or a MATPOWER case file placed by ``coordinates``, as validated data.

        ``pip install 'siting[pandapower]'``. What maps to what and the
        options: :func:`siting.pandapower_io.net_layers`.

        Examples
        --------
        >>> import pandapower.networks as pn
        >>> SitingData.from_pandapower(pn.mv_oberrhein())  # doctest: +NORMALIZE_WHITESPACE
        SitingData(provinces=1, substations=179, lines=177, renewables=153, plants=2,
                   metric_crs='EPSG:32632')
        """
        from .pandapower_io import net_layers

        layers = net_layers(
            net, provinces=provinces, coordinates=coordinates, capacity_factors=capacity_factors
        )
        return cls(**layers)

    @classmethod
    def from_folder(cls, folder: PathLike) -> SitingData:
        """Read every layer from one folder: files found by name, or as ``siting-data.toml`` says.

        Each layer is the file named after it, ``provinces.*``,
        ``substations.*``, ``lines.*``, ``renewables.*`` and optionally
        ``plants.*`` and ``reinforcements.*`` (any suffix in :data:`siting.io.FOLDER_SUFFIXES`). A
        ``siting-data.toml`` in the folder may say more, per layer, in a table
        named after it: ``path`` (relative to the folder), ``layer`` (inside a
        GeoPackage), ``crs`` (of CSV coordinates) and ``columns`` (your column
        to ours), and at the top ``metric_crs`` and ``line_ratings``::

            metric_crs = "EPSG:5179"
            line_ratings = "pypsa_earth"
            [substations]
            path = "grid/buses.csv"
            columns = { bus = "substation_id", kv = "voltage_kv" }

        Layers the file does not name are still found by name. ``siting run
        --data DIR`` and ``siting validate --data DIR`` read folders this way.

        Raises
        ------
        DataError
            Listing every problem: missing layers, unreadable files, bad rows.

        Examples
        --------
        >>> import tempfile, shutil, pathlib
        >>> from siting.datasets import bundled_path
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> for layer in ("provinces", "substations", "lines", "renewables"):
        ...     _ = shutil.copy(bundled_path(layer), d)
        >>> len(SitingData.from_folder(d).substations)
        1087
        """
        return cls.from_files(**folder_sources(folder))

    @classmethod
    def from_pypsa(cls, network: Any, **options: Any) -> SitingData:
        """Read a ``pypsa.Network``: see :func:`siting.pypsa_io.layers_from_pypsa` for the options.

        Buses, lines, DC links and generators; without ``provinces=``, one region (with a warning).

        Examples
        --------
        >>> import pypsa, warnings
        >>> n = pypsa.Network()
        >>> n.add("Bus", ["a", "b"], x=[8.0, 8.5], y=[50.0, 50.2], v_nom=380.0)
        >>> n.add("Line", "ab", bus0="a", bus1="b", x=10.0, s_nom=1000.0)
        >>> n.add("Generator", "gas", bus="a", carrier="gas", p_nom=500.0)
        >>> with warnings.catch_warnings(action="ignore"):
        ...     SitingData.from_pypsa(n)
        SitingData(provinces=1, substations=2, lines=1, renewables=0, plants=1, metric_crs='EPSG:32632')
        """
        from .pypsa_io import layers_from_pypsa

        return cls(**layers_from_pypsa(network, **options))

    def replace(self, **layers: gpd.GeoDataFrame) -> SitingData:
        """Return a copy with some layers replaced, validated again.

        Columns a rule filled (:attr:`derived`, :data:`DERIVED_COLUMNS`) are
        filled again from the new inputs, unless the new frame changes their
        value: a value you change is yours and is kept. So
        ``data.replace(lines=data.lines.assign(capacity_mw=...))`` also moves
        a rule-derived ``residual_mw`` and never leaves it stale.

        Examples
        --------
        >>> import siting
        >>> data = siting.load_korea()
        >>> subs = data.substations.assign(headroom_mw=100.0)
        >>> float(data.replace(substations=subs).substations.headroom_mw.max())
        100.0
        >>> lines = data.lines.assign(capacity_mw=data.lines.capacity_mw * 2)
        >>> bool((data.replace(lines=lines).lines.residual_mw >= data.lines.residual_mw).all())
        True
        """
        unknown = set(layers) - set(V.SPECS)
        if unknown:
            V.raise_if([f"replace() got unknown layers {sorted(unknown)}; fix: use {sorted(V.SPECS)}."])
        frames: dict[str, Any] = {}
        for name, old in self.layers().items():
            new = layers.get(name, old)
            frames[name] = None if new is None else self._rederive(name, old, new)
        frames.update({n: f for n, f in layers.items() if n not in frames})
        return dataclasses.replace(self, **frames)

    def _rederive(self, name: str, old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
        """``new`` with its rule-derived cells emptied where they still hold the old derived value."""
        derived = self.derived.get(name, {})
        if not derived:
            return new
        idc = V.SPECS[name].id_column
        ids = new[idc].astype(str)
        out = new.copy()
        marked: dict[str, list[str]] = {}
        for col, rows in derived.items():
            if col not in out.columns or not rows:
                continue
            before = ids.map(old.set_index(old[idc].astype(str))[col])
            same = (pd.to_numeric(out[col], errors="coerce") == before) | (out[col].isna() & before.isna())
            again = ids.isin(rows) & same
            out[col] = pd.to_numeric(out[col], errors="coerce").where(~again)
            marked[col] = ids[again].tolist()
            note = PROVENANCE_COLUMNS.get(name, {}).get(col)
            if note in out.columns:  # a derived value you changed is yours: its provenance says so
                out.loc[(ids.isin(rows) & ~same).to_numpy(), note] = "given"
        out.attrs[RULE_ROWS_ATTR] = marked
        return out

    def __repr__(self) -> str:
        rows = ", ".join(f"{name}={len(frame)}" for name, frame in self.layers().items())
        return f"SitingData({rows}, metric_crs={self.metric_crs!r})"

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """The layers present, by name."""
        return {n: getattr(self, n) for n in V.SPECS if getattr(self, n) is not None}
