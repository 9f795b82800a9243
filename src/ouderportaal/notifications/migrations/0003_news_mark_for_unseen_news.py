from django.db import migrations
from django.db.models import Exists, OuterRef


def mark_unseen_news(apps, schema_editor):
    """People with news not yet seen keep seeing it (User.news_mark)."""
    User = apps.get_model("accounts", "User")
    Notification = apps.get_model("notifications", "Notification")
    unseen = Notification.objects.filter(user=OuterRef("pk"), seen_at__isnull=True)
    User.objects.filter(Exists(unseen)).update(news_mark=1)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_user_news_mark"),
        ("notifications", "0002_closure_events"),
    ]

    operations = [migrations.RunPython(mark_unseen_news, migrations.RunPython.noop)]
