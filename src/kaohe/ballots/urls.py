from kaohe.ballots import evaluation_urls

app_name = "ballots"

# each area adds its pages
urlpatterns: list = [*evaluation_urls.urlpatterns]
