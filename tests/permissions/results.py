"""URL arguments for the results back office: a group and a test of `world.school`."""

from tests.results.helpers import method_test


def _test(world):
    test = method_test(world.group)
    return {"group": world.group.pk, "test": test.pk}


URL_KWARGS = {
    "resultsadmin:group": lambda world: {"group": world.group.pk},
    "resultsadmin:grid": _test,
}
