"""Shared parts of the fuzz tests: example counts, a rollback per example, row counts."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# The loaded profile decides: "ci" (the default) keeps every fuzz test together under
# a minute on a loaded 2-core machine; --hypothesis-profile=fuzz runs 15 times as many.
PROFILE_EXAMPLES = hypothesis_settings.default.max_examples
PARSER_EXAMPLES = PROFILE_EXAMPLES * 2  # pure reading: fast
FORM_EXAMPLES = max(PROFILE_EXAMPLES // 3, 20)  # a request through the test client each

FUZZ = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
}


@contextmanager
def rolled_back():
    """Each example starts from the same data: whatever it wrote is undone afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def row_counts(*models) -> dict:
    return {model.__name__: model.objects.count() for model in models}
