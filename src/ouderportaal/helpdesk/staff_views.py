"""The back office of the help desk: help pages, documents and the school's rules for
the portal manager; appointment requests for teachers."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ouderportaal.core import submissions
from ouderportaal.core.access import staff_view
from ouderportaal.core.scoping import get_scoped_or_404, scoped
from ouderportaal.core.uploads import accepts_uploads
from ouderportaal.helpdesk import content
from ouderportaal.helpdesk.defaults import TOPIC_SLUGS, default_rules, default_source
from ouderportaal.helpdesk.forms import (
    AppointmentAnswerForm,
    DocumentEditForm,
    DocumentUploadForm,
    HelpPageForm,
    RulesForm,
)
from ouderportaal.helpdesk.models import (
    AppointmentRequest,
    Document,
    HelpPage,
    Language,
    SchoolRules,
)
from ouderportaal.helpdesk.services import topics_for
from ouderportaal.helpdesk.uploads import max_upload_bytes


def _context(membership, section, **extra):
    return {"membership": membership, "section": section, "school": membership.school, **extra}


# -- Help pages ---------------------------------------------------------------------


@staff_view("portal_manager")
def pages(request, membership):
    school = membership.school
    by_language = [(code, label, topics_for(school, code)) for code, label in Language.choices]
    return render(
        request,
        "helpdesk/admin/pages.html",
        _context(membership, "helppages", by_language=by_language),
    )


def _save_page(request, membership, form):
    content.save_help_page(form.save(commit=False), school=membership.school, actor=request.user)
    messages.success(request, _("The help page has been saved."))
    return redirect("helpdeskadmin:pages", school=membership.school.slug)


@staff_view("portal_manager")
def page_new(request, membership):
    form = HelpPageForm(request.POST or None, school=membership.school)
    if request.method == "POST" and form.is_valid():
        return _save_page(request, membership, form)
    return render(
        request,
        "helpdesk/admin/page_form.html",
        _context(membership, "helppages", form=form, is_new=True),
    )


@staff_view("portal_manager")
def page_edit(request, membership, language, topic):
    """Edit a page: a built-in topic becomes the school's own page when saved."""
    school = membership.school
    if language not in Language.values:
        raise Http404
    page = scoped(membership, HelpPage).filter(slug=topic, language=language).first()
    builtin = topic in TOPIC_SLUGS
    if page is None and not builtin:
        raise Http404
    initial = {}
    if page is None:
        title, text = default_source(school, topic, language)
        page = HelpPage(school=school, slug=topic, language=language, order=0)
        initial = {"title": title, "body": text, "order": _builtin_order(topic)}
    form = HelpPageForm(
        request.POST or None, instance=page, initial=initial, school=school, fixed_topic=builtin
    )
    if request.method == "POST" and form.is_valid():
        return _save_page(request, membership, form)
    return render(
        request,
        "helpdesk/admin/page_form.html",
        _context(
            membership,
            "helppages",
            form=form,
            page=page,
            builtin=builtin,
            is_new=False,
            language=language,
            topic=topic,
        ),
    )


def _builtin_order(slug: str) -> int:
    from ouderportaal.helpdesk.defaults import TOPICS

    return dict(TOPICS)[slug]


@staff_view("portal_manager")
@require_POST
def page_delete(request, membership, language, topic):
    page = get_scoped_or_404(membership, HelpPage, slug=topic, language=language)
    content.delete_help_page(page, actor=request.user)
    if topic in TOPIC_SLUGS:
        messages.success(
            request, _("The school's text has been removed; the standard text is back.")
        )
    else:
        messages.success(request, _("The help page has been removed."))
    return redirect("helpdeskadmin:pages", school=membership.school.slug)


# -- Documents ----------------------------------------------------------------------


