app_name = "markets"
urlpatterns: list = []
api_urlpatterns: list = []
