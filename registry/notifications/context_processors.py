from .services import unread_count


def unread_reminders(request):
    """The unread count in the header: one small indexed query per page."""
    return {"unread_reminders": unread_count(getattr(request, "user", None))}
