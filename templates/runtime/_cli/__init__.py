# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""The ``trigger-dev`` command line (extra ``cli``): runs, schedules, queues, environment
variables and credentials from a terminal or a script, on the same client as the library.
One module per command group, with the output, the profiles and the exit codes in their
own modules; `entry` is the only module that runs without the extra installed.

May import: the public package (`trigger_dev`, `trigger_dev.models`), click, rich, tomllib
(tomli before Python 3.11) and its own modules; nothing private of the package.
"""
