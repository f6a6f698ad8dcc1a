from django.urls import path

from . import views

app_name = "cells"
urlpatterns = [
    path("<int:pk>/", views.dashboard, name="dashboard"),
    path("<int:pk>/list/<slug:what>/", views.cell_list, name="list"),
    path("<int:pk>/bulk-approve/", views.bulk_approve, name="bulk_approve"),
    path("<int:pk>/late/<int:member_pk>/", views.late_registration, name="late_registration"),
    path("<int:pk>/ratings/", views.ratings, name="ratings"),
    path("<int:pk>/ratings/<int:member_pk>/", views.rating_edit, name="rating_edit"),
    path("<int:pk>/ratings/decide/", views.rating_decide, name="rating_decide"),
    path("<int:pk>/meetings/", views.meetings, name="meetings"),
    path("<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<int:pk>/checks/", views.checks, name="checks"),
    path("<int:pk>/checks/new/", views.check_new, name="check_new"),
    path("<int:pk>/checks/list.pdf", views.checks_pdf, name="checks_pdf"),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/minutes.pdf",
        views.meeting_minutes,
        name="meeting_minutes",
    ),
    path("<int:pk>/registers/", views.registers, name="registers"),
    path("<int:pk>/roster.pdf", views.roster_pdf, name="roster_pdf"),
    path("books/<int:book_pk>/", views.book_status, name="book_status"),
    path("books/<int:book_pk>/retry/", views.book_retry, name="book_retry"),
    path("books/<int:book_pk>/download/", views.book_download, name="book_download"),
    path("<int:pk>/roster/add/", views.roster_add, name="roster_add"),
    path("<int:pk>/roster/receive/", views.roster_receive, name="roster_receive"),
    path("<int:pk>/roster/<int:member_pk>/", views.roster_member, name="roster_member"),
    path("transfers/<int:transfer_pk>/", views.transfer_decide, name="transfer_decide"),
    path("plans/<int:plan_pk>/review/", views.plan_review, name="plan_review"),
    path("reports/<int:report_pk>/review/", views.report_review, name="report_review"),
]
