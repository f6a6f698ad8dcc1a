from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/download/", views.download, name="download"),
    path("library/", views.export_table, {"what": "library"}, name="library"),
    path("<slug:what>/<int:pk>/", views.export_table, name="table"),
]
