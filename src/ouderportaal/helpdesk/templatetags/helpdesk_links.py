from django import template

from ouderportaal.helpdesk.services import parent_schools

register = template.Library()


@register.inclusion_tag("helpdesk/home_links.html", takes_context=True)
def helpdesk_home_links(context):
    """The schools' vision pages and documents on the parent home page, and a notice
    for each school that asks the parent to read its vision (one query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"schools": []}
    return {"schools": list(parent_schools(user))}
