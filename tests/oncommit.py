"""On-commit work in tests, which run inside one transaction that never commits."""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def committing():
    """Run the on-commit work registered inside the block when the block ends.

    Unlike Django's `captureOnCommitCallbacks`, the callbacks it runs are taken off the
    list, so blocks may nest (a test's block around a request) without running the same
    work twice; work registered by that work runs as well, as after a real commit.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    start = len(connection.run_on_commit)
    try:
        yield
    finally:
        while len(connection.run_on_commit) > start:
            _sids, callback, _robust = connection.run_on_commit.pop(start)
            callback()
