"""The production entry point (app.py, what waitress serves) hides start-up's objects from the
garbage collector: each full collection used to scan ~200,000 of them again, half the time of a
50-row page; and again after the 100th request, when the first requests have built SQLAlchemy's
compiled statements (a full pass over those stalled a request by ~14 ms every few seconds)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import gc
import app
from portal.catalogue.models import Criterion
from portal.rounds.models import Report
at_start = gc.get_freeze_count()
client = app.app.test_client()
for _ in range(99):
    client.get("/static/css/portal.css").close()
before, _ = gc.get_freeze_count(), client.get("/static/css/portal.css").close()
print(at_start, before, gc.get_freeze_count(), Criterion.__mapper__.configured, Report.__mapper__.configured)
"""


def test_app_py_configures_the_mappers_and_freezes_what_start_up_and_warm_up_built(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}", "SECRET_KEY": "probe",
           "UPLOAD_FOLDER": str(tmp_path / "uploads"), "BACKUP_FOLDER": str(tmp_path / "backups")}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    at_start, before, after, criterion, report = out.stdout.split()[-5:]
    assert int(at_start) > 100_000 and criterion == report == "True"
    # the 100th request freezes what the first ones built (compiled statements and the like)
    assert int(after) > int(before) + 100
