"""mypy --strict on the runtime sources in templates/runtime/ (sub-packages included) themselves.

A runtime module imports generated ones (`._spec`, `._operations`, the models), so it is
checked inside the generated package, with mypy reading each copied module from its source
(``--shadow-file``). Errors are reported against templates/runtime/, the file to edit; the
copy has the same lines, its marker line standing where the source has its own.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "templates" / "runtime"
PACKAGE = ROOT / "generated" / "trigger_dev"


def main() -> int:
    command = [sys.executable, "-m", "mypy", "--strict", str(PACKAGE.relative_to(ROOT))]
    names = sorted(source.relative_to(RUNTIME).as_posix() for source in RUNTIME.rglob("*.py"))
    for name in names:
        copy = PACKAGE / name
        if not copy.exists():
            print(f"{copy.relative_to(ROOT)} is missing: run make generate", file=sys.stderr)
            return 1
        command += ["--shadow-file", str(copy.relative_to(ROOT)), f"templates/runtime/{name}"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    for name in names:
        output = output.replace(f"generated/trigger_dev/{name}", f"templates/runtime/{name}")
    print(output.strip())
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
