"""URL arguments for the import pages: a previewed import of the world's school."""

from ouderportaal.imports.models import ImportRun


def _run(world) -> ImportRun:
    run = ImportRun.objects.filter(school=world.school).first()
    if run is None:
        run = ImportRun.objects.create(
            school=world.school,
            kind=ImportRun.Kind.EDEXML,
            source=ImportRun.Source.WEB,
            file_name="leerlingen.xml",
            counts={"objects": {}, "changes": 0, "errors": 0, "skipped": 0, "warnings": 0},
        )
    return run


URL_KWARGS = {
    "imports:run": lambda world: {"run": _run(world).pk},
    "imports:confirm": lambda world: {"run": _run(world).pk},
    "imports:cancel": lambda world: {"run": _run(world).pk},
}
