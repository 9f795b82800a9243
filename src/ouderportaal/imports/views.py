"""Back-office pages to upload an import, look at its preview and confirm it."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from ouderportaal.core.access import staff_view
from ouderportaal.core.models import Custody, Gender, Relation
from ouderportaal.core.scoping import get_scoped_or_404
from ouderportaal.core.uploads import accepts_uploads
from ouderportaal.imports.forms import UploadForm
from ouderportaal.imports.models import ImportRun
from ouderportaal.imports.report import ACTIONS, CHANGED, LEFT, NEW
from ouderportaal.imports.safeguards import risk_message
from ouderportaal.imports.services import ImportConflict, preview
from ouderportaal.imports.services import cancel as cancel_run
from ouderportaal.imports.services import confirm as apply

HISTORY_SIZE = 25
KIND_LABELS = {
    "schoolyear": gettext_lazy("School years"),
    "group": gettext_lazy("Groups"),
    "teacher": gettext_lazy("Teachers"),
    "pupil": gettext_lazy("Pupils"),
    "guardian": gettext_lazy("Parents and guardians"),
    "link": gettext_lazy("Guardians of pupils (relation and gezag)"),
}
ITEM_LABELS = {
    "schoolyear": gettext_lazy("school year"),
    "group": gettext_lazy("group"),
    "teacher": gettext_lazy("teacher"),
    "pupil": gettext_lazy("pupil"),
    "guardian": gettext_lazy("parent or guardian"),
    "link": gettext_lazy("guardian of pupil"),
}
ACTION_LABELS = {
    NEW: gettext_lazy("new"),
    CHANGED: gettext_lazy("changed"),
    LEFT: gettext_lazy("left"),
}
FIELD_LABELS = {
    "external_key": gettext_lazy("key in the administration"),
    "eck_id": gettext_lazy("ECK iD"),
    "first_names": gettext_lazy("first names"),
    "roepnaam": gettext_lazy("first name in use (roepnaam)"),
    "voorvoegsel": gettext_lazy("surname prefix"),
    "achternaam": gettext_lazy("surname"),
    "birth_date": gettext_lazy("date of birth"),
    "gender": gettext_lazy("gender"),
    "jaargroep": gettext_lazy("jaargroep"),
    "group": gettext_lazy("group"),
    "composed_groups": gettext_lazy("composed groups"),
    "enrolled_on": gettext_lazy("first day at school"),
    "left_on": gettext_lazy("left school on"),
    "name": gettext_lazy("name"),
    "kind": gettext_lazy("kind"),
    "description": gettext_lazy("description"),
    "is_teacher": gettext_lazy("teacher"),
    "is_active": gettext_lazy("active"),
    "username": gettext_lazy("username"),
    "groups": gettext_lazy("groups"),
    "initials": gettext_lazy("initials"),
    "email": gettext_lazy("e-mail address"),
    "phone_mobile": gettext_lazy("mobile phone"),
    "phone_home": gettext_lazy("home phone"),
    "street": gettext_lazy("street"),
    "house_number": gettext_lazy("house number"),
    "postcode": gettext_lazy("postcode"),
    "city": gettext_lazy("town"),
    "relation": gettext_lazy("relation"),
    "custody": gettext_lazy("custody"),
}
VALUE_LABELS = {
    "gender": dict(Gender.choices),
    "custody": dict(Custody.choices),
    "relation": dict(Relation.choices),
    "is_teacher": {"True": gettext_lazy("yes"), "False": gettext_lazy("no")},
    "is_active": {"True": gettext_lazy("yes"), "False": gettext_lazy("no")},
    "kind": {"stam": gettext_lazy("class group"), "samengesteld": gettext_lazy("composed group")},
}


def _value(field, value):
    return VALUE_LABELS.get(field, {}).get(value, value)


def _get_run(membership, run_id) -> ImportRun:
    return get_scoped_or_404(membership, ImportRun, pk=run_id)


def _sections(run: ImportRun) -> list[dict]:
    """The change list grouped by action, with readable field names and values."""
    sections = []
    for action in ACTIONS:
        items = []
        for item in run.changes:
            if item["action"] != action:
                continue
            items.append(
                {
                    "kind": ITEM_LABELS.get(item["kind"], item["kind"]),
                    "key": item["key"],
                    "name": item["name"],
                    "changes": [
                        {
                            "field": FIELD_LABELS.get(field, field),
                            "old": _value(field, old),
                            "new": _value(field, new),
                        }
                        for field, old, new in item["changes"]
                    ],
                }
            )
        if items:
            sections.append({"action": action, "label": ACTION_LABELS[action], "items": items})
    return sections


def _count_rows(run: ImportRun) -> list[dict]:
    rows = []
    for kind, values in run.counts.get("objects", {}).items():
        rows.append({"label": KIND_LABELS.get(kind, kind), **values})
    return rows


@staff_view("administration")
@accepts_uploads("IMPORT_MAX_UPLOAD_MB")
def index(request, membership):
    school = membership.school
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            run = preview(
                form.cleaned_data["kind"],
                school,
                upload.read(),
                upload.name,
                user=request.user,
                source=ImportRun.Source.WEB,
            )
            return redirect("imports:run", school=school.slug, run=run.pk)
    else:
        form = UploadForm()
    runs = school.import_runs.select_related("created_by", "applied_by").defer("content")[
        :HISTORY_SIZE
    ]
    return render(
        request,
        "imports/index.html",
        {"membership": membership, "section": "imports", "form": form, "runs": runs},
    )


@staff_view("administration", reads="pupil_list")
def run_detail(request, membership, run):
    import_run = _get_run(membership, run)
    return render(
        request,
        "imports/run.html",
        {
            "membership": membership,
            "section": "imports",
            "run": import_run,
            "count_rows": _count_rows(import_run),
            "sections": _sections(import_run),
            "risks": [risk_message(risk) for risk in import_run.risks],
            "pupils_leaving": import_run.counts.get("objects", {}).get("pupil", {}).get(LEFT, 0),
        },
    )


@staff_view("administration")
@require_POST
def confirm(request, membership, run):
    import_run = _get_run(membership, run)
    try:
        import_run = apply(import_run, request.user, request.POST.get("confirmation", ""))
    except ImportConflict as exc:
        messages.error(request, str(exc))
    else:
        if import_run.status == ImportRun.Status.APPLIED:
            messages.success(
                request,
                ngettext(
                    "The import is done: %(count)s change.",
                    "The import is done: %(count)s changes.",
                    import_run.counts["changes"],
                )
                % {"count": import_run.counts["changes"]},
            )
        else:
            messages.error(request, _("The file has errors; nothing was imported."))
    return redirect("imports:run", school=membership.school.slug, run=import_run.pk)


@staff_view("administration")
@require_POST
def cancel(request, membership, run):
    import_run = _get_run(membership, run)
    cancel_run(import_run)
    messages.info(request, _("The import was cancelled; nothing was changed."))
    return redirect("imports:index", school=membership.school.slug)
