"""Pages of the collection app shared by its areas (evidence download)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from kaohe.collection.evidence import CONTENT_TYPES, attachments_for_user, stored_path
from kaohe.collection.models import FileKind
from kaohe.core.roles import Action, require


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, to a reader the selector allows (another unit's: 404), always as a
    download with a safe file name (Django encodes it per RFC 6266/5987)."""
    require(request.user, Action.REPORT_VIEW)
    attachment = get_object_or_404(attachments_for_user(request.user), pk=pk)
    path = stored_path(attachment)
    if not path.is_file():
        raise Http404
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=CONTENT_TYPES[FileKind(attachment.kind)],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
