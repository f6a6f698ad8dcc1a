"""Serving a stored file (a report's evidence, a rendered PDF, an export): the one way.

Every download view hands its `FieldFile` here once it has checked who may see it. A file the
storage has lost (deleted by hand, a volume not restored) answers 404, the site's Vietnamese
page, never a 500. The answer is private and never cached, the browser may not guess another
type, a file opened in place runs nothing, and the name offered keeps its Vietnamese letters
(RFC 6266 `filename*`) without anything that could break the header or point at a folder."""

import os
import unicodedata

from django.http import FileResponse, Http404

# Letters that may not stand in a file name offered to a browser: folder separators (a
# document's number has them: "Báo cáo 12-BC/CB") and the characters Windows refuses.
_UNSAFE = str.maketrans({"/": "-", "\\": "-"} | {c: "_" for c in ':*?"<>|'})
NAME_LIMIT = 150


def safe_filename(name: str, *, default: str = "tep") -> str:
    """A file name fit for Content-Disposition: NFC, no control character, no folder (its
    separators become dashes), no character a desktop refuses, at most `NAME_LIMIT` characters
    (the extension kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = name.translate(_UNSAFE).strip(" .-")
    if not name:
        return default
    if len(name) > NAME_LIMIT:
        stem, ext = os.path.splitext(name)
        ext = ext[:16]
        name = stem[: NAME_LIMIT - len(ext)].rstrip(" .") + ext
    return name


def serve_stored(
    field_file,
    *,
    filename: str | None = None,
    content_type: str,
    as_attachment: bool = True,
) -> FileResponse:
    """The stored file as a download; 404 when there is none or the storage has lost it."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=as_attachment,
        filename=safe_filename(filename or os.path.basename(field_file.name)),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # A file opened in the browser (an uploaded picture, say) runs no script, reaches nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
