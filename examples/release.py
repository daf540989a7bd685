"""A release step for CI: check the new deployment, promote it, or roll back.

    python examples/release.py 20250101.1                      # check it is ready, then promote it
    python examples/release.py 20250101.1 --check-only         # only check
    python examples/release.py 20241231.2 --rollback           # make an older version current again

The check reads the environment's latest deployment (`deployments.retrieve_latest`) and
refuses to promote unless it is the version given and has finished deploying; a rollback
promotes an older version, which the server allows only when asked to (`allow_rollbacks`).
Exits 1 when the check fails. Uses TRIGGER_SECRET_KEY (the environment to release to) and
TRIGGER_API_URL (`make demo` serves a mock).
"""

from __future__ import annotations

import argparse
import sys

import trigger_dev


def check(version: str) -> bool:
    """Whether ``version`` is the latest deployment and has finished deploying."""
    try:
        latest = trigger_dev.deployments.retrieve_latest()
    except trigger_dev.NotFoundError:
        print("no deployment in this environment yet", file=sys.stderr)
        return False
    print(f"latest deployment: {latest.version} ({latest.short_code}) {latest.status}")
    if latest.version != version:
        print(f"the latest deployment is {latest.version}, not {version}", file=sys.stderr)
        return False
    if latest.status != "DEPLOYED":
        print(f"{version} is {latest.status}, not DEPLOYED", file=sys.stderr)
        return False
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", help="the deployment version, such as 20250101.1")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check-only", action="store_true", help="check, do not promote")
    mode.add_argument("--rollback", action="store_true", help="promote an older version without the check")
    args = parser.parse_args(argv)

    try:
        if args.rollback:
            promoted = trigger_dev.deployments.promote(args.version, allow_rollbacks=True)
            print(f"rolled back: {promoted.version} ({promoted.short_code}) is current")
            return 0
        if not check(args.version):
            return 1
        print(f"check passed: {args.version} is ready")
        if args.check_only:
            return 0
        promoted = trigger_dev.deployments.promote(args.version)
        print(f"promoted: {promoted.version} ({promoted.short_code}) is current")
    except trigger_dev.BadRequestError as error:
        print(f"the server refused: {error.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
