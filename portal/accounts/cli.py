import click
from flask.cli import AppGroup

from portal.extensions import db

from . import roles as R
from . import services
from .password_policy import current_problems

user_cli = AppGroup("user", help="Quản lý tài khoản người dùng.")


@user_cli.command("create")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Họ và tên")
@click.option("--role", "roles", multiple=True, type=click.Choice(R.ALL), help="Vai trò (lặp lại được)")
@click.option("--unit", "unit_name", default="", help="Tên đơn vị")
@click.option("--position", default="", help="Chức vụ")
@click.option("--email", default="")
@click.password_option("--password", help="Mật khẩu (ít nhất 8 ký tự, không dễ đoán)")
def create(username, full_name, roles, unit_name, position, email, password):
    """Tạo tài khoản người dùng."""
    if services.find_user(username):
        raise click.ClickException(f"Tên đăng nhập “{username}” đã tồn tại.")
    for problem in current_problems(password, username):
        raise click.ClickException(problem)
    unit = None
    if unit_name:
        unit = services.unit_by_name(unit_name)
        if unit is None:
            raise click.ClickException(f"Không có đơn vị “{unit_name}”.")
    user = services.create_user(username, full_name, password, roles=roles or (R.STAFF,), unit=unit,
                                position_title=position, email=email)
    db.session.commit()
    click.echo(f"Đã tạo tài khoản {user.username} ({', '.join(user.role_labels)}).")


@user_cli.command("set-password")
@click.argument("username")
@click.password_option("--password")
def set_password(username, password):
    """Đặt lại mật khẩu của một tài khoản."""
    user = services.find_user(username)
    if user is None:
        raise click.ClickException(f"Không có tài khoản “{username}”.")
    for problem in current_problems(password, username):
        raise click.ClickException(problem)
    services.reset_password(user, password, must_change=False)
    db.session.commit()
    click.echo(f"Đã đặt lại mật khẩu cho {user.username}.")


def register(app):
    app.cli.add_command(user_cli)
