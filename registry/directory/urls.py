"""Two namespaces, as the pages are named in templates: `units:detail` (and the committee's
roll-up, `units:rollup`) and `members:detail`."""

from django.urls import path

from . import views

units = (
    [
        path("<int:pk>/", views.unit_detail, name="detail"),
        path("<int:pk>/rollup/", views.rollup, name="rollup"),
    ],
    "units",
)
members = ([path("<int:pk>/", views.member_detail, name="detail")], "members")
