"""Evidence storage has no pages of its own: each area serves its files after checking access
to the object they belong to (see services.send_stored_file). This blueprint only adds the
upload widget's rules to templates and a clear answer when a request is too large."""
from flask import Blueprint, current_app

from portal.web.errors import error_response

from . import services

bp = Blueprint("evidence", __name__)


@bp.app_template_global("can_preview")
@bp.app_template_test("previewable")
def can_preview(stored_file) -> bool:
    from .preview import can_preview as _can

    return _can(stored_file)


@bp.app_template_global("upload_rules")
def upload_rules() -> dict:
    return services.upload_rules()


@bp.app_errorhandler(413)
def too_large(_e):
    # The request as a whole passed MAX_CONTENT_LENGTH; werkzeug refuses it before any view
    # runs, so say here what the limits are (an htmx upload shows this in its error toast).
    cap = services.human_size(int(current_app.config.get("MAX_CONTENT_LENGTH") or 0))
    try:
        per_file = services.max_file_mb()
    except Exception:  # the limits are a courtesy; never turn a 413 into a 500
        per_file = None
    message = f"Dữ liệu tải lên vượt quá {cap} cho một lần gửi."
    if per_file:
        message += f" Mỗi tệp tối đa {per_file} MB."
    message += " Hãy nén, giảm độ phân giải hoặc chia nhỏ tệp rồi tải lại từng phần."
    return error_response(413, message)
