"""Queueing background work so that it belongs to the caller's transaction.

With the database queue (django-tasks-db, the production backend) a queued task is a
row written in the caller's transaction: it exists exactly when the caller's work was
committed, and no worker sees it before. Other backends (the immediate one in tests)
run a task as soon as it is queued, so there it is queued after the commit instead,
and never for work that was rolled back.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction


def shares_the_database(backend) -> bool:
    """True when queued tasks are rows in the portal's own database."""
    try:
        from django_tasks_db.backend import DatabaseBackend
    except ImportError:  # pragma: no cover - a dependency of the project
        return False
    return isinstance(backend, DatabaseBackend)


def enqueue(task, *args, run_after=None) -> bool:
    """Queue `task(*args)` with the caller's transaction, to run now or at `run_after`.

    Returns False when the backend cannot run a task later (then nothing is queued and
    the caller's fallback, a command run from cron, does the work).
    """
    backend = task.get_backend()
    if run_after is not None:
        if not backend.supports_defer:
            return False
        task = task.using(run_after=run_after)
    if shares_the_database(backend):
        task.enqueue(*args)
    else:
        transaction.on_commit(partial(task.enqueue, *args))
    return True
