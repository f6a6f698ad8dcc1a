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
    path("<int:pk>/meetings/", views.meetings, name="meetings"),
    path("<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<int:pk>/checks/", views.checks, name="checks"),
    path("<int:pk>/checks/new/", views.check_new, name="check_new"),
    path("<int:pk>/roster/add/", views.roster_add, name="roster_add"),
    path("<int:pk>/roster/receive/", views.roster_receive, name="roster_receive"),
    path("<int:pk>/roster/<int:member_pk>/", views.roster_member, name="roster_member"),
    path("transfers/<int:transfer_pk>/", views.transfer_decide, name="transfer_decide"),
    path("plans/<int:plan_pk>/review/", views.plan_review, name="plan_review"),
    path("reports/<int:report_pk>/review/", views.report_review, name="report_review"),
]
