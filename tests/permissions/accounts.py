"""URL arguments for the accounts pages (objects of world.school)."""

from ouderportaal.accounts.models import AccountMailBatch


def _batch(world):
    batch, _created = AccountMailBatch.objects.get_or_create(
        school=world.school,
        scope=AccountMailBatch.Scope.SCHOOL,
        defaults={"label": "test", "total": 0, "base_url": "http://testserver/"},
    )
    return {"batch": batch.pk}


URL_KWARGS = {
    "accounts:set_password": lambda world: {"uidb64": "MQ", "token": "set-password"},
    "accounts:recovery_confirm": lambda world: {"token": "not-a-real-link"},
    "accountadmin:group": lambda world: {"group": world.group.pk},
    "accountadmin:guardian": lambda world: {
        "guardian": world.parent.guardian_records.get(school=world.school).pk
    },
    "accountadmin:lift_lock": lambda world: {
        "guardian": world.parent.guardian_records.get(school=world.school).pk
    },
    "accountadmin:batch": _batch,
}
