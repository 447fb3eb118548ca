from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import selectinload
from sqlalchemy import func, or_, select

from portal.extensions import db
from portal.text import fold
from portal.web.access import public, require
from portal.web.concurrency import check_version, commit_or_conflict, labels_of
from portal.web.forms import EmptyForm
from portal.web.htmx import render
from portal.web.nav import nav
from portal.web.pagination import paginate
from portal.web.params import db_int
from portal.exports import lists as export_lists
from portal.exports.table import export_response, wants_export

from . import roles as R
from . import services, sessions, throttle
from .forms import ChangePasswordForm, LoginForm, ResetPasswordForm, UnitForm, UserForm
from .models import Unit, User

bp = Blueprint("accounts", __name__)

nav("Người dùng", "accounts.users", roles=(R.ADMIN,), order=10, section="admin")
nav("Đơn vị", "accounts.units", roles=R.MANAGERS, order=20, section="admin")


def _safe_next(target: str | None) -> str:
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    return target


@bp.route("/dang-nhap", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        result = services.authenticate(form.username.data, form.password.data)
        user = result.user
        if result.lock is not None:
            form.password.errors.append(
                f"Đăng nhập sai quá nhiều lần{' từ máy này' if result.lock.by_address else ''}: tạm khóa "
                f"đăng nhập, vui lòng thử lại sau {result.lock.minutes} phút.")
        elif user is None:
            form.password.errors.append("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa.")
        else:
            remember = bool(form.remember.data) and sessions.remember_duration().days > 0
            sessions.prune()
            throttle.prune()  # attempts older than 90 days
            sessions.start(user, remember)
            login_user(user, remember=remember, duration=sessions.remember_duration() if remember else None)
            db.session.commit()
            if user.must_change_password:
                flash("Vui lòng đổi mật khẩu trước khi tiếp tục.", "warning")
                return redirect(url_for("accounts.password"))
            flash(f"Xin chào {user.full_name}!", "success")
            return redirect(_safe_next(request.args.get("next")))
    return render("accounts/login.html", form=form), (200 if not form.errors else 422)


@bp.post("/dang-xuat")
@public  # an expired session may still press "Đăng xuất": it must not end on the login page's error
def logout():
    if current_user.is_authenticated:
        services.security_event("logout", current_user.username, current_user)
        sessions.end(current_user.get_id())
        db.session.commit()
    logout_user()
    session.pop("csrf_token", None)
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/tai-khoan/mat-khau", methods=["GET", "POST"])
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append("Mật khẩu hiện tại không đúng.")
        elif form.new.data == form.current.data:
            form.new.errors.append("Mật khẩu mới phải khác mật khẩu hiện tại.")
        else:
            services.reset_password(current_user, form.new.data, must_change=False, by_owner=True)
            db.session.commit()
            flash("Đã đổi mật khẩu. Các phiên đăng nhập trên thiết bị khác đã kết thúc.", "success")
            return redirect(url_for("home.index"))
    return render("accounts/password.html", form=form), (422 if form.errors else 200)


@bp.get("/tai-khoan/phien-dang-nhap")
def my_sessions():
    return render("accounts/sessions.html", rows=sessions.of_user(current_user), current_id=sessions.current_id(),
                  form=EmptyForm())


@bp.post("/tai-khoan/phien-dang-nhap/dang-xuat-thiet-bi-khac")
def end_other_sessions():
    if EmptyForm().validate_on_submit():
        count = sessions.end_others(current_user)
        services.security_event("logout_others", current_user.username, current_user, sessions=count)
        db.session.commit()
        flash(f"Đã đăng xuất khỏi {count} thiết bị khác." if count else "Không có phiên đăng nhập nào khác.",
              "success")
    return redirect(url_for("accounts.my_sessions"), 303)


@bp.post("/tai-khoan/phien-dang-nhap/<int:session_id>/ket-thuc")
def end_session(session_id: int):
    if EmptyForm().validate_on_submit() and session_id != sessions.current_id():
        if sessions.end_one(current_user, session_id):
            services.security_event("logout_other", current_user.username, current_user, session=session_id)
            db.session.commit()
            flash("Đã kết thúc phiên đăng nhập đó.", "success")
    return redirect(url_for("accounts.my_sessions"), 303)


# -- administration of users ---------------------------------------------------------------

@bp.get("/quan-tri/nguoi-dung")
@require(R.ADMIN)
def users():
    q = request.args.get("q", "").strip()
    stmt = select(User).outerjoin(Unit).order_by(User.active.desc(), Unit.position, User.full_name)
    if q:
        # Names are few (a ward has dozens of people): fold in Python for accent-insensitivity.
        ids = [u.id for u in db.session.scalars(select(User))
               if all(w in fold(f"{u.full_name} {u.username} {u.position_title}") for w in fold(q).split())]
        stmt = stmt.where(User.id.in_(ids))
    if wants_export():
        return export_response(export_lists.users(db.session.scalars(stmt)))
    page = paginate(stmt.options(selectinload(User.role_rows)))
    return render("accounts/users.html", "results", page=page, q=q)


def _user_form_save(form: UserForm, user: User | None):
    unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
    fields = dict(full_name=form.full_name.data, email=form.email.data or "", phone=form.phone.data or "",
                  unit=unit, position_title=form.position_title.data or "")
    if user is None:
        user = services.create_user(form.username.data, password=form.password.data,
                                    roles=form.roles.data, must_change_password=True, **fields)
        user.active = form.active.data
        user.salutation = (form.salutation.data if form.salutation.data in ("Ông", "Bà") else "")
    else:
        services.update_user(user, roles=form.roles.data, username=form.username.data.strip().lower(),
                             active=form.active.data, salutation=(form.salutation.data if form.salutation.data in ("Ông", "Bà") else ""), **fields)
        if form.password.data:
            services.reset_password(user, form.password.data)
    return user


@bp.route("/quan-tri/nguoi-dung/moi", methods=["GET", "POST"])
@require(R.ADMIN)
def user_new():
    form = UserForm()
    if form.validate_on_submit():
        user = _user_form_save(form, None)
        db.session.commit()
        flash(f"Đã tạo tài khoản “{user.username}”. Người dùng sẽ phải đổi mật khẩu ở lần đăng nhập đầu.",
              "success")
        return redirect(url_for("accounts.users"))
    return render("accounts/user_form.html", form=form, user=None), (422 if form.errors else 200)


@bp.route("/quan-tri/nguoi-dung/<int:user_id>", methods=["GET", "POST"])
@require(R.ADMIN)
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user, user=user)
    if request.method == "GET":
        form.unit_id.data = user.unit_id or 0
        form.roles.data = sorted(user.roles)
    question = None  # who receives the open work, when "Đang hoạt động" is unticked (see below)
    if form.validate_on_submit():
        check_version(user, form.version.data, labels_of(form, password_hash="Mật khẩu", password_reset="Mật khẩu",
                                                          password_change="Mật khẩu"))
        if user.id == current_user.id and (R.ADMIN not in form.roles.data or not form.active.data):
            form.roles.errors = list(form.roles.errors) + [
                "Bạn không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản của mình."]
        else:
            if user.active and not form.active.data:  # the lock button's question, asked in this form
                question = _hand_over_before_deactivating(user)
            if question is None:
                _user_form_save(form, user)
                commit_or_conflict(unique_clash=True)
                flash(f"Đã lưu tài khoản “{user.username}”.", "success")
                return redirect(url_for("accounts.users"))
    from portal.audit.queries import history_for

    return render("accounts/user_form.html", form=form, user=user, reset_form=ResetPasswordForm(),
                  history=history_for(user), handover=question, status=422 if form.errors or question else 200)


