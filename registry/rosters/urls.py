from django.urls import path

from . import views

app_name = "rosters"
urlpatterns = [
    path("units/<int:unit_pk>/", views.start, name="start"),
    path("units/<int:unit_pk>/template.<str:fmt>", views.template, name="template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/report.<str:fmt>", views.report, name="report"),
]
