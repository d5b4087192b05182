import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("nablab", deadline=None, max_examples=25,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("nablab")


@pytest.fixture(autouse=True)
def strict_numpy():
    """Overflow, division by zero and invalid operations raise inside every test."""
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        yield
