"""URL arguments for the help desk: documents and requests of `world.school`."""

from django.core.files.base import ContentFile

from ouderportaal.helpdesk.models import AppointmentRequest, Document, HelpPage

PDF = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


def public_document(world):
    document = Document(
        school=world.school,
        title="Handleiding",
        audience=Document.Audience.PUBLIC,
        extension="pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    document.file.save("handleiding.pdf", ContentFile(PDF), save=False)
    document.save()
    return document


def own_page(world):
    page, _created = HelpPage.objects.get_or_create(
        school=world.school,
        slug="schoolreis",
        language="nl",
        defaults={"title": "Schoolreis", "body": "Tekst"},
    )
    return page


def appointment(world):
    return AppointmentRequest.objects.create(
        school=world.school,
        student=world.child,
        requested_by=world.parent,
        subject="Rekenen",
        preferred_times="dinsdag",
    )


URL_KWARGS = {
    "helpdesk:topic": lambda world: {"topic": "checklist-inloggen"},
    "helpdesk:document": lambda world: {"document": public_document(world).public_id},
    "helpdeskadmin:page_edit": lambda world: {"language": "nl", "topic": own_page(world).slug},
    "helpdeskadmin:page_delete": lambda world: {"language": "nl", "topic": own_page(world).slug},
    "helpdeskadmin:document_edit": lambda world: {"document": public_document(world).public_id},
    "helpdeskadmin:document_delete": lambda world: {"document": public_document(world).public_id},
    "helpdeskadmin:appointment": lambda world: {"appointment": appointment(world).public_id},
}
