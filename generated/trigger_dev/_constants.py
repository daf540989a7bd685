# Copied by codegen.py from templates/runtime/_constants.py (sha256 492ccce5c92acce5); edit that file, not this one.
"""The client's defaults: not facts of the API, so they live here rather than in the spec."""

from __future__ import annotations

# Durations are seconds throughout, as they are in the public surface.

DEFAULT_TIMEOUT = 60.0
"""Longest wait for an answer (and between two reads of the body), per attempt."""
DEFAULT_CONNECT_TIMEOUT = 10.0
"""Longest wait to open a connection, per attempt."""

MAX_SERVER_REQUESTED_WAIT = 60
"""Seconds. A server that asks for a longer wait gets an error at once instead of a sleep."""

# The retry policy (see docs/reliability.md): 4 attempts in all, as the surface document
# decides; the official SDK's backoff otherwise.
RETRY_MAX_ATTEMPTS = 4
RETRY_MIN_DELAY = 1.0
RETRY_MAX_DELAY = 30.0
RETRY_FACTOR = 1.6
RETRY_RANDOMIZE = False

# Reconnecting a realtime subscription or output stream after a failure: the official
# clients' backoff (shapes: 100 ms growing by 1.3 up to 10 s; streams: doubling up to 5 s).
SHAPE_RETRY_INITIAL = 0.1
SHAPE_RETRY_FACTOR = 1.3
SHAPE_RETRY_MAX = 10.0
STREAM_RETRY_INITIAL = 0.1
STREAM_RETRY_FACTOR = 2.0
STREAM_RETRY_MAX = 5.0
LIVE_REQUEST_MIN_TIMEOUT = 30.0
"""A live realtime request is held up to about 23 s by the server: a shorter timeout would
fail every quiet period."""
STREAM_DEDUPE_WINDOW = 5000
"""Part ids remembered to drop repeats from a v2 output stream, as the official client."""
