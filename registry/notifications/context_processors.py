from .services import unread_count


def unread_reminders(request):
    """The unread count in the header: read with the signed-in user (`signin.signed_in`,
    `also_read`) when the request only reads; counted afresh after a change (a form sent)
    or for a user read another way."""
    user = getattr(request, "user", None)
    kept = getattr(user, "unread_reminders", None)
    if kept is not None and request.method in ("GET", "HEAD"):
        return {"unread_reminders": kept}
    return {"unread_reminders": unread_count(user)}
