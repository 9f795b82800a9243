from django.utils import timezone

from ouderportaal.changerequests.models import ChangeRequest, ClosureDay
from ouderportaal.core.demo import build_demo


def test_the_demo_has_open_requests_at_de_ark_one_overdue(db):
    build_demo()
    requests = ChangeRequest.objects.filter(school__slug="de-ark").open()
    assert requests.count() >= 2
    assert requests.overdue().count() == 1
    assert {r.submitted_by.username for r in requests} == {"JdeVries"}
    assert all(r.items.exists() for r in requests)
    assert ClosureDay.objects.filter(school__slug="de-ark", date__gte=timezone.localdate()).exists()
