"""Export every run of a month to a CSV file, for a warehouse or a spreadsheet.

    python examples/export_month.py 2026-10 runs-2026-10.csv
    python examples/export_month.py          # last month, into runs-<YYYY-MM>.csv

`runs.list` pages through the runs (100 a request) as the loop asks for them, so memory
stays flat however many there are. Install the ``fast`` extra (`pip install
"trigger-dev[fast]"`) to decode the pages with msgspec: same results, faster.
Uses TRIGGER_SECRET_KEY and TRIGGER_API_URL.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import sys

import trigger_dev

COLUMNS = ["id", "task", "status", "created_at", "finished_at", "duration_ms", "cost_in_cents", "tags"]


def month_bounds(month: str) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.strptime(month, "%Y-%m").replace(tzinfo=datetime.timezone.utc)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, following - datetime.timedelta(milliseconds=1)


def main(month: str, path: str) -> int:
    start, end = month_bounds(month)
    written = 0
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for run in trigger_dev.runs.list(from_=start, to=end, limit=100):
            writer.writerow(
                [
                    run.id,
                    run.task_identifier,
                    run.status,
                    run.created_at.isoformat(),
                    run.finished_at.isoformat() if run.finished_at else "",
                    run.duration_ms,
                    run.cost_in_cents,
                    " ".join(run.tags),
                ]
            )
            written += 1
    print(f"wrote {written:,} runs of {month} to {path}")
    return 0


def last_month(today: datetime.date | None = None) -> str:
    first_of_this_month = (today or datetime.datetime.now(datetime.timezone.utc).date()).replace(day=1)
    return (first_of_this_month - datetime.timedelta(days=1)).strftime("%Y-%m")


def month(text: str) -> str:
    try:
        month_bounds(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a month written as YYYY-MM (such as 2026-10)"
        ) from None
    return text


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Export every run created in one month (UTC) to a CSV file.",
        epilog="Uses TRIGGER_SECRET_KEY and TRIGGER_API_URL.",
    )
    parser.add_argument(
        "month",
        nargs="?",
        type=month,
        default=last_month(),
        help="the month, as YYYY-MM (default: last month)",
    )
    parser.add_argument("path", nargs="?", help="the CSV file to write (default: runs-<month>.csv)")
    arguments = parser.parse_args(argv)
    arguments.path = arguments.path or f"runs-{arguments.month}.csv"
    return arguments


if __name__ == "__main__":
    arguments = parse_arguments(sys.argv[1:])
    sys.exit(main(arguments.month, arguments.path))
