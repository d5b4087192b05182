import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("nablab", deadline=None, max_examples=25,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("nablab")


@pytest.fixture(autouse=True)
def no_downloads(monkeypatch):
    """Tests never reach for the internet; the mirror tests pass offline=False explicitly."""
    monkeypatch.setenv("NABLAB_OFFLINE", "1")
    monkeypatch.delenv("NABLAB_DATA", raising=False)


@pytest.fixture
def tmp_cache(tmp_path, monkeypatch):
    """An empty user cache in a temporary folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "nablab"


@pytest.fixture(autouse=True)
def strict_numpy():
    """Overflow, division by zero and invalid operations raise inside every test."""
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        yield
