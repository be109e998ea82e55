"""Reference figures and assert helpers for checking data and results.

Like ``geopandas.testing``, this module is for tests and for users who want
to check their own runs. The checks here recompute everything from a
result's own tables and the input data; they share no code with the model.
"""

from __future__ import annotations

from typing import Final

#: Official land area of each province, km², rounded (MOLIT cadastral
#: statistics as reported for 2022, i.e. before Gunwi county moved from
#: Gyeongbuk to Daegu in July 2023, matching the Natural Earth boundaries).
#: Recalled from public statistics, not re-checked here; good to about 1%.
OFFICIAL_AREA_KM2: Final[dict[str, float]] = {
    "KR-11": 605,
    "KR-26": 770,
    "KR-27": 884,
    "KR-28": 1067,
    "KR-29": 501,
    "KR-30": 540,
    "KR-31": 1062,
    "KR-41": 10199,
    "KR-42": 16830,
    "KR-43": 7407,
    "KR-44": 8246,
    "KR-45": 8069,
    "KR-46": 12348,
    "KR-47": 19034,
    "KR-48": 10541,
    "KR-49": 1850,
    "KR-50": 465,
}
