"""Parse the command line, run one command, and turn every failure into one clear line and an exit code.

Exit codes: 0 success, 1 the environment is in the way (disk, permissions, database version),
2 bad input, 3 refused: not signed in, wrong password, locked account or a role that does not allow it,
70 a bug (details in a crash report file).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from coordinator.cli import (
    audit_commands,
    commands,
    consent_commands,
    crf_commands,
    eligibility_commands,
    sample_commands,
    signature_commands,
    user_commands,
)
from coordinator.crash import write_crash_report
from coordinator.errors import EnvironmentProblem, InputError, NotPermitted
from coordinator.i18n import _

EXIT_OK, EXIT_ENVIRONMENT, EXIT_INPUT, EXIT_REFUSED, EXIT_BUG = 0, 1, 2, 3, 70


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr and exit 2, like any other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL_OR_FILE", default=argparse.SUPPRESS,
                        help=_("database: an SQLAlchemy URL or an SQLite file (default: COORDINATOR_DB, "
                               "then the file in your data folder)"))
    common.add_argument("--user", metavar="ID", default=argparse.SUPPRESS,
                        help=_("your user id (default: COORDINATOR_USER); the password comes from "
                               "COORDINATOR_PASSWORD or is asked"))
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help=_("print data as JSON"))
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = _Parser(prog="coordinator", description=_(
        "Study Coordinator: run clinical studies at a site, offline. Without a command, opens the window."),
        parents=[common])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, run: Callable, help_text: str) -> argparse.ArgumentParser:
        found = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        found.set_defaults(run=run)
        return found

    init = command("init", commands.init, _("create or upgrade the database; the first time, with its administrator"))
    init.add_argument("--admin", metavar="ID", help=_(
        "create the first administrator account (password from COORDINATOR_NEW_PASSWORD or asked twice)"))
    init.add_argument("--name", metavar="FULL_NAME", help=_("the administrator's full name, printed with signatures"))
    init.add_argument("--investigator", action="store_true", help=_(
        "the administrator also works as investigator and coordinator on every study"))
    init.add_argument("--demo", action="store_true", help=_("add demo participants if there are none"))

    command("studies", commands.studies, _("list the studies with their arms and enrolled/target counts"))

    register = command("register", commands.register, _("register a participant; prints the new code"))
    register.add_argument("--study", required=True, help=_("study short name, e.g. MILA"))
    register.add_argument("--site", required=True, help=_("site number"))
    register.add_argument("--birth-date", required=True, metavar="YYYY-MM-DD")
    register.add_argument("--sex", required=True, metavar="F|M")
    register.add_argument("--first-name")
    register.add_argument("--last-name")
    register.add_argument("--registered-on", metavar="YYYY-MM-DD", help=_("default: today"))

    participants = command("participants", commands.participants, _("list participants"))
    participants.add_argument("--study")
    participants.add_argument("--arm")
    participants.add_argument("--status")
    participants.add_argument("--site", type=int)
    participants.add_argument("--search", default="", help=_("part of a code or a name"))

    show = command("show", commands.show, _("show one participant with their history"))
    show.add_argument("code")

    backup = command("backup", commands.backup, _("back up the database to a file (verified)"))
    backup.add_argument("--out", required=True, metavar="FILE")

    restore = command("restore", commands.restore, _("replace the database with a backup "
                                                      "(the current content is kept as a safety copy)"))
    restore.add_argument("file", metavar="FILE")

    consent = sub.add_parser("consent", parents=[common], help=_("record and check informed consent and assent"),
                             description=_("record and check informed consent and assent"))
    consent_commands.add_parsers(consent, common)

    eligibility = sub.add_parser("eligibility", parents=[common], help=_(
        "record screening values, check and confirm eligibility"), description=_(
        "record screening values, check and confirm eligibility"))
    eligibility_commands.add_eligibility_parsers(eligibility, common)
    eligibility_commands.add_commands(command)
    signature_commands.add_commands(command)
    allocation = sub.add_parser("allocation", parents=[common], help=_(
        "the sealed allocation list of a randomized study: report and verify"), description=_(
        "the sealed allocation list of a randomized study: report and verify"))
    eligibility_commands.add_allocation_parsers(allocation, common)

    audit = sub.add_parser("audit", parents=[common], help=_("check and export the audit trail"),
                           description=_("check and export the audit trail"))
    audit_commands.add_parsers(audit, common)

    users = sub.add_parser("user", parents=[common], help=_("accounts, roles and passwords"),
                           description=_("accounts, roles and passwords"))
    user_commands.add_parsers(users, common)
    user_commands.add_settings_arguments(command("settings", user_commands.show_settings, _(
        "show the sign-in settings (lockout, idle lock); an administrator changes them")))

    sample_commands.add_groups(sub, common, command)

    printing = sub.add_parser("print", parents=[common], help=_("print a document to a PDF file"),
                              description=_("print a document to a PDF file"))
    documents = printing.add_subparsers(dest="document", metavar="DOCUMENT", required=True, parser_class=_Parser)
    checklist = documents.add_parser("consent-checklist", parents=[common], help=_(
        "the consent checklist of a participant, or a blank one for a study (--study S --blank)"))
    checklist.set_defaults(run=commands.print_consent_checklist)
    checklist.add_argument("code", nargs="?")
    checklist.add_argument("--study")
    checklist.add_argument("--blank", action="store_true")
    checklist.add_argument("--out", required=True, metavar="FILE.pdf")
    sample_commands.add_print_parsers(documents, common)
    crf_commands.add_print_parsers(documents, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        options = build_parser().parse_args(arguments)
        if not getattr(options, "command", None):
            raise UsageError(_("coordinator: name a command (see 'coordinator --help')"))
        options.db = getattr(options, "db", None)
        options.json = getattr(options, "json", False)
        return options.run(options) or EXIT_OK  # a command may answer with its own code (verify: 1 = no)
    except UsageError as error:
        print(error, file=sys.stderr)
        return EXIT_INPUT
    except InputError as error:
        print(f"coordinator: {error.message}", file=sys.stderr)
        return EXIT_INPUT
    except NotPermitted as error:
        print(f"coordinator: {error.message}", file=sys.stderr)
        return EXIT_REFUSED
    except EnvironmentProblem as error:
        print(f"coordinator: {error.message}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except BrokenPipeError:  # the reader went away (| head): nothing left to say
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        print(_("coordinator: interrupted"), file=sys.stderr)
        return 130
    except Exception as error:  # a bug: say so in one line, keep the details in a file
        report = write_crash_report(error)
        where = _(" Details: {path}").format(path=report) if report else ""
        print(_("coordinator: internal error ({kind}: {error}). This is a bug; please report it.{where}").format(
            kind=type(error).__name__, error=error, where=where), file=sys.stderr)
        return EXIT_BUG
