"""Plain-language explanations of the words on the results pages.

Each term has a short explanation that pages show one tap away (a <details> element)
and that the glossary page lists in full.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Term:
    key: str
    label: object
    text: object


TERMS = [
    Term(
        "methodetoets",
        _("Method test (methodetoets)"),
        _(
            # xgettext:no-python-format
            "A test that belongs to the school's teaching method, taken after a block or "
            "chapter. It shows whether your child has learned that material. Many schools "
            "use 80% correct as the norm for 'mastered'."
        ),
    ),
    Term(
        "beheerst",
        _("Mastered (beheerst)"),
        _(
            # xgettext:no-python-format
            "Your child reached the norm the school set for this test, for example 80% "
            "correct. 'Not yet mastered' means the material needs more practice; it is not "
            "a grade for your child."
        ),
    ),
    Term(
        "cito",
        _("Cito test (LVS test)"),
        _(
            "A national test that is not tied to a teaching method, usually taken in "
            "January/February (M, middle of the year) and May/June (E, end of the year). It "
            "compares your child with children in the same groep across the country."
        ),
    ),
    Term(
        "vaardigheidsscore",
        _("Vaardigheidsscore (ability score)"),
        _(
            "A number on one scale that keeps growing through the years, so you can see "
            "growth. Higher means more skilful. Only compare scores of the same subject and "
            "the same test version (the same scale code)."
        ),
    ),
    Term(
        "score-interval",
        _("Score interval"),
        _(
            "The margin around a score. A test is a snapshot, so your child's 'true' score "
            "probably lies within this band. In the chart it is the vertical bar around "
            "each point."
        ),
    ),
    Term(
        "niveau-i-v",
        _("Level I to V"),
        _(
            "Your child's position among all Dutch children in the same groep, in five "
            "groups of 20%. I is the highest 20%, III is average and V the lowest 20%. It "
            "is not a grade: it does not say good or insufficient."
        ),
    ),
    Term(
        "niveau-a-e",
        _("Level A to E"),
        _(
            "An older scheme: A is the highest 25%, then B 25%, C 25%, D 15% and E the "
            "lowest 10%. The national average lies between B and C, so C is just below "
            "average."
        ),
    ),
    Term(
        "percentiel",
        _("Percentile"),
        _(
            "The percentage of children in the same groep nationwide who scored lower. "
            "Percentile 60 means that 60 out of 100 children scored lower."
        ),
    ),
    Term(
        "functioneringsniveau",
        _("Functioneringsniveau (working level)"),
        _(
            "The moment at which an average child has this score. 'M4' means: the level of "
            "an average child in the middle of groep 4. '<M3' means below the level of the "
            "middle of groep 3."
        ),
    ),
    Term(
        "dl-dle",
        _("DL and DLE"),
        _(
            "DL (didactische leeftijd) counts the months of education since the start of "
            "groep 3, ten per school year. DLE is the number of months an average child "
            "needs to reach your child's score. DLE equal to DL means on track; lower means "
            "behind, higher means ahead."
        ),
    ),
    Term(
        "referentieniveau",
        _("Referentieniveau (reference level)"),
        _(
            "National goals for language and arithmetic at the end of primary school. 1F is "
            "the basic level most children must reach. The target level is 2F for language "
            "and 1S for arithmetic."
        ),
    ),
    Term(
        "avi",
        _("AVI level"),
        _(
            "Reading level for texts: how fluently and accurately your child reads aloud "
            "(technical reading, not understanding). 'E4' is the level of an average child "
            "at the end of groep 4. The levels run from AVI-Start via M3 to E7 and AVI-Plus."
        ),
    ),
    Term(
        "dmt",
        _("DMT (three-minute test)"),
        _(
            "Drie-Minuten-Toets: how many words your child reads correctly in one minute, "
            "on three cards."
        ),
    ),
    Term(
        "moment",
        _("Moments M, E and B"),
        _(
            "M is the middle of the school year (January/February), E the end (May/June). "
            "In groep 8, B8 is the beginning of the year. M5 therefore means: the test of "
            "the middle of groep 5."
        ),
    ),
    Term(
        "bij-de-les",
        _("In class now (Bij de les)"),
        _(
            "What your child's groep is working on in this period, per subject, as the "
            "school describes it. It helps you talk with your child about school."
        ),
    ),
]

TERMS_BY_KEY = {term.key: term for term in TERMS}