@bp.post("/quan-tri/nguoi-dung/<int:user_id>/dat-lai-mat-khau")
@require(R.ADMIN)
def user_reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ResetPasswordForm()
    form.password_owner = user
    if form.validate_on_submit():
        services.reset_password(user, form.password.data, must_change=True)
        db.session.commit()
        flash(f"Đã đặt lại mật khẩu cho “{user.username}”. Người dùng phải đổi mật khẩu khi đăng nhập.",
              "success")
    else:
        for message in form.password.errors:
            flash(message, "error")
    return redirect(url_for("accounts.user_edit", user_id=user.id))


def _hand_over_before_deactivating(user: User) -> dict | None:
    """Deactivating an account (the lock button, or unticking "Đang hoạt động" on the edit form):
    the person's open work (unsent reports, open remedies) goes to someone first, with their
    current assignments. With a receiver named in the request (`nhan_ban_giao`) the work is handed
    over and None returned, as it is when there is no open work; otherwise the question to ask:
    the work, the people who may receive it, and the status (422 when the receiver sent was not
    acceptable)."""
    from portal.rounds.responsibility import move_open_work, open_work

    work = open_work(user)
    if work.empty:
        return None
    target_id = request.form.get("nhan_ban_giao", type=db_int)
    target = db.session.get(User, target_id) if target_id else None
    if target is None or not target.active or target.id == user.id:
        people = db.session.scalars(select(User).where(User.active, User.id != user.id)
                                    .order_by(User.full_name)).all()
        return {"work": work, "people": people, "status": 200 if target_id is None else 422}
    from portal.assignments.services import handover

    handover(user, target, "Khóa tài khoản, bàn giao công việc")
    move_open_work(user, target, reason="Khóa tài khoản, bàn giao công việc")
    return None


