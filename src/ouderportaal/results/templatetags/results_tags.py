from django import template

from ouderportaal.results.glossary import TERMS_BY_KEY

register = template.Library()


@register.inclusion_tag("results/explain.html")
def explain(key, label=None):
    """A term with its explanation one tap away (works without JavaScript)."""
    term = TERMS_BY_KEY[key]
    return {"term": term, "label": label or term.label}


@register.filter
def nl_number(value):
    """Format a decimal the Dutch way without trailing zeros: 7.50 -> 7,5; 121.0 -> 121."""
    if value is None or value == "":
        return "—"
    text = f"{value:f}" if hasattr(value, "as_tuple") else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")
