"""Queries shared by the help desk views: topics, search, rules, documents, access."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from ouderportaal.core.access import active_memberships, visible_students
from ouderportaal.core.models import School
from ouderportaal.core.schoolcache import school_data
from ouderportaal.helpdesk.defaults import Topic, default_rules, default_topics
from ouderportaal.helpdesk.formatting import plain_text, sanitize
from ouderportaal.helpdesk.models import Document, HelpPage, RulesAcknowledgement, SchoolRules


def page_language(language: str) -> str:
    return "en" if (language or "").startswith("en") else "nl"


def topics_for(school: School, language: str) -> list[Topic]:
    """The school's help topics in a language: its own pages, then the built-in ones
    it has not replaced."""
    language = page_language(language)
    own = [
        Topic(p.slug, p.title, sanitize(p.body_html), p.order, language, False, p.body)
        for p in HelpPage.objects.filter(school=school, language=language)
    ]
    replaced = {topic.slug for topic in own}
    merged = own + [t for t in default_topics(school, language) if t.slug not in replaced]
    return sorted(merged, key=lambda t: (t.order, t.title.casefold()))


def find_topic(school: School, slug: str, language: str) -> Topic | None:
    return next((t for t in topics_for(school, language) if t.slug == slug), None)


def search_topics(school: School, language: str, query: str) -> list[Topic]:
    """Topics whose title or text contains every word of the query, in any case."""
    words = [w.casefold() for w in query.split()]
    if not words:
        return []
    found = []
    for topic in topics_for(school, language):
        haystack = f"{topic.title} {plain_text(topic.body_html)}".casefold()
        if all(word in haystack for word in words):
            found.append(topic)
    return found


def rules_for(school: School, language: str) -> tuple[str, str, SchoolRules | None]:
    """(title, sanitised html, the school's own rules or None for the built-in text)."""
    own = SchoolRules.objects.filter(school=school).first()
    if own is not None:
        return own.title, sanitize(own.body_html), own
    from ouderportaal.helpdesk.formatting import render_text

    title, text = default_rules(school, page_language(language))
    return title, render_text(text), None


def is_parent_at(user, school: School) -> bool:
    """A parent with a visible child (gezag, enrolled) at the school."""
    return visible_students(user).filter(school=school).exists()


def is_staff_at(user, school: School) -> bool:
    return active_memberships(user).filter(school=school).exists()


def documents_for(user, school: School) -> QuerySet[Document]:
    """Public documents for everyone; the parents' documents only for parents with a
    visible child at this school and for the school's own staff."""
    documents = Document.objects.filter(school=school)
    if is_parent_at(user, school) or is_staff_at(user, school):
        return documents
    return documents.filter(audience=Document.Audience.PUBLIC)


def with_rules_read(children: QuerySet, user) -> QuerySet:
    """A parent's children, each with `rules_read`: whether the parent has marked the
    vision of the child's school as read (for the home page, in the children's query)."""
    return children.annotate(
        rules_read=Exists(
            RulesAcknowledgement.objects.filter(school=OuterRef("school_id"), user=user)
        )
    )


def _asks_to_read(school) -> bool:
    return SchoolRules.objects.filter(school=school, ask_to_read=True).exists()


def asks_to_read(school) -> bool:
    """Whether the school asks parents to read its vision (kept per school version)."""
    return school_data(school, "helpdesk.asks_to_read", _asks_to_read)


def home_schools(children) -> list[dict]:
    """The schools of the children on a parent's home page (from `with_rules_read`),
    each with whether it still asks this parent to read its vision."""
    schools = {}
    for child in children:
        entry = schools.setdefault(child.school_id, {"school": child.school, "ask": False})
        if not child.rules_read and asks_to_read(child.school):
            entry["ask"] = True
    return sorted(schools.values(), key=lambda entry: entry["school"].name)
