from django.contrib.auth import views as auth_views

from ouderportaal.accounts.forms import LoginForm
from ouderportaal.core.access import public_view


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


login = public_view(LoginView.as_view())
logout = public_view(auth_views.LogoutView.as_view())
