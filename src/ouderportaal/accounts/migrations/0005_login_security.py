import unicodedata

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def backfill_skeletons(apps, schema_editor):
    """Store each username in NFKC form with its look-alike key.

    Usernames from before this migration that already look alike keep working: the
    later account's key gets its id appended (and a line is printed), so that nobody
    is locked out; new look-alikes can no longer be made.
    """
    from ouderportaal.accounts import usernames

    User = apps.get_model("accounts", "User")
    seen = set()
    for user in User.objects.order_by("pk").only("pk", "username"):
        name = unicodedata.normalize("NFKC", user.username).strip()
        key = usernames.skeleton(name)
        if key in seen:
            print(f"\n  Account {user.pk} has a username that looks like an earlier one.")
            key = f"{key}#{user.pk}"
        seen.add(key)
        User.objects.filter(pk=user.pk).update(username=name, username_skeleton=key)


def forget_failures(apps, schema_editor):
    # Failed logins count for an hour; the old rows kept raw addresses and names.
    apps.get_model("accounts", "LoginFailure").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_account_mail_through_outbox"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_skeleton",
            field=models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(backfill_skeletons, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                fields=("username_skeleton",), name="user_username_skeleton_unique"
            ),
        ),
        migrations.AddField(
            model_name="accountstate",
            name="lock_lifted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(forget_failures, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="loginfailure", name="loginfailure_ip_idx"),
        migrations.RemoveField(model_name="loginfailure", name="ip"),
        migrations.AlterField(
            model_name="loginfailure",
            name="username_key",
            field=models.CharField(max_length=64),
        ),
        migrations.AddField(
            model_name="loginfailure",
            name="user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="loginfailure",
            name="address_key",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="loginfailure",
            name="device",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="loginfailure",
            name="kind",
            field=models.CharField(
                choices=[("password", "password"), ("code", "code from the app")],
                default="password",
                max_length=8,
            ),
        ),
        migrations.AddIndex(
            model_name="loginfailure",
            index=models.Index(fields=["user", "at"], name="loginfailure_account_idx"),
        ),
        migrations.AddIndex(
            model_name="loginfailure",
            index=models.Index(fields=["address_key", "at"], name="loginfailure_address_idx"),
        ),
        migrations.AddIndex(
            model_name="loginfailure",
            index=models.Index(fields=["device", "at"], name="loginfailure_device_idx"),
        ),
    ]
