from django.urls import path

from . import views

app_name = "pledges"
urlpatterns = [
    path("", views.my_plan, name="my_plan"),
    path("year/<int:year>/", views.my_plan, name="my_plan_year"),
    path("start/", views.plan_start, name="start"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/autosave/", views.plan_autosave, name="autosave"),
    path("<int:pk>/submit/", views.plan_submit, name="submit"),
    path("<int:pk>/amend/", views.plan_amend, name="amend"),
    path("<int:pk>/pdf/", views.plan_pdf, name="pdf"),
    path("<int:pk>/items/<int:item_pk>/q<int:quarter>/", views.report_edit, name="report"),
    path("<int:pk>/self-assessment/", views.self_assessment, name="self_assessment"),
    path("<int:pk>/self-assessment/pdf/", views.self_assessment_pdf, name="self_assessment_pdf"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("comments/<int:pk>/withdraw/", views.comment_withdraw, name="comment_withdraw"),
    path("board/", views.board, name="board"),
    path("board/<int:cell_pk>/<int:year>/", views.board, name="board_cell"),
]
