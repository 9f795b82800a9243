"""The help desk's demo step and the hand-written PDF."""

import random
import re

from ouderportaal.helpdesk.demo import build_demo
from ouderportaal.helpdesk.models import Document, SchoolRules
from ouderportaal.helpdesk.pdf import simple_pdf
from ouderportaal.helpdesk.uploads import detect_kind


def test_pdf_is_well_formed():
    pdf = simple_pdf([["Kop één", "Tekst (met haakjes)"], ["Tweede"]], title="Test")
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    start = int(re.search(rb"startxref\n(\d+)", pdf).group(1))
    assert pdf[start:].startswith(b"xref")
    offsets = [int(o) for o in re.findall(rb"(\d{10}) 00000 n", pdf)]
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(b"%d 0 obj" % number)
    assert b"/Count 2" in pdf
    assert "Kop één".encode("cp1252") in pdf
    assert b"\\(met haakjes\\)" in pdf


def test_demo_adds_documents_and_the_rules_of_de_ark(world, client):
    build_demo([world.school, world.other_school], random.Random(1))
    assert Document.objects.filter(school=world.school).count() == 2
    manual = Document.objects.get(school=world.school, title="Handleiding ouderportaal")
    assert manual.is_public
    with manual.file.open("rb") as handle:
        assert detect_kind(handle).extension == "pdf"
    rules = SchoolRules.objects.get()
    assert rules.school == world.school and rules.ask_to_read
    content = client.get("/hulp/de-ark/visie/").content.decode()
    assert "medezeggenschapsraad" in content
