"""User code that is only type-checked (``make check``: mypy --strict and pyright strict).

Each function states with `assert_type` what a checker must infer for ordinary use of the
client, sync and async. A line a checker must refuse carries both checkers' ignore comments
for exactly the expected error; as unused ignores are errors too (``warn_unused_ignores``,
``reportUnnecessaryTypeIgnoreComment``), a regression that lets such a line through fails
the check. Nothing here runs: the modules only define functions, and pytest does not collect
them (no ``test_`` prefix).
"""
