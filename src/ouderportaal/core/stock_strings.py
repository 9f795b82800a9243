"""Django's own strings that reach our pages but have no Dutch translation in Django's
catalogue yet: translated in core's catalogue, which comes before Django's.

Marked with gettext_noop so that `scripts/messages core` keeps them;
tests/test_every_page.py finds any other English stock string that reaches a page.
"""

from django.utils.translation import gettext_noop

STOCK_STRINGS = [
    # django.db.models.fields.BLANK_CHOICE_LABEL: the empty choice of a select.
    gettext_noop("- Select an option -"),
]
