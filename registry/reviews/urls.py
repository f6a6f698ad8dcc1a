from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("", views.review_list, name="list"),
    path("term/<int:unit_pk>/new/", views.term_new, name="term_new"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/refresh/", views.review_refresh, name="refresh"),
    path("<int:pk>/preview.pdf", views.review_preview, name="preview"),
    path("<int:pk>/issue/", views.review_issue, name="issue"),
    path("<int:pk>/replace/", views.review_replace, name="replace"),
    path("<int:pk>/export/", views.export_again, name="export"),
    path("exports/<int:pk>/", views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views.export_download, name="download"),
]
