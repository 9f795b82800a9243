"""`{% submission_token %}`: the hidden field that makes a form count once (core.submissions)."""

from django import template
from django.utils.html import format_html

from ouderportaal.core.submissions import FIELD_NAME, new_token

register = template.Library()


@register.simple_tag
def submission_token():
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD_NAME, new_token())
