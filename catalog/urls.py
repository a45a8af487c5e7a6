app_name = "catalog"
urlpatterns: list = []
api_urlpatterns: list = []
