from pathlib import Path

import click
from flask.cli import AppGroup

from portal.extensions import db

from . import excelformat, fileformat, services

catalogue_cli = AppGroup("catalogue", help="Nhập, xuất bộ nội dung kiểm tra.")

BUNDLED = Path(__file__).parent / "data"


def load_file(path: Path):
    """Import a catalogue file in one transaction. Returns (catalogue, errors)."""
    spec, errors = fileformat.parse(path.read_bytes())
    if spec is None:
        return None, errors
    catalogue, errors, _stats = services.import_catalogue(spec)
    if catalogue is None:
        db.session.rollback()
        return None, errors
    db.session.commit()
    return catalogue, []


@catalogue_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path):
    """Nhập bộ nội dung từ tệp YAML hoặc Excel (cập nhật theo mã nếu năm đã có)."""
    catalogue, errors = load_file(file)
    if errors:
        for message in errors:
            click.echo(message, err=True)
        raise click.ClickException("Không nhập gì vì tệp có lỗi (xem ở trên).")
    click.echo(f"Đã nhập bộ nội dung năm {catalogue.year}: "
               f"{sum(len(a.criteria) for a in catalogue.areas)} nội dung.")


@catalogue_cli.command("export")
@click.argument("year", type=int)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
def export_command(year: int, file: Path | None):
    """Xuất bộ nội dung một năm ra tệp YAML hoặc .xlsx (theo đuôi tệp), hoặc ra màn hình."""
    catalogue = services.catalogue_for_year(year)
    if catalogue is None:
        raise click.ClickException(f"Chưa có bộ nội dung năm {year}.")
    if file and file.suffix.lower() == ".xlsx":
        file.write_bytes(excelformat.build_xlsx(catalogue))
        click.echo(f"Đã xuất ra {file}.")
        return
    text = fileformat.dump(catalogue)
    if file:
        file.write_text(text, encoding="utf-8")
        click.echo(f"Đã xuất ra {file}.")
    else:
        click.echo(text, nl=False)


def register(app):
    app.cli.add_command(catalogue_cli)
