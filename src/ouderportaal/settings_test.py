"""Settings for the test suite: the real settings with fast, local parts swapped in."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("DJANGO_ADMIN_ENABLED", "true")
os.environ.setdefault("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")

from ouderportaal.settings import *  # noqa: E402, F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Kept results pages of this run only (the real cache on disk, in a folder of its own).
CACHES["pages"]["LOCATION"] = tempfile.mkdtemp(prefix="ouderportaal-pages-")  # noqa: F405
atexit.register(shutil.rmtree, CACHES["pages"]["LOCATION"], ignore_errors=True)  # noqa: F405
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Tests serve static files through Django itself; no collected files are needed.
MIDDLEWARE = [m for m in MIDDLEWARE if "whitenoise" not in m]  # noqa: F405
# The test client's address, as a production install sets its own (links, passkeys).
PORTAL_URL = "http://testserver"
