from django.urls import path

from . import views

app_name = "practices"
urlpatterns = [
    path("", views.library, name="library"),
    path("<int:pk>/", views.practice_detail, name="detail"),
    path("<int:pk>/edit/", views.practice_edit, name="edit"),
    path("<int:pk>/withdraw/", views.practice_withdraw, name="withdraw"),
    path("<int:pk>/decide/", views.practice_decide, name="decide"),
    path("<int:pk>/adopt/", views.practice_adopt, name="adopt"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("units/<int:unit_pk>/", views.unit_practices, name="unit"),
    path("units/<int:unit_pk>/propose/", views.practice_propose, name="propose"),
    path("units/<int:unit_pk>/booklet/", views.booklet_new, name="booklet_new"),
    path("booklets/<int:pk>/", views.booklet_status, name="booklet_status"),
    path("booklets/<int:pk>/retry/", views.booklet_retry, name="booklet_retry"),
    path("booklets/<int:pk>/download/", views.booklet_download, name="booklet_download"),
]
