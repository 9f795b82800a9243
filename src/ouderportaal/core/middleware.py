from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Dutch unless the visitor chose English with the language switch.

    The browser's own language is not used: many Dutch parents have a phone set to
    English, and the school's portal speaks Dutch until someone asks otherwise.
    (A logged-in person's account language is applied later, after authentication.)
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
