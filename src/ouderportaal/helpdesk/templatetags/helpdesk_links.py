from django import template

from ouderportaal.helpdesk.services import home_schools

register = template.Library()


@register.inclusion_tag("helpdesk/home_links.html")
def helpdesk_home_links(children):
    """The schools' vision pages and documents on the parent home page, and a notice
    for each school that asks the parent to read its vision. `children` come from the
    home page's query with `helpdesk.services.with_rules_read` (no query of its own)."""
    return {"schools": home_schools(children)}
