"""Backfill every row of a table into a task: a generator of any size, a progress bar, and a
re-run that picks up after a crash without triggering anything twice.

    python examples/bulk_backfill.py 25000

The rows come from a generator, so they are never all in memory; `batches.trigger_many` reads
them a batch at a time, waits out the batch limiter when it says so, and reports what each
row became. The idempotency key names this backfill: running the same command again after a
crash (or a Ctrl-C) triggers only the rows that had not been triggered yet.

Shows a tqdm bar when tqdm is installed (`pip install tqdm`), a line of figures otherwise.
Uses TRIGGER_SECRET_KEY and TRIGGER_API_URL.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import trigger_dev
from trigger_dev.types import BatchTaskItem


def rows(count: int) -> Iterator[BatchTaskItem]:
    """Stands in for a database cursor: one dict per row, made as they are read."""
    for number in range(count):
        yield {"task": "import-customer", "payload": {"customerId": f"cus_{number:07d}"}}


def main(count: int) -> int:
    try:
        from tqdm import tqdm
    except ImportError:
        tqdm = None

    failed: list[trigger_dev.ItemOutcome] = []
    bar = tqdm(total=count, unit="row") if tqdm else None
    results = trigger_dev.batches.trigger_many(
        rows(count),
        idempotency_key="backfill-customers-2026-11",  # a re-run triggers nothing twice
        idempotency_key_ttl="7d",
    )
    for outcome in results:
        if not outcome.ok:
            failed.append(outcome)
        if bar is not None:
            bar.update(1)
        elif (outcome.index + 1) % 5_000 == 0 or outcome.index + 1 == count:
            print(f"{outcome.index + 1:,} of {count:,} rows")
    if bar is not None:
        bar.close()
    print(f"backfilled {count - len(failed):,} rows; {len(failed)} failed")
    for outcome in failed[:10]:
        print(f"  row {outcome.index}: {outcome.error}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 25_000))
