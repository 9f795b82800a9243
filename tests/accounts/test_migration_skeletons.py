"""Migration 0005 fills in the look-alike key of existing usernames."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0004_account_mail_through_outbox")]
AFTER = [("accounts", "0005_login_security")]


@pytest.fixture
def back_to_the_latest_migrations():
    """Leave the database fully migrated for the transactional tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_usernames_get_their_key_and_old_look_alikes_keep_working(
    back_to_the_latest_migrations,
):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    User = old_apps.get_model("accounts", "User")
    User.objects.create(username="JdeVries", password="!")
    User.objects.create(username="ＭｄｅＶｒｉｅｓ", password="!")  # fullwidth, from before
    later = User.objects.create(username="JdeVr\u0456es", password="!")  # Cyrillic і

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    rows = dict(
        new_apps.get_model("accounts", "User")
        .objects.order_by("pk")
        .values_list("username", "username_skeleton")
    )
    assert rows["JdeVries"] == "jdevries"
    assert rows["MdeVries"] == "rndevries"  # plain form now; in a skeleton m is "rn"
    assert rows["JdeVr\u0456es"] == f"jdevries#{later.pk}"  # kept, but marked
