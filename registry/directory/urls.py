"""Two namespaces, as the pages are named in templates: `units:detail` and `members:detail`."""

from django.urls import path

from . import views

units = ([path("<int:pk>/", views.unit_detail, name="detail")], "units")
members = ([path("<int:pk>/", views.member_detail, name="detail")], "members")
