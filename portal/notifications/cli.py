import click
from flask.cli import AppGroup

from portal.timeutil import parse_date
from portal.timeutil import today as vn_today

from . import digest, outbox, registry

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
    emails = outbox.deliver_pending()  # what is immediate goes now, not at the portal's next tick
    if emails:
        click.echo(f"Đã gửi {emails} thư điện tử.")


@reminders_cli.command("digest")
@click.option("--date", "day", default="", help="Ngày của thư tổng hợp (dd/mm/yyyy); mặc định hôm nay.")
def digest_command(day: str):
    """Gửi thư tổng hợp thông báo (mỗi người một thư mỗi ngày)."""
    try:
        when = parse_date(day) if day else vn_today()
    except ValueError:
        raise click.BadParameter(f"Ngày không hợp lệ: {day!r}. Dùng dd/mm/yyyy.", param_hint="--date") from None
    queued = digest.build_digests(when)
    emails = outbox.deliver_pending()
    click.echo(f"Đã lập {queued} thư tổng hợp; đã gửi {emails} thư điện tử.")


def register(app):
    app.cli.add_command(reminders_cli)
