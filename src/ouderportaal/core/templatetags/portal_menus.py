from django import template
from django.urls import reverse

from ouderportaal.core.access import ROLE_FIELDS
from ouderportaal.core.navigation import BACKOFFICE_MENU, backoffice_sections, child_tabs_for

register = template.Library()


@register.inclusion_tag("core/child_tabs.html", takes_context=True)
def child_tabs(context, student, current):
    tabs = [
        {
            "key": entry.key,
            "label": entry.label,
            "url": reverse(entry.url_name, kwargs={"student": student.public_id}),
        }
        for entry in child_tabs_for(student.school)
    ]
    return {"tabs": tabs, "current": current, "student": student}


@register.inclusion_tag("core/backoffice_menu.html", takes_context=True)
def backoffice_menu(context, membership, current=""):
    entries = [
        entry
        for entry in BACKOFFICE_MENU
        if not entry.roles or any(getattr(membership, ROLE_FIELDS[r]) for r in entry.roles)
    ]
    sections = [
        {
            "key": section,
            "label": label,
            "current": any(entry.key == current for entry in members),
            "items": [
                {
                    "key": entry.key,
                    "label": entry.label,
                    "url": reverse(entry.url_name, kwargs={"school": membership.school.slug}),
                }
                for entry in members
            ],
        }
        for section, label, members in backoffice_sections(entries)
    ]
    return {"sections": sections, "current": current}
