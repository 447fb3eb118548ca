"""Error pages in Vietnamese; htmx requests get a short message the page shows in its alert area."""
from flask import render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from portal.extensions import db

from .concurrency import EditConflict
from .htmx import is_htmx

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Dữ liệu gửi lên không hợp lệ. Vui lòng kiểm tra lại."),
    401: ("Cần đăng nhập", "Vui lòng đăng nhập để tiếp tục."),
    403: ("Không có quyền truy cập", "Bạn không có quyền xem hoặc thực hiện thao tác này."),
    404: ("Không tìm thấy", "Trang hoặc dữ liệu bạn tìm không tồn tại hoặc đã bị xóa."),
    405: ("Thao tác không được hỗ trợ", "Thao tác này không được hỗ trợ tại địa chỉ này."),
    409: ("Xung đột dữ liệu", EditConflict.message),
    413: ("Tệp quá lớn", "Tệp tải lên vượt quá dung lượng cho phép."),
    500: ("Lỗi hệ thống", "Đã có lỗi xảy ra. Thao tác chưa được lưu. Vui lòng thử lại; "
                          "nếu vẫn lỗi, hãy báo quản trị hệ thống."),
}


def error_response(code: int, message: str | None = None):
    title, default = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    message = message or default
    if is_htmx():
        return render_template("errors/_message.html", title=title, message=message), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register(app):
    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return error_response(400, "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                                   "Vui lòng tải lại trang rồi thử lại.")

    @app.errorhandler(EditConflict)
    def conflict(e):
        db.session.rollback()
        return error_response(409, e.message)

    @app.errorhandler(StaleDataError)
    def lost_race(_e):
        # A versioned UPDATE matched no row: someone saved the record after this request read it.
        # Raised by whichever flush sent it — commit_or_conflict, an explicit flush in a service,
        # or an autoflush inside a later query — so it is answered here, once, as the same 409.
        db.session.rollback()
        return error_response(409, EditConflict.message)

    @app.errorhandler(HTTPException)
    def http_error(e):
        if e.code in (301, 302, 303, 307, 308):
            return e
        # abort(403, "…") carries our own Vietnamese message; werkzeug's defaults are English.
        custom = e.description if e.description != type(e).description else None
        return error_response(e.code or 500, custom)

    @app.errorhandler(Exception)
    def server_error(e):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500)
