from django.urls import path

from . import views

app_name = "commendations"

urlpatterns = [
    path("units/<int:pk>/deeds/", views.register, name="register"),
    path("units/<int:pk>/deeds/new/", views.deed_new, name="deed_new"),
    path("deeds/<int:pk>/edit/", views.deed_edit, name="deed_edit"),
    path("deeds/<int:pk>/praise/", views.deed_praise, name="deed_praise"),
    path("deeds/<int:pk>/evidence/", views.deed_evidence, name="deed_evidence"),
    path("units/<int:pk>/proposals/", views.proposals, name="proposals"),
    path("units/<int:pk>/proposals/new/", views.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path("units/<int:pk>/inbox/", views.inbox, name="inbox"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal_decide"),
]
