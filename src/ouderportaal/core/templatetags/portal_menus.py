from django import template
from django.urls import reverse

from ouderportaal.core.access import ROLE_FIELDS
from ouderportaal.core.navigation import BACKOFFICE_MENU, CHILD_TABS
from ouderportaal.schoolcontrol.gates import visible_modules

register = template.Library()


@register.inclusion_tag("core/child_tabs.html", takes_context=True)
def child_tabs(context, student, current):
    open_modules = visible_modules(student.school)
    tabs = [
        {
            "key": entry.key,
            "label": entry.label,
            "url": reverse(entry.url_name, kwargs={"student": student.public_id}),
        }
        for entry in CHILD_TABS
        if entry.module is None or entry.module in open_modules
    ]
    return {"tabs": tabs, "current": current, "student": student}


@register.inclusion_tag("core/backoffice_menu.html", takes_context=True)
def backoffice_menu(context, membership, current=""):
    items = [
        {
            "key": entry.key,
            "label": entry.label,
            "url": reverse(entry.url_name, kwargs={"school": membership.school.slug}),
        }
        for entry in BACKOFFICE_MENU
        if not entry.roles or any(getattr(membership, ROLE_FIELDS[r]) for r in entry.roles)
    ]
    return {"items": items, "current": current}
