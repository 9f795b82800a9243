"""Synthetic import files of any size, for tests and the import benchmark.

Every name, key and ECK iD is invented and follows a fixed pattern, so the same
arguments always give the same files.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.utils import timezone

from ouderportaal.imports.safeguards import school_year_label

FIRST = ["Sanne", "Daan", "Noor", "Sem", "Emma", "Levi", "Julia", "Finn", "Tess", "Bram"]
SURNAMES = [
    ("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("", "Bakker"), ("", "Visser"),
    ("", "Smit"), ("de", "Boer"), ("", "Mulder"), ("van", "Dijk"), ("", "Bos"),
]  # fmt: skip
GROUPS = [("1A", "1"), ("2A", "2"), ("3/4", "C"), ("5A", "5"), ("6A", "6"), ("7A", "7"),
          ("8A", "8"), ("8B", "8")]  # fmt: skip


def edexml(pupils: int, *, brin="99XX", year=None, rename_every=0) -> bytes:
    """An EDEXML 2.1 file with `pupils` pupils in eight groups and one teacher per group.

    The school year is the current one unless `year` is given. With `rename_every`,
    every n-th pupil gets another roepnaam (to test updates).
    """
    year = year or school_year_label(timezone.localdate())
    brin_hex = brin.encode().hex()
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<EDEX>",
        f"<school><schooljaar>{year}</schooljaar><brincode>{brin}</brincode>"
        "<dependancecode>00</dependancecode><xsdversie>2.1</xsdversie></school>",
        "<groepen>",
    ]
    lines += [
        f'<groep key="G{i}"><naam>{escape(name)}</naam><jaargroep>{jg}</jaargroep></groep>'
        for i, (name, jg) in enumerate(GROUPS)
    ]
    lines.append('<samengestelde_groep key="SG-PLUS"><naam>Plusklas</naam></samengestelde_groep>')
    lines += ["</groepen>", "<leerlingen>"]
    for n in range(pupils):
        group = n % len(GROUPS)
        jaargroep = GROUPS[group][1] if GROUPS[group][1] != "C" else str(3 + n % 2)
        prefix, surname = SURNAMES[n % len(SURNAMES)]
        first = FIRST[(n // 10) % len(FIRST)]
        if rename_every and n % rename_every == 0:
            first += "je"
        composed = (
            '<samengestelde_groepen><samengestelde_groep key="SG-PLUS"/></samengestelde_groepen>'
            if n % 20 == 0
            else ""
        )
        lines.append(
            f'<leerling key="L{n:06d}" eckid="https://ketenid.nl/201703/{brin_hex}{n:056x}">'
            f"<achternaam>{surname}</achternaam>"
            + (f"<voorvoegsel>{prefix}</voorvoegsel>" if prefix else "")
            + f"<roepnaam>{first}</roepnaam>"
            f"<geboortedatum>{2014 + n % 8}-{1 + n % 12:02d}-{1 + n % 28:02d}</geboortedatum>"
            f"<geslacht>{1 + n % 2}</geslacht><jaargroep>{jaargroep}</jaargroep>"
            f'<groep key="G{group}"/>{composed}'
            f"<instroomdatum>2021-08-{1 + n % 28:02d}</instroomdatum></leerling>"
        )
    lines += ["</leerlingen>", "<leerkrachten>"]
    for i in range(len(GROUPS)):
        prefix, surname = SURNAMES[i % len(SURNAMES)]
        lines.append(
            f'<leerkracht key="T{i}"><achternaam>{surname}</achternaam>'
            + (f"<voorvoegsel>{prefix}</voorvoegsel>" if prefix else "")
            + f"<roepnaam>{FIRST[i]}</roepnaam><rol>LRK</rol>"
            f'<groepen><groep key="G{i}"/></groepen></leerkracht>'
        )
    lines += ["</leerkrachten>", "</EDEX>"]
    return "\n".join(lines).encode("utf-8")


def guardians_csv(pupils: int, guardians: int) -> bytes:
    """A guardians CSV with `guardians` guardians for the pupils of `edexml(pupils)`.

    Most pupils get two guardians with gezag; guardians beyond two per pupil get
    informatierecht only, so that the file is valid as a whole.
    """
    rows = [
        "Leerlingkey;Ouderkey;Voorletters;Roepnaam;Voorvoegsel;Achternaam;Relatie;Gezag;"
        "Informatierecht;E-mail;Telefoon mobiel;Telefoon thuis;Straat;Huisnummer;Postcode;"
        "Plaats"
    ]
    for g in range(guardians):
        pupil = g % pupils
        rank = g // pupils
        prefix, surname = SURNAMES[pupil % len(SURNAMES)]
        relation = ("moeder", "vader", "stiefouder", "overig")[min(rank, 3)]
        gezag = "ja" if rank < 2 else "nee"
        first = FIRST[g % len(FIRST)]
        rows.append(
            f"L{pupil:06d};O{g:06d};{first[0]};{first};{prefix};{surname};{relation};{gezag};"
            f"ja;ouder{g}@example.invalid;06-{10000000 + g};;Schoolstraat;{1 + pupil % 200};"
            f"{3500 + pupil % 400} AB;Utrecht"
        )
    return ("\n".join(rows) + "\n").encode("utf-8")