@staff_view("portal_manager")
@accepts_uploads("HELPDESK_MAX_UPLOAD_MB")
@submissions.once
def documents(request, membership):
    school = membership.school
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = form.save(commit=False)
        document.extension = form.kind.extension
        document.content_type = form.kind.content_type
        document.size = form.cleaned_data["file"].size
        with transaction.atomic():
            submissions.claim(request, request.path)
            content.upload_document(document, school=school, actor=request.user)
        messages.success(request, _("The document has been uploaded."))
        return redirect("helpdeskadmin:documents", school=school.slug)
    return render(
        request,
        "helpdesk/admin/documents.html",
        _context(
            membership,
            "helpdocuments",
            form=form,
            documents=scoped(membership, Document),
            max_mb=max_upload_bytes() // (1024 * 1024),
        ),
    )


@staff_view("portal_manager")
def document_edit(request, membership, document):
    found = get_scoped_or_404(membership, Document, public_id=document)
    form = DocumentEditForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        content.save_document(form.save(commit=False), actor=request.user)
        messages.success(request, _("The document has been saved."))
        return redirect("helpdeskadmin:documents", school=membership.school.slug)
    return render(
        request,
        "helpdesk/admin/document_form.html",
        _context(membership, "helpdocuments", form=form, document=found),
    )


@staff_view("portal_manager")
@require_POST
def document_delete(request, membership, document):
    found = get_scoped_or_404(membership, Document, public_id=document)
    content.delete_document(found, actor=request.user)
    messages.success(request, _("The document has been removed."))
    return redirect("helpdeskadmin:documents", school=membership.school.slug)


# -- Vision and rules ---------------------------------------------------------------


@staff_view("portal_manager")
def rules_edit(request, membership):
    school = membership.school
    rules = scoped(membership, SchoolRules).first()
    initial = {}
    if rules is None:
        title, text = default_rules(school, "nl")
        rules = SchoolRules(school=school)
        initial = {"title": title, "body": text}
    form = RulesForm(request.POST or None, instance=rules, initial=initial)
    if request.method == "POST" and form.is_valid():
        content.save_rules(form.save(commit=False), actor=request.user)
        messages.success(request, _("The vision and agreements have been saved."))
        return redirect("helpdeskadmin:rules", school=school.slug)
    return render(
        request,
        "helpdesk/admin/rules_form.html",
        _context(membership, "helprules", form=form, rules=rules),
    )


# -- Appointment requests -----------------------------------------------------------


def visible_appointments(membership):
    """Requests a staff member may handle: those for pupils in their own groups; a member
    who also has the administration role sees every request of the school (to pass on
    requests when a teacher is away, or when a pupil has no teacher)."""
    requests = scoped(membership, AppointmentRequest)
    if membership.is_administration:
        return requests
    return requests.filter(student__group__teachers=membership)


@staff_view("teacher", reads="appointment")
def appointments(request, membership):
    status = request.GET.get("status", "open")
    requests = visible_appointments(membership).select_related(
        "student", "student__group", "requested_by"
    )
    if status == "open":
        requests = requests.filter(status=AppointmentRequest.Status.OPEN)
    return render(
        request,
        "helpdesk/admin/appointments.html",
        _context(membership, "appointments", requests=requests[:200], status=status),
    )


@staff_view("teacher", reads="appointment")
def appointment(request, membership, appointment):
    found = get_object_or_404(
        visible_appointments(membership).select_related(
            "student", "student__group", "requested_by"
        ),
        public_id=appointment,
    )
    form = AppointmentAnswerForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        url = request.build_absolute_uri(
            reverse("helpdesk:appointments", kwargs={"student": found.student.public_id})
        )
        content.answer_appointment(
            form.save(commit=False), answered_by=membership, actor=request.user, url=url
        )
        messages.success(request, _("Your answer has been sent to the parent."))
        return redirect("helpdeskadmin:appointments", school=membership.school.slug)
    return render(
        request,
        "helpdesk/admin/appointment.html",
        _context(membership, "appointments", appointment=found, form=form),
    )
