"""Safeguards against an EDEXML import that would empty a school by accident.

An EDEXML export lists every current pupil, so a pupil missing from the file is marked
as left (vertrokken) and their parents lose access at once. A wrong file (another
school year's, an old one, a half export) could therefore take many pupils out of the
portal in one go. Such an import is not refused, but it needs an explicit confirmation:
the school's name typed in the back office, `--force` on the command line.

A risk is stored as a code with its figures, so that the message can be shown in the
language of whoever looks at it.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ouderportaal.core.models import Student
from ouderportaal.imports.edexml import EdexFile
from ouderportaal.imports.models import ImportRun
from ouderportaal.imports.report import LEFT, Report

LEAVERS = "leavers"
SCHOOL_YEAR = "school_year"
OLDER_FILE = "older_file"


def school_year_label(day: date) -> str:
    """The school year a day falls in (1 August – 31 July), e.g. 2025-2026."""
    first = day.year if day.month >= 8 else day.year - 1
    return f"{first}-{first + 1}"


def edexml_risks(school, data: EdexFile, report: Report, today: date) -> list[dict]:
    """What makes this planned EDEXML import dangerous; empty when nothing does."""
    risks = []
    leavers = report.counts["pupil"][LEFT] if "pupil" in report.counts else 0
    if leavers:
        pupils = Student.objects.filter(school=school).enrolled(today).count()
        limit = settings.IMPORT_MAX_LEAVERS_PERCENT
        if pupils and leavers * 100 > pupils * limit:
            risks.append({"code": LEAVERS, "leavers": leavers, "pupils": pupils, "percent": limit})
    current = school_year_label(today)
    if data.school.schooljaar != current:
        risks.append({"code": SCHOOL_YEAR, "file": data.school.schooljaar, "current": current})
    if data.school.created is not None:
        last = (
            ImportRun.objects.filter(
                school=school,
                kind=ImportRun.Kind.EDEXML,
                status=ImportRun.Status.APPLIED,
                file_created_at__isnull=False,
            )
            .order_by("-file_created_at")
            .values_list("file_created_at", flat=True)
            .first()
        )
        if last is not None and data.school.created < last:
            risks.append(
                {
                    "code": OLDER_FILE,
                    "file": data.school.created.isoformat(),
                    "last": last.isoformat(),
                }
            )
    return risks


def _moment(value: str) -> str:
    return date_format(timezone.localtime(datetime.fromisoformat(value)), "DATETIME_FORMAT")


def risk_message(risk: dict) -> str:
    """The risk in plain words, in the active language."""
    code = risk.get("code")
    if code == LEAVERS:
        return _(
            "This file would mark %(leavers)s of the %(pupils)s pupils as left (vertrokken): "
            "more than %(percent)s%%. Is this really the school's complete, current export?"
        ) % {k: risk[k] for k in ("leavers", "pupils", "percent")}
    if code == SCHOOL_YEAR:
        return _(
            "The file is for school year %(file)s, but the current school year is %(current)s."
        ) % {"file": risk["file"], "current": risk["current"]}
    if code == OLDER_FILE:
        return _(
            "The file was made on %(file)s, before the file of the last import (made on "
            "%(last)s). Importing it would undo newer changes."
        ) % {"file": _moment(risk["file"]), "last": _moment(risk["last"])}
    return str(code)


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def confirmation_matches(school, typed: str | None) -> bool:
    """Whether the typed text is the school's name (case and spacing do not matter)."""
    return bool(typed) and _normalise(typed) == _normalise(school.name)
