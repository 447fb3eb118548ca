import click
from flask.cli import AppGroup

from portal.timeutil import parse_date

from . import registry

reminders_cli = AppGroup("reminders", help="Nhắc việc: gửi các thông báo đến hạn.")


@reminders_cli.command("send")
@click.option("--date", "day", default="", help="Ngày xét (dd/mm/yyyy hoặc yyyy-mm-dd); mặc định hôm nay.")
def send_command(day: str):
    """Gửi các nhắc việc đến hạn (chạy hằng ngày; không bao giờ gửi trùng)."""
    try:
        when = parse_date(day) if day else None
    except ValueError:
        raise click.BadParameter(f"Ngày không hợp lệ: {day!r}. Dùng dd/mm/yyyy.", param_hint="--date") from None
    sent = registry.send_due(when)
    click.echo(f"Đã gửi {sent} thông báo nhắc việc mới.")


def register(app):
    app.cli.add_command(reminders_cli)
