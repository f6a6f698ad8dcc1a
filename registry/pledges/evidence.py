"""What may be attached as evidence: the file's own bytes decide its type, and the name's
extension must agree. An HTML page named photo.jpg is refused."""

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]


JPEG = FileKind("image/jpeg", (".jpg", ".jpeg"))
PNG = FileKind("image/png", (".png",))
WEBP = FileKind("image/webp", (".webp",))
PDF = FileKind("application/pdf", (".pdf",))
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
)
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PPTX = FileKind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",)
)
ODT = FileKind("application/vnd.oasis.opendocument.text", (".odt",))
ODS = FileKind("application/vnd.oasis.opendocument.spreadsheet", (".ods",))
OLE = FileKind("application/msword", (".doc", ".xls", ".ppt"))

ALLOWED_EXTENSIONS = sorted(
    {e for k in (JPEG, PNG, WEBP, PDF, DOCX, XLSX, PPTX, ODT, ODS, OLE) for e in k.extensions}
)


def _sniff_zip(upload) -> FileKind | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return {ODT.content_type: ODT, ODS.content_type: ODS}.get(mimetype)
            if "[Content_Types].xml" in names:
                for prefix, kind in (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX)):
                    if any(n.startswith(prefix) for n in names):
                        return kind
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    return None


def sniff(upload) -> FileKind | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(upload)
    return None


def accepted_list() -> str:
    return ", ".join(e.lstrip(".").upper() for e in ALLOWED_EXTENSIONS)


def limits_text(*, multiple: bool = True, files: int | None = None) -> str:
    """What may be attached, said next to every upload field before anyone is refused
    (`files`: the count allowed where it is not `EVIDENCE_MAX_FILES`)."""
    values = {
        "size": filesizeformat(settings.EVIDENCE_MAX_BYTES),
        "files": files or settings.EVIDENCE_MAX_FILES,
        "list": accepted_list(),
    }
    if multiple:
        return _("Up to %(files)s files, each at most %(size)s. Accepted: %(list)s.") % values
    return _("One file, at most %(size)s. Accepted: %(list)s.") % values


limits_hint = lazy(limits_text, str)


def check_evidence_file(upload) -> FileKind:
    """Raise a ValidationError that names the file and says what is wrong."""
    name = upload.name or ""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; a file may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_big",
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    kind = sniff(upload)
    if kind is None or extension not in kind.extensions:
        raise ValidationError(
            _(
                "“%(name)s” is not an accepted file, or its content does not match its name. "
                "Accepted: photos (JPG, PNG, WEBP), PDF and office documents (%(list)s)."
            )
            % {"name": name, "list": accepted_list()},
            code="type",
        )
    return kind
