"""Public help pages (no login), documents, the school's rules, and a parent's
appointment requests."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ouderportaal.core import audit, submissions
from ouderportaal.core.access import child_view, parent_view, public_view
from ouderportaal.core.mail import send_templated_mail
from ouderportaal.core.models import Guardian, School, StaffMember
from ouderportaal.core.net import client_ip
from ouderportaal.core.privacy import pseudonym
from ouderportaal.helpdesk import services
from ouderportaal.helpdesk.defaults import TOPIC_SLUGS
from ouderportaal.helpdesk.forms import AppointmentForm, CannotLogInForm, SearchForm
from ouderportaal.helpdesk.models import (
    AppointmentRequest,
    Document,
    LoginHelpRequest,
    RulesAcknowledgement,
)

SCHOOL_COOKIE = "hulp_school"
SCHOOL_COOKIE_AGE = 365 * 24 * 3600
# Where `/hulp/?naar=…` may lead once the school is known.
DESTINATIONS = {"documenten": "documents", "visie": "rules", "niet-inloggen": "cannot_log_in"}


def _language() -> str:
    return services.page_language(get_language())


def _school(slug: str) -> School:
    return get_object_or_404(School, slug=slug)


def _remember(response, school: School):
    response.set_cookie(
        SCHOOL_COOKIE,
        school.slug,
        max_age=SCHOOL_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _destination(school: School, target: str) -> str:
    if target in TOPIC_SLUGS:
        return reverse("helpdesk:topic", kwargs={"school": school.slug, "topic": target})
    if target in DESTINATIONS:
        return reverse(f"helpdesk:{DESTINATIONS[target]}", kwargs={"school": school.slug})
    return reverse("helpdesk:school", kwargs={"school": school.slug})


@public_view
def accessibility(request):
    """The accessibility statement (toegankelijkheidsverklaring), with where to report a
    problem: the chosen school's mailbox, or every school's in a small installation."""
    chosen = School.objects.filter(slug=request.COOKIES.get(SCHOOL_COOKIE, "")).first()
    schools = [chosen] if chosen else list(School.objects.order_by("name")[:11])
    return render(
        request,
        "helpdesk/accessibility.html",
        {"schools": schools if len(schools) <= 10 else []},
    )


@public_view
def index(request):
    """Choose a school. `?school=slug` chooses it directly; the choice is remembered."""
    target = request.GET.get("naar", "")
    chosen = request.GET.get("school") or (
        "" if "kies" in request.GET else request.COOKIES.get(SCHOOL_COOKIE, "")
    )
    if chosen:
        school = School.objects.filter(slug=chosen).first()
        if school is not None:
            return _remember(redirect(_destination(school, target)), school)
    schools = School.objects.order_by("name")
    if "kies" not in request.GET and len(schools[:2]) == 1:
        school = schools[0]
        return _remember(redirect(_destination(school, target)), school)
    form = SearchForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["q"].strip():
        for word in form.cleaned_data["q"].split():
            schools = schools.filter(Q(name__icontains=word) | Q(city__icontains=word))
    return render(
        request,
        "helpdesk/index.html",
        {"schools": schools, "form": form, "target": target if target else ""},
    )


@public_view
def school_home(request, school):
    school = _school(school)
    topics = services.topics_for(school, _language())
    documents = services.documents_for(request.user, school)
    response = render(
        request,
        "helpdesk/school.html",
        {
            "school": school,
            "topics": topics,
            "documents": documents,
            "form": SearchForm(),
        },
    )
    return _remember(response, school)


@public_view
def search(request, school):
    school = _school(school)
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = services.search_topics(school, _language(), query) if query else []
    return render(
        request,
        "helpdesk/search.html",
        {"school": school, "form": form, "query": query, "results": results},
    )


@public_view
def topic(request, school, topic):
    school = _school(school)
    found = services.find_topic(school, topic, _language())
    if found is None:
        raise Http404
    topics = services.topics_for(school, _language())
    return render(
        request,
        "helpdesk/topic.html",
        {"school": school, "topic": found, "topics": topics, "form": SearchForm()},
    )


@public_view
def rules(request, school):
    school = _school(school)
    title, body_html, own = services.rules_for(school, _language())
    ask = False
    if own is not None and own.ask_to_read and services.is_parent_at(request.user, school):
        ask = not RulesAcknowledgement.objects.filter(school=school, user=request.user).exists()
    return render(
        request,
        "helpdesk/rules.html",
        {"school": school, "title": title, "body_html": body_html, "ask_to_read": ask},
    )


@parent_view
@require_POST
def acknowledge_rules(request, school):
    school = _school(school)
    if not services.is_parent_at(request.user, school):
        raise Http404
    _ack, created = RulesAcknowledgement.objects.get_or_create(school=school, user=request.user)
    if created:
        audit.record("helpdesk.rules.read", actor=request.user, school=school)
    messages.success(request, _("Thank you for reading the school's vision and agreements."))
    return redirect("portal:home")


@public_view
def documents(request, school):
    school = _school(school)
    docs = services.documents_for(request.user, school)
    return render(
        request,
        "helpdesk/documents.html",
        {
            "school": school,
            "documents": docs,
            "is_parent": services.is_parent_at(request.user, school),
        },
    )


@public_view
def document(request, school, document):
    """Serve one document of one school, through the storage API, as a download.

    Public documents: anyone. Parents' documents: only a parent with a visible child at
    this school, or the school's own staff; everyone else gets 404 (a visitor who is not
    logged in is asked to log in first).
    """
    found = get_object_or_404(
        Document.objects.select_related("school"), school__slug=school, public_id=document
    )
    if not found.is_public:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        allowed = services.is_parent_at(request.user, found.school) or services.is_staff_at(
            request.user, found.school
        )
        if not allowed:
            raise Http404
    try:
        handle = default_storage.open(found.file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    filename = f"{slugify(found.title) or 'document'}.{found.extension}"
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=300" if found.is_public else "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _over_limit(address_hash: str, ip_hash: str) -> bool:
    since = timezone.now() - timedelta(hours=1)
    recent = LoginHelpRequest.objects.filter(sent_at__gte=since)
    per_address = settings.HELPDESK_LOGIN_HELP_PER_ADDRESS
    per_ip = settings.HELPDESK_LOGIN_HELP_PER_IP
    return (
        recent.filter(address_hash=address_hash).count() >= per_address
        or recent.filter(ip_hash=ip_hash).count() >= per_ip
    )


@public_view
def cannot_log_in(request, school):
    """Send a login problem to the school's portal mailbox. The answer is the same
    whether or not the address belongs to an account."""
    school = _school(school)
    sent = request.GET.get("verstuurd") == "1"
    form = CannotLogInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        address_hash = pseudonym("login-help-address", data["email"])
        ip_hash = pseudonym("login-help-ip", client_ip(request) or "")
        if _over_limit(address_hash, ip_hash):
            form.add_error(
                None,
                _(
                    "You have already sent this form several times in the past hour. "
                    "The school will answer you; please wait a while."
                ),
            )
        else:
            with transaction.atomic():
                LoginHelpRequest.objects.filter(
                    sent_at__lt=timezone.now() - timedelta(days=1)
                ).delete()
                LoginHelpRequest.objects.create(
                    school=school, address_hash=address_hash, ip_hash=ip_hash
                )
                audit.record("helpdesk.login_help.sent", school=school)
                known = Guardian.objects.filter(school=school, email__iexact=data["email"]).exists()
                send_templated_mail(
                    to=school.portal_email,
                    template="helpdesk/mail/cannot_log_in",
                    context={**data, "known": known},
                    language="nl",
                    school=school,
                )
            url = reverse("helpdesk:cannot_log_in", kwargs={"school": school.slug})
            return redirect(f"{url}?verstuurd=1")
    return render(
        request,
        "helpdesk/cannot_log_in.html",
        {"school": school, "form": form, "sent": sent},
    )


def _teachers(student) -> list[StaffMember]:
    if student.group is None:
        return []
    return list(
        student.group.teachers.filter(is_active=True, is_teacher=True).select_related("user")
    )


@child_view(module="appointments")
@submissions.once
def appointments(request, student):
    """Ask the child's teacher for an appointment; see earlier requests and answers."""
    form = AppointmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            submissions.claim(request, request.path)
            appointment = form.save(commit=False)
            appointment.school = student.school
            appointment.student = student
            appointment.requested_by = request.user
            appointment.save()
            audit.record(
                "helpdesk.appointment.requested",
                actor=request.user,
                school=student.school,
                obj=appointment,
                student=student,
            )
            teachers = _teachers(student)
            context = {
                "appointment": appointment,
                "student": student,
                "parent_name": request.user.display_name,
            }
            for teacher in teachers:
                if teacher.user.email:
                    context["url"] = request.build_absolute_uri(
                        reverse(
                            "helpdeskadmin:appointment",
                            kwargs={
                                "school": student.school.slug,
                                "appointment": appointment.public_id,
                            },
                        )
                    )
                    send_templated_mail(
                        to=teacher.user.email,
                        template="helpdesk/mail/appointment_request",
                        context=context,
                        language=teacher.user.language,
                        school=student.school,
                    )
            if not teachers:
                send_templated_mail(
                    to=student.school.portal_email,
                    template="helpdesk/mail/appointment_request",
                    context={**context, "no_teacher": True},
                    language="nl",
                    school=student.school,
                )
        messages.success(
            request,
            _("Your request has been sent. You will see the answer here and get an e-mail."),
        )
        return redirect("helpdesk:appointments", student=student.public_id)
    requests = list(
        AppointmentRequest.objects.filter(student=student, requested_by=request.user).order_by(
            "-created_at", "-pk"
        )[:50]
    )
    return render(
        request,
        "helpdesk/parent/appointments.html",
        {
            "student": student,
            "child_tab": "appointments",
            "form": form,
            "requests": requests,
            "teachers": _teachers(student),
        },
    )
