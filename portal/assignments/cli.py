import click
from flask.cli import AppGroup

from portal.catalogue.services import catalogue_for_year
from portal.extensions import db

from . import services

assignments_cli = AppGroup("assignments", help="Phân công phụ trách nội dung kiểm tra.")


@assignments_cli.command("copy-year")
@click.argument("source", type=int)
@click.argument("target", type=int)
def copy_year_command(source: int, target: int):
    """Sao chép phân công năm SOURCE sang bộ nội dung năm TARGET (khớp theo mã)."""
    src, dst = catalogue_for_year(source), catalogue_for_year(target)
    if src is None or dst is None:
        raise click.ClickException(f"Chưa có bộ nội dung năm {source if src is None else target}.")
    try:
        result = services.copy_year(src, dst)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Đã sao chép {result.copied} phân công từ năm {source} sang năm {target}.")
    if result.skipped:
        click.echo(f"Giữ nguyên {len(result.skipped)} nội dung đã có phân công: {', '.join(result.skipped)}")
    for c in result.unmatched:
        click.echo(f"Không tìm thấy nội dung mã {c.code} ở năm {target}: {c.text[:80]}")


def register(app):
    app.cli.add_command(assignments_cli)
