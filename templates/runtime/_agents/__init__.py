# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Talking to agents: a session's ``in`` and ``out`` channels (`channels`: sending records
that a retry never delivers twice, reading them resumably over server-sent events, the
record decoding shared by sync and async in `records`, no I/O), and the chat client built
on them (`chat`: start or resume a conversation, send a message, read the answer until the
turn completes).

May import: `_realtime` (its server-sent events parser), `_http`, `_wire`, `_exceptions`,
`_json`, `_constants`, `_logging`, the generated `_operations`, `_spec` and `models`, and
its own modules; the client core only for type checking.
"""