@bp.post("/quan-tri/nguoi-dung/<int:user_id>/khoa")
@require(R.ADMIN)
def user_toggle_active(user_id: int):
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        flash("Biểu mẫu không hợp lệ, vui lòng thử lại.", "error")
    elif user.id == current_user.id:
        flash("Bạn không thể tự khóa tài khoản của mình.", "error")
    else:
        if request.form.get("version"):  # the list page sends it: a stale click must not undo another's
            check_version(user, request.form["version"], {"active": "Trạng thái hoạt động"})
        if user.active:  # open work of a leaver goes to someone first (asked on a page of its own)
            question = _hand_over_before_deactivating(user)
            if question is not None:
                return render("accounts/deactivate.html", user=user, form=EmptyForm(), **question)
        user.active = not user.active
        if not user.active:
            sessions.end_all(user)
        db.session.commit()
        flash(f"Đã {'mở khóa' if user.active else 'khóa'} tài khoản “{user.username}”.", "success")
    return redirect(url_for("accounts.users"))


# -- units ------------------------------------------------------------------------------------

@bp.get("/quan-tri/don-vi")
@require(*R.MANAGERS)
def units():
    rows = db.session.execute(
        select(Unit, func.count(User.id)).outerjoin(User, (User.unit_id == Unit.id) & User.active)
        .group_by(Unit.id).order_by(Unit.position, Unit.name)
    ).all()
    if wants_export():
        return export_response(export_lists.units(rows))
    return render("accounts/units.html", rows=rows)


@bp.route("/quan-tri/don-vi/moi", methods=["GET", "POST"])
@bp.route("/quan-tri/don-vi/<int:unit_id>", methods=["GET", "POST"])
@require(*R.MANAGERS)
def unit_edit(unit_id: int | None = None):
    unit = db.get_or_404(Unit, unit_id) if unit_id else None
    form = UnitForm(obj=unit, unit=unit)
    if form.validate_on_submit():
        if unit is None:
            unit = Unit(name="")
            db.session.add(unit)
        else:
            check_version(unit, form.version.data, labels_of(form))
        unit.name = form.name.data.strip()
        unit.short_name = (form.short_name.data or "").strip()
        unit.kind = form.kind.data
        unit.position = int(form.position.data or 0)
        unit.active = form.active.data
        commit_or_conflict(unique_clash=True)
        flash(f"Đã lưu đơn vị “{unit.name}”.", "success")
        return redirect(url_for("accounts.units"))
    members = unit.members if unit else []
    return render("accounts/unit_form.html", form=form, unit=unit, members=members), (
        422 if form.errors else 200)
