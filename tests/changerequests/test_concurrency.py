"""Two staff members accepting the same request at the same moment apply it once.

Runs on PostgreSQL, where two connections really work in parallel; SQLite (which
serialises all writers) skips it.
"""

import threading
import time

import pytest
from django.db import connection, connections

from ouderportaal.changerequests import services
from ouderportaal.core.models import AuditEvent, Student
from tests.factories import StaffFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_two_staff_accepting_at_once_apply_it_once(world, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    second = StaffFactory(school=world.school, user=UserFactory(username="administratie")).user
    request = services.submit(
        user=world.parent, student=world.child, guardian=None, changes={"city": "Zeist"}
    )
    token = services.values_token(services.current_values(request))

    # Hold the row lock a little while applying, so the other thread surely waits on it.
    original_apply = services._apply
    applied = []

    def slow_apply(target, fields):
        applied.append(threading.current_thread().name)
        time.sleep(0.5)
        original_apply(target, fields)

    monkeypatch.setattr(services, "_apply", slow_apply)
    monkeypatch.setattr(services, "notify_decision", lambda request: 0)

    barrier = threading.Barrier(2)
    outcomes = {}

    def work(actor):
        try:
            barrier.wait()
            services.decide(
                request_id=request.pk,
                school=world.school,
                actor=actor,
                accept={"city"},
                reason="",
                token=token,
            )
            outcomes[threading.current_thread().name] = "done"
        except services.RequestError:
            outcomes[threading.current_thread().name] = "already handled"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=work, args=(actor,), name=name)
        for name, actor in (("first", world.staff), ("second", second))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["already handled", "done"]
    assert len(applied) == 1
    assert AuditEvent.objects.filter(action="changerequest.decided").count() == 1
    assert Student.objects.get(pk=world.child.pk).city == "Zeist"
    request.refresh_from_db()
    assert request.status == "processed"
