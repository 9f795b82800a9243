"""URL arguments for the change-request pages: a request of `world.parent` about `world.child`."""

from ouderportaal.changerequests.models import ChangeRequest
from ouderportaal.changerequests.services import submit


def _request(world) -> ChangeRequest:
    found = ChangeRequest.objects.filter(student=world.child).first()
    if found is None:
        found = submit(
            user=world.parent, student=world.child, guardian=None, changes={"city": "Zeist"}
        )
    return found


URL_KWARGS = {
    "changerequests:withdraw": lambda world: {
        "student": world.child.public_id,
        "request_id": _request(world).pk,
    },
    "requestsadmin:detail": lambda world: {
        "school": world.school.slug,
        "request_id": _request(world).pk,
    },
}
