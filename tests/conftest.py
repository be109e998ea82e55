import matplotlib
import pytest

matplotlib.use("Agg")

import siting  # noqa: E402
from tests import toy  # noqa: E402


@pytest.fixture(scope="session")
def korea():
    return siting.load_korea()


@pytest.fixture(scope="session")
def toy_data():
    return siting.SitingData(**toy.layers())


@pytest.fixture(scope="session")
def toy_hvdc_data():
    return siting.SitingData(**toy.hvdc_layers())
