"""The parent portal's modules, which a school opens or closes for parents."""

from django.utils.translation import gettext_lazy as _

ALL_MODULES = ("general", "method_tests", "lvs", "change_requests", "appointments")

MODULE_LABELS = {
    "general": _("General data"),
    "method_tests": _("Method tests"),
    "lvs": _("Cito tests (LVS)"),
    "change_requests": _("Change requests"),
    "appointments": _("Appointments"),
}

MODULE_HELP = {
    "general": _("Pupil details, group, teacher and the parents the school knows."),
    "method_tests": _("Results of the tests that come with the teaching methods."),
    "lvs": _("Results of the Cito tests of the pupil monitoring system (leerlingvolgsysteem)."),
    "change_requests": _("Parents pass on changes of address, phone number or e-mail."),
    "appointments": _("Parents make an appointment with the teacher."),
}
