"""The data loads the same from an installed wheel as from the repository, and the map's assets ship."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, siting, siting.webmap
from importlib import resources
d = siting.load_korea()
leaflet = resources.files("siting") / "_assets" / "leaflet"
print(json.dumps({"file": siting.__file__, "data": str(siting.datasets.bundled_path("provinces")),
  "leaflet": sorted(p.name for p in leaflet.iterdir()), "inlined": siting.webmap._leaflet(),
  "counts": {k: len(v) for k, v in d.layers().items()},
  "headroom": float(d.substations.headroom_mw.sum()), "length": round(float(d.lines.length_km.sum()), 6),
  "scenario": str(siting.scenario.bundled_scenario_path()),
  "korea_default": siting.Scenario.korea_default() == siting.Scenario.from_toml(REPO_TOML)}))
"""


def test_installed_wheel_loads_same_data(tmp_path, korea):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
    )
    (wheel,) = wheels.glob("siting-*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = PROBE.replace("REPO_TOML", repr(str(ROOT / "scenarios" / "korea_default.toml")))
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, check=True, capture_output=True, text=True
    )
    got = json.loads(out.stdout)
    assert got["scenario"].startswith(str(target)) and got["korea_default"]  # the TOML ships in the wheel
    assert got["file"].startswith(str(target)), got["file"]  # really the wheel, not the checkout
    assert got["data"].startswith(str(target))
    assert got["counts"] == {k: len(v) for k, v in korea.layers().items()}
    assert got["headroom"] == float(korea.substations.headroom_mw.sum())
    assert got["length"] == round(float(korea.lines.length_km.sum()), 6)
    assert {"leaflet.js", "leaflet.css", "LICENSE", "images"} <= set(
        got["leaflet"]
    )  # the offline map's Leaflet
    assert len(got["inlined"]) > 140_000 and "url(images/" not in got["inlined"]
