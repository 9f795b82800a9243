app_name = "schoolcontrol"
urlpatterns: list = []
