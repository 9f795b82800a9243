"""Background work of the privacy app: preparing a parent's data export."""

from __future__ import annotations

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from ouderportaal.core import audit
from ouderportaal.privacy.export import build_zip
from ouderportaal.privacy.models import DataExport

logger = logging.getLogger("ouderportaal.privacy")


@task()
def prepare_export(export_id: int) -> str:
    export = DataExport.objects.filter(pk=export_id, state=DataExport.State.QUEUED).first()
    if export is None:
        return "gone"
    content = build_zip(export.user)
    with transaction.atomic():
        updated = DataExport.objects.filter(pk=export_id, state=DataExport.State.QUEUED).update(
            state=DataExport.State.READY, content=content, ready_at=timezone.now()
        )
        if updated:
            audit.record("privacy.export.prepared", obj=export, size=len(content))
    logger.info("Data export %s prepared (%d bytes).", export_id, len(content))
    return "ready"
