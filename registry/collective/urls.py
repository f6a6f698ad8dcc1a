from django.urls import path

from . import views

app_name = "collective"
urlpatterns = [
    path("unit/<int:unit_pk>/<int:year>/", views.registration_page, name="unit"),
    path("unit/<int:unit_pk>/<int:year>/start/", views.registration_start, name="start"),
    path("waiting/<int:unit_pk>/", views.waiting, name="waiting"),
    path("<int:pk>/edit/", views.registration_edit, name="edit"),
    path("<int:pk>/submit/", views.registration_submit, name="submit"),
    path("<int:pk>/amend/", views.registration_amend, name="amend"),
    path("<int:pk>/decide/", views.registration_decide, name="decide"),
    path("<int:pk>/pdf/", views.registration_pdf, name="pdf"),
    path("<int:pk>/file/", views.plan_file, name="plan_file"),
    path(
        "<int:pk>/contents/<int:content_pk>/q<int:quarter>/", views.progress_edit, name="progress"
    ),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
