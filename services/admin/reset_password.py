"""`reset-password EMAIL`: print a one-time reset link (for instances without SMTP).

The link works once and for one hour; older unused links of the account stop working. It is
printed to the operator's terminal only, never logged.
"""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    from services import auth, passwords

    try:
        link = passwords.admin_reset_link(args.email)
    except auth.AuthError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"One-time password reset link for {auth.normalize_email(args.email)} (valid for 1 hour):")
    print(link)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("reset-password", help="print a one-time password reset link for an account")
    parser.add_argument("email", help="the account's email address")
    parser.set_defaults(func=run)
