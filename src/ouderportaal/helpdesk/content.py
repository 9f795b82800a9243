"""Changes the school makes in the help desk: help pages, documents, its vision and
rules, and answers to appointment requests. Each change is recorded in the audit trail
with the old and the new values."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from ouderportaal.core.audit import changed, record, values_of
from ouderportaal.core.mail import send_templated_mail
from ouderportaal.helpdesk.models import AppointmentRequest, Document, HelpPage, SchoolRules

PAGE_FIELDS = ["slug", "language", "title", "body", "order"]
DOCUMENT_FIELDS = ["title", "description", "audience", "order", "content_type", "size"]
RULES_FIELDS = ["title", "body", "ask_to_read"]
ANSWER_FIELDS = ["status", "proposed_time", "answer"]


def _before(model, obj, fields) -> dict | None:
    """The stored values of `obj` (None for a new row), read before it is saved."""
    if obj.pk is None:
        return None
    stored = model.objects.filter(pk=obj.pk).first()
    return values_of(stored, fields) if stored is not None else None


def _old_new(old: dict | None, new: dict) -> tuple[dict | None, dict]:
    return (None, new) if old is None else changed(old, new)


def save_help_page(page: HelpPage, *, school, actor) -> HelpPage:
    """Save a school's help page (new, changed, or replacing a built-in text)."""
    with transaction.atomic():
        old = _before(HelpPage, page, PAGE_FIELDS)
        page.school = school
        page.save()
        old, new = _old_new(old, values_of(page, PAGE_FIELDS))
        record(
            "helpdesk.page.created" if old is None else "helpdesk.page.changed",
            actor=actor,
            school=school,
            obj=page,
            slug=page.slug,
            language=page.language,
            old=old,
            new=new,
        )
    return page


def delete_help_page(page: HelpPage, *, actor) -> None:
    with transaction.atomic():
        record(
            "helpdesk.page.deleted",
            actor=actor,
            school=page.school,
            obj=page,
            slug=page.slug,
            language=page.language,
            old=values_of(page, PAGE_FIELDS),
            new=None,
        )
        page.delete()


def upload_document(document: Document, *, school, actor) -> Document:
    """Store a new document (its file, type and size already set) for the school."""
    with transaction.atomic():
        document.school = school
        document.uploaded_by = actor
        document.save()
        record(
            "helpdesk.document.uploaded",
            actor=actor,
            school=school,
            obj=document,
            title=document.title,
            audience=document.audience,
            size=document.size,
            old=None,
            new=values_of(document, DOCUMENT_FIELDS),
        )
    return document


def save_document(document: Document, *, actor) -> Document:
    """Save a document's title, description, audience or order."""
    with transaction.atomic():
        old = _before(Document, document, DOCUMENT_FIELDS) or {}
        document.save()
        old, new = changed(old, values_of(document, DOCUMENT_FIELDS))
        record(
            "helpdesk.document.changed",
            actor=actor,
            school=document.school,
            obj=document,
            audience=document.audience,
            old=old,
            new=new,
        )
    return document


def delete_document(document: Document, *, actor) -> None:
    """Remove a document; its file goes once the removal is committed."""
    name = document.file.name
    with transaction.atomic():
        record(
            "helpdesk.document.deleted",
            actor=actor,
            school=document.school,
            obj=document,
            title=document.title,
            old=values_of(document, DOCUMENT_FIELDS),
            new=None,
        )
        document.delete()
        transaction.on_commit(lambda: default_storage.delete(name))


def save_rules(rules: SchoolRules, *, actor) -> SchoolRules:
    """Save the school's vision and rules (replacing the built-in text when new)."""
    with transaction.atomic():
        old = _before(SchoolRules, rules, RULES_FIELDS)
        rules.updated_by = actor
        rules.save()
        old, new = _old_new(old, values_of(rules, RULES_FIELDS))
        record(
            "helpdesk.rules.changed",
            actor=actor,
            school=rules.school,
            obj=rules,
            ask_to_read=rules.ask_to_read,
            old=old,
            new=new,
        )
    return rules


def answer_appointment(appointment: AppointmentRequest, *, answered_by, actor, url: str):
    """Store a teacher's answer (and proposed time, if any) to an appointment request,
    and queue the mail that tells the parent (`url`: the parent's appointments page)."""
    with transaction.atomic():
        old = _before(AppointmentRequest, appointment, ANSWER_FIELDS)
        appointment.status = (
            AppointmentRequest.Status.PROPOSED
            if appointment.proposed_time
            else AppointmentRequest.Status.ANSWERED
        )
        appointment.answered_by = answered_by
        appointment.answered_at = timezone.now()
        appointment.save()
        record(
            "helpdesk.appointment.answered",
            actor=actor,
            school=appointment.school,
            obj=appointment,
            student=appointment.student,
            status=appointment.status,
            old=old,
            new=values_of(appointment, ANSWER_FIELDS),
        )
        parent = appointment.requested_by
        if parent.email:
            send_templated_mail(
                to=parent.email,
                template="helpdesk/mail/appointment_answer",
                context={
                    "appointment": appointment,
                    "student": appointment.student,
                    "teacher_name": actor.get_full_name() or actor.username,
                    "url": url,
                },
                language=parent.language,
                school=appointment.school,
            )
    return appointment
