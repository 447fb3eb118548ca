import click
from flask.cli import AppGroup

guide_cli = AppGroup("guide", help="Hướng dẫn sử dụng (docs/huong-dan).")


@guide_cli.command("screenshots")
@click.option("--role", default=None, help="Chỉ chụp một vai trò (ví dụ: can-bo).")
def screenshots_command(role):
    """Chụp lại ảnh minh họa của hướng dẫn từ các trang hiện tại (Chromium, phường mẫu)."""
    from .screenshots import take

    written = take(only=role, echo=click.echo)
    click.echo(f"Đã chụp {len(written)} ảnh vào docs/huong-dan/anh/.")


def register(app):
    app.cli.add_command(guide_cli)
