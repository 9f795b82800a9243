"""Readable audit entries for the portal-settings log."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ouderportaal.schoolcontrol.models import Moment
from ouderportaal.schoolcontrol.modules import MODULE_LABELS

register = template.Library()

ACTIONS = {
    "schoolcontrol.module.changed": _("Module changed"),
    "schoolcontrol.period.created": _("Closed period scheduled"),
    "schoolcontrol.period.changed": _("Closed period changed"),
    "schoolcontrol.period.opened_early": _("Portal opened early"),
    "schoolcontrol.period.deleted": _("Closed period removed"),
    "schoolcontrol.period.ended": _("Closed period ended"),
    "schoolcontrol.period.started": _("Closed period started"),
    "schoolcontrol.release.created": _("Release scheduled"),
    "schoolcontrol.release.changed": _("Release changed"),
    "schoolcontrol.release.deleted": _("Release removed"),
    "schoolcontrol.release.took_effect": _("Release took effect"),
    "schoolcontrol.preview.viewed": _("Portal viewed as parent"),
}

FIELDS = {
    "open": _("open for parents"),
    "starts_at": _("closed from"),
    "ends_at": _("open again at"),
    "whole_portal": _("the whole portal"),
    "modules": _("modules"),
    "message": _("message"),
    "school_year": _("school year"),
    "moment": _("test moment"),
    "group": _("group"),
    "release_at": _("visible from"),
    "announce": _("date shown to parents"),
}


def _show(key, value):
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None:
        return _("the whole school") if key == "group" else "—"
    if key == "modules":
        return ", ".join(str(MODULE_LABELS.get(m, m)) for m in value) or "—"
    if key == "moment":
        return Moment(value).label if value in Moment.values else value
    if key in {"starts_at", "ends_at", "release_at"}:
        try:
            moment = timezone.localtime(datetime.fromisoformat(value))
        except (TypeError, ValueError):
            return value
        return formats.date_format(moment, "j F Y, H:i")
    return value


@register.simple_tag
def audit_action_label(event):
    label = ACTIONS.get(event.action, event.action)
    module = event.data.get("module")
    if module:
        return format_html("{}: {}", label, MODULE_LABELS.get(module, module))
    return label


@register.simple_tag
def audit_value(value, event=None):
    if event is not None and event.action == "schoolcontrol.preview.viewed":
        shown = [
            event.data.get("guardian", ""),
            event.data.get("pupil"),
            _show("starts_at", event.data.get("at")),
        ]
        return format_html_join(" · ", "{}", ((part,) for part in shown if part))
    if not isinstance(value, dict):
        return "—" if value is None else value
    return format_html(
        '<dl class="audit-values">{}</dl>',
        format_html_join(
            "",
            "<dt>{}</dt><dd>{}</dd>",
            ((FIELDS.get(k, k), _show(k, v)) for k, v in value.items()),
        ),
    )
