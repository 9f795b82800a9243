from django.conf import settings
from django.urls import path

from ouderportaal.accounts import passkey_views, views

app_name = "accounts"
urlpatterns = [
    path("inloggen/", views.login, name="login"),
    path("uitloggen/", views.logout, name="logout"),
    path("inloggen/code/", views.login_code, name="login_code"),
    path("inloggen/tweestaps-instellen/", views.login_totp_setup, name="login_totp_setup"),
    path("wachtwoord-instellen/<uidb64>/<token>/", views.set_password, name="set_password"),
    path("wachtwoord-vergeten/", views.forgot_password, name="forgot_password"),
    path(
        "wachtwoord-vergeten/verstuurd/",
        views.forgot_password_sent,
        name="forgot_password_sent",
    ),
    path("gebruikersnaam-vergeten/", views.forgot_username, name="forgot_username"),
    path(
        "gebruikersnaam-vergeten/verstuurd/",
        views.forgot_username_sent,
        name="forgot_username_sent",
    ),
    path("profiel/", views.profile, name="profile"),
    path("profiel/e-mailadres/", views.email_change, name="email_change"),
    path("e-mailadres-bevestigen/<str:token>/", views.recovery_confirm, name="recovery_confirm"),
    path("wachtwoord-wijzigen/", views.password_change, name="password_change"),
    path("tweestaps/", views.totp_setup, name="totp_setup"),
    path("tweestaps/uitzetten/", views.totp_disable, name="totp_disable"),
    path("inloggen/passkey/opties/", passkey_views.login_options, name="passkey_login_options"),
    path("inloggen/passkey/", passkey_views.login, name="passkey_login"),
    path("passkeys/", passkey_views.manage, name="passkeys"),
    path("passkeys/opties/", passkey_views.add_options, name="passkey_add_options"),
    path("passkeys/toevoegen/", passkey_views.add, name="passkey_add"),
    path("passkeys/<int:passkey>/verwijderen/", passkey_views.remove, name="passkey_remove"),
]

# The demo mailbox exists only in a DEBUG run; in production the address is unknown.
if settings.DEBUG:
    urlpatterns += [
        path("demo-post/", views.outbox, name="outbox"),
        path("demo-post/<str:name>/", views.outbox_message, name="outbox_message"),
    ]
