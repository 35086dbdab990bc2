import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_eight_simultaneous_autosaves_on_sqlite_wait_instead_of_failing(tmp_path):
    """Before: several of the 8 answered 500 “database is locked” (a deferred transaction that
    reads then writes cannot wait for the lock). Now each waits its turn: one saves, the
    others are told someone else changed the criterion (version conflict), none fails."""
    result = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("sqlite_autosave_race.py")),
            str(tmp_path / "db.sqlite3"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    statuses, saves = result.stdout.splitlines()[-2:]
    assert statuses == " ".join(["200"] * 8)
    assert saves == "1"
