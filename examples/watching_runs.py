"""Watch what you triggered: follow a run as it changes, read what it streams, wait for it.

The key and the server come from TRIGGER_SECRET_KEY and TRIGGER_API_URL. It needs a server
that serves the realtime routes, which the Prism mock cannot (it answers without the shape
headers): run it against your dev environment,

    TRIGGER_SECRET_KEY=tr_dev_... python examples/watching_runs.py

with a ``summarize-article`` task deployed there. The test suite runs it against its local
realtime stand-in (tests/support/realtime_server.py), which plays that task.
"""

from __future__ import annotations

import trigger_dev


def main() -> None:
    client = trigger_dev.TriggerClient()
    handle = client.tasks.trigger("summarize-article", {"url": "https://example.com/post"})
    print(
        f"triggered {handle.id}; a browser could follow it with its token: {bool(handle.public_access_token)}"
    )

    # Follow the run: a snapshot now and one per change. The loop ends once the run has
    # finished; `break` (or leaving a `with` block) stops it earlier.
    for run in client.runs.subscribe_to_run(handle.id, skip_columns=["payload"]):
        progress = (run.metadata or {}).get("progress")
        print(f"  {run.status}" + (f" {progress:.0%}" if progress is not None else ""))

    # What the task wrote to its "openai" output stream, chunk by chunk. The stream ends
    # when the server has sent nothing new for timeout_seconds.
    words = [chunk["delta"] for chunk in client.runs.stream(handle.id, "openai", timeout_seconds=5)]
    print(f"streamed: {''.join(words)}")

    # Or simply wait for the result (a retrieve every `interval` seconds).
    finished = client.runs.poll(handle.id, interval=0.5, timeout=120)
    print(f"output: {finished.output}")


if __name__ == "__main__":
    main()
