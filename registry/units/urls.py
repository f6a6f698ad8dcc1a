from django.urls import path

from . import views

app_name = "units"
urlpatterns = [path("<int:pk>/", views.unit_detail, name="detail")]
