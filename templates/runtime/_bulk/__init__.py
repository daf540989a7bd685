# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Bulk work: the two-phase batch API (`batch`: create a batch, stream its items) and
`batches.trigger_many` (`trigger_many`: any number of items as many batches as it takes,
paced and retried as one step generator with a sync and an async driver).

May import: `_http`, `_wire`, `_exceptions`, the generated `_operations`, `_spec`,
`models` and `types`, and its own modules; the client core only for type checking.
"""
