from kaohe.ballots import evaluation_urls, ratings_urls, surveys_urls

app_name = "ballots"

# each area adds its pages
urlpatterns: list = [
    *evaluation_urls.urlpatterns,
    *surveys_urls.urlpatterns,
    *ratings_urls.urlpatterns,
]
