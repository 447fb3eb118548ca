import click
from flask.cli import AppGroup

from portal.catalogue.services import catalogue_for_year
from portal.extensions import db

from . import copying

assignments_cli = AppGroup("assignments", help="Phân công phụ trách nội dung kiểm tra.")


def _catalogue(arg: str):
    """"2026" (the year's inspection plan) or "2026:index" (another catalogue of that year)."""
    year, _, kind = arg.partition(":")
    if not year.strip().isdigit():
        raise click.ClickException(f"“{arg[:20]}” không phải năm (ví dụ 2026 hoặc 2026:index).")
    catalogue = catalogue_for_year(int(year), kind or "inspection")
    if catalogue is None:
        raise click.ClickException(f"Chưa có bộ nội dung năm {year}" + (f" ({kind})" if kind else "") + ".")
    return catalogue


@assignments_cli.command("copy-year")
@click.argument("source")
@click.argument("target")
@click.option("--confirm", "confirmed", multiple=True, metavar="MÃ",
              help="Chép cả nội dung mã này dù nội dung khác nhau (hoặc khớp theo nội dung với mã khác).")
@click.option("--dry-run", is_flag=True, help="Chỉ xem trước, không ghi gì.")
def copy_year_command(source: str, target: str, confirmed: tuple[str, ...], dry_run: bool):
    """Sao chép phân công từ bộ SOURCE sang bộ TARGET (năm, hoặc năm:loại), khớp theo mã và nội dung."""
    src, dst = _catalogue(source), _catalogue(target)
    try:
        result = copying.plan_copy(src, dst)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Xem trước: {len(result.matched)} khớp mã và nội dung; {len(result.differs)} cùng mã nhưng "
               f"khác nội dung; {len(result.by_text)} khớp theo nội dung với mã khác; "
               f"{len(result.unmatched) - len(result.by_text)} không tìm thấy.")
    for pair in result.differs:
        mark = "sẽ chép (đã xác nhận)" if pair.source.code in confirmed else "KHÔNG chép nếu không --confirm"
        click.echo(f"  Cùng mã {pair.source.code}, nội dung khác ({pair.percent}% giống) — {mark}:\n"
                   f"    nguồn: {pair.source.text[:90]}\n    đích:  {pair.target.text[:90]}")
    for pair in result.by_text:
        mark = "sẽ chép (đã xác nhận)" if pair.source.code in confirmed else "KHÔNG chép nếu không --confirm"
        click.echo(f"  Mã {pair.source.code} giống nội dung mã {pair.target.code} ({pair.percent}%) — {mark}")
    if dry_run:
        click.echo("Chưa ghi gì (--dry-run).")
        return
    copying.apply_copy(src, dst, result, confirmed)
    db.session.commit()
    click.echo(f"Đã sao chép {result.copied} phân công từ năm {src.year} sang năm {dst.year}.")
    if result.skipped:
        click.echo(f"Giữ nguyên {len(result.skipped)} nội dung đã có phân công: {', '.join(result.skipped)}")
    suggested = {p.source.code: p.target.code for p in result.by_text}
    for c in result.unmatched:
        hint = f" (giống nội dung mã {suggested[c.code]})" if c.code in suggested else ""
        click.echo(f"Không tìm thấy nội dung mã {c.code} ở năm {dst.year}{hint}: {c.text[:80]}")


def register(app):
    app.cli.add_command(assignments_cli)
