"""The server's warm state: a request's settings validated once for each distinct set."""

import pytest

from ragbox.config import Settings, as_flat_dict
from ragbox.errors import ConfigError
from ragbox.serving.server import Warm


def test_a_requests_settings_are_validated_once_and_a_bad_value_every_time():
    warm = Warm()
    flat = as_flat_dict(Settings())
    first = warm.settings(dict(flat))
    assert first == Settings().replace(flat)
    assert warm.settings(dict(reversed(list(flat.items())))) is first  # the same set, in another order
    other = warm.settings({**flat, "retrieval.k": 7})
    assert other.retrieval.k == 7 and first.retrieval.k != 7
    bad = {**flat, "retrieval.mode": "nonsense"}
    for _ in range(2):  # not kept: refused again
        with pytest.raises(ConfigError):
            warm.settings(bad)
