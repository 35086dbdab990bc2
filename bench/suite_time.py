"""Time the whole test suite of this work tree against an older commit's, back to back on the
same machine (the machine is shared and noisy: only a side-by-side ratio means anything).

    .venv/bin/python bench/suite_time.py                 # old = 713e89f (issue 10 was filed)
    .venv/bin/python bench/suite_time.py --old 0be2ff8   # any other commit
    .venv/bin/python bench/suite_time.py --order new-first

The old commit is checked out into a temporary git worktree with this tree's .venv linked in;
each suite runs as `python -m pytest -q -p no:cacheprovider` under /usr/bin/time -v. Prints the
wall time, the user+sys CPU time (of pytest and every process it waited for) and the ratios.
"""

# ruff: noqa: S603, S607 (fixed commands: git and this tree's own python, no outside input)
import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_suite(tree: Path, log: Path) -> dict:
    command = [
        "/usr/bin/time",
        "-v",
        str(tree / ".venv/bin/python"),
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    with log.open("w") as out:
        subprocess.run(command, cwd=tree, stdout=out, stderr=subprocess.STDOUT, check=False)
    text = log.read_text()

    def number(label):
        return float(re.search(rf"{label} \(seconds\): ([\d.]+)", text).group(1))

    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text)
    parts = [float(p) for p in wall.group(1).split(":")]
    seconds = sum(value * 60**power for power, value in enumerate(reversed(parts)))
    summary = re.findall(r"^=*\s*(\d+ passed.*?)\s*=*$", text, re.MULTILINE)
    return {
        "wall": seconds,
        "cpu": number("User time") + number("System time"),
        "summary": summary[-1] if summary else "no pytest summary (see log)",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", default="713e89f", help="commit to compare with")
    parser.add_argument("--order", choices=["old-first", "new-first"], default="old-first")
    parser.add_argument("--logs", type=Path, default=None, help="folder for the two pytest logs")
    args = parser.parse_args()
    logs = args.logs or Path(tempfile.mkdtemp(prefix="suite-time-"))
    logs.mkdir(parents=True, exist_ok=True)
    old_tree = Path(tempfile.mkdtemp(prefix="suite-time-old-")) / "tree"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old_tree), args.old],
        check=True,
        capture_output=True,
    )
    try:
        (old_tree / ".venv").symlink_to((ROOT / ".venv").resolve())
        trees = {"old": old_tree, "new": ROOT}
        order = ["old", "new"] if args.order == "old-first" else ["new", "old"]
        results = {}
        for name in order:
            print(f"running the {name} suite ({trees[name]}) …", flush=True)
            results[name] = run_suite(trees[name], logs / f"{name}.log")
            print(f"  {results[name]}", flush=True)
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old_tree)],
            check=False,
            capture_output=True,
        )
    old, new = results["old"], results["new"]
    print(f"old {args.old}: wall {old['wall']:.0f} s, CPU {old['cpu']:.0f} s — {old['summary']}")
    print(f"new (work tree): wall {new['wall']:.0f} s, CPU {new['cpu']:.0f} s — {new['summary']}")
    print(f"ratio new/old: wall {new['wall'] / old['wall']:.2f}, CPU {new['cpu'] / old['cpu']:.2f}")
    print(f"logs: {logs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
