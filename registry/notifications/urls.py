from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("read-all/undo/", views.mark_all_read_undo, name="read_all_undo"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("<int:pk>/unread/", views.mark_unread, name="unread"),
    path("preferences/", views.preferences, name="preferences"),
]
