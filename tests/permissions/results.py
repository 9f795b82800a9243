"""URL arguments for the results back office: a group, a test and a pupil of a school."""

URL_KWARGS = {
    "resultsadmin:group": lambda side: {"group": side.group.pk},
    "resultsadmin:grid": lambda side: {"group": side.group.pk, "test": side.method_test.pk},
    "resultsadmin:pupil": lambda side: {"student": side.child.public_id},
}


def _grid(side):
    return {f"v-{side.child.pk}": "55"}


POST_DATA = {"resultsadmin:grid": _grid}
# A teacher of another group gets 404 for these pages about a pupil of 5A.
OWN_GROUPS_ONLY = {"resultsadmin:group", "resultsadmin:grid", "resultsadmin:pupil"}
