app_name = "changerequests"
urlpatterns: list = []
