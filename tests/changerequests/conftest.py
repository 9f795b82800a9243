import pytest
from django.urls import reverse
from django.utils import timezone

from ouderportaal.changerequests.models import ChangeRequest
from ouderportaal.core.models import Guardian


@pytest.fixture
def freeze(monkeypatch):
    """`freeze(aware_datetime)` fixes django.utils.timezone.now for the test."""

    def set_now(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now


@pytest.fixture
def propose_url(world):
    return reverse("changerequests:propose_child", args=[world.child.public_id])


@pytest.fixture
def own_url(world):
    return reverse("changerequests:propose_own", args=[world.child.public_id])


def child_form(student, **changes):
    data = {
        "street": student.street,
        "house_number": student.house_number,
        "postcode": student.postcode,
        "city": student.city,
        "phone": student.phone,
        "note": "",
    }
    data.update(changes)
    return data


def own_form(guardian: Guardian, **changes):
    data = {
        "street": guardian.street,
        "house_number": guardian.house_number,
        "postcode": guardian.postcode,
        "city": guardian.city,
        "phone_mobile": guardian.phone_mobile,
        "phone_home": guardian.phone_home,
        "email": guardian.email,
        "note": "",
    }
    data.update(changes)
    return data


def only_request() -> ChangeRequest:
    (found,) = ChangeRequest.objects.all()
    return found
