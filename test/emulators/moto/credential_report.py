"""IAM credential reports that behave like AWS's, patched into moto by launcher.py.

moto 5.2.5 (iam/models.py, iam/responses.py) keeps only a flag: GetCredentialReport
builds a new CSV from the live backend on every call and always answers GeneratedTime
2015-02-02T20:02:02Z. Its CSV also differs from AWS's: no <root_account> row,
`not_supported` where AWS writes N/A (password_last_used, password_next_rotation and the
keys' last used region and service), and password_last_changed set even without a
password. Here instead, as AWS documents it (IAM User Guide, "Getting credential reports"):

- GenerateCredentialReport takes a snapshot of the account when no report exists or the
  existing one is older than 4 hours, and answers State STARTED; otherwise it keeps the
  snapshot and answers COMPLETE. (AWS would answer INPROGRESS and GetCredentialReport
  ReportInProgress while the report is being made; here it is ready at once. Inject
  ReportInProgress with the AWS proxy to test that path.)
- GetCredentialReport answers the snapshot's CSV and its real GeneratedTime, whatever
  happened since; before any GenerateCredentialReport it fails with ReportNotPresent
  (HTTP 410). It never answers ReportExpired: AWS documents the error but not when it
  happens, and serves reports older than 4 hours in practice.
- One snapshot per account. `age(account, minutes)` moves a snapshot back in time, its
  generation time and every date in it (the control server's POST /credential-report/age),
  so tests make time pass for it as they do for keys: the report grows stale and the keys
  in it grow older.

CSV columns as AWS: the <root_account> row first (arn:aws:iam::<account>:root, created
no later than any user, no password or key columns that apply), then one row per user
in creation order; dates as 2026-11-29T04:17:00+00:00; N/A where a value does not apply.
"""

import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.iam.exceptions import ReportNotPresentException
from moto.iam.responses import IamResponse

MAX_AGE = timedelta(hours=4)
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S+00:00"
COLUMNS = (
    "user,arn,user_creation_time,password_enabled,password_last_used,"
    "password_last_changed,password_next_rotation,mfa_active,"
    "access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
    "access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,"
    "cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)


@dataclass
class Report:
    content: str
    generated: datetime  # naive UTC, like every moto date


_reports: dict[str, Report] = {}
_lock = threading.Lock()


def _date(value):
    """A datetime or moto's AccessKeyLastUsed (both have strftime) in AWS's format."""
    return "N/A" if value is None else value.strftime(DATE_FORMAT)


def _flag(value):
    return "true" if value else "false"


def _key_columns(key):
    if key is None:
        return ["false", "N/A", "N/A", "N/A", "N/A"]
    used = key.last_used
    return [
        _flag(key.status == "Active"),
        _date(key.create_date),
        _date(used),
        getattr(used, "region", None) or "N/A",
        getattr(used, "service", None) or "N/A",
    ]


def _cert_columns(cert):
    if cert is None:
        return ["false", "N/A"]
    return [_flag(cert.status == "Active"), _date(cert.upload_date)]


def _user_row(user):
    keys = list(user.access_keys)[:2] + [None, None]
    certs = list(user.signing_certificates.values())[:2] + [None, None]
    if user.password:
        last_used = user.password_last_used
        password = ["true", _date(last_used) if last_used else "no_information"]
        # moto does not record when a password was set: its creation is the best guess.
        password_changed = _date(user.create_date)
    else:
        password = ["false", "N/A"]
        password_changed = "N/A"
    return [
        user.name,
        user.arn,
        _date(user.create_date),
        *password,
        password_changed,
        "N/A",  # password_next_rotation: moto has no rotating password policy
        _flag(len(user.mfa_devices) > 0),
        *_key_columns(keys[0]),
        *_key_columns(keys[1]),
        *_cert_columns(certs[0]),
        *_cert_columns(certs[1]),
    ]


def _root_row(backend, account_id, now):
    users = list(backend.users.values())
    created = min([u.create_date for u in users] + [now])
    no_key = ["false", "N/A", "N/A", "N/A", "N/A"]
    return [
        "<root_account>",
        f"arn:{backend.partition}:iam::{account_id}:root",
        _date(created),
        "not_supported",
        "no_information",
        "not_supported",
        "not_supported",
        "false",
        *no_key,
        *no_key,
        "false",
        "N/A",
        "false",
        "N/A",
    ]


def render(backend, account_id, now):
    """The CSV of an account's backend as it is now."""
    rows = [_root_row(backend, account_id, now)]
    rows += [_user_row(user) for user in backend.users.values()]
    return COLUMNS + "\n" + "".join(",".join(row) + "\n" for row in rows)


def generate_credential_report(self):
    account = self.current_account
    now = utcnow().replace(microsecond=0)
    with _lock:
        report = _reports.get(account)
        if report is not None and now - report.generated < MAX_AGE:
            return ActionResult({"State": "COMPLETE"})
        _reports[account] = Report(render(self.backend, account, now), now)
    if report is None:
        description = "No report exists. Starting a new report generation task"
    else:
        description = "The report is older than 4 hours. Starting a new report generation task"
    return ActionResult({"State": "STARTED", "Description": description})


def get_credential_report(self):
    with _lock:
        report = _reports.get(self.current_account)
    if report is None:
        raise ReportNotPresentException(
            "Unable to find a credential report for this account. "
            "Use GenerateCredentialReport to generate a new report."
        )
    return ActionResult(
        {
            "Content": report.content,
            "ReportFormat": "text/csv",
            "GeneratedTime": report.generated,
        }
    )


def age(account_id, minutes):
    """Moves the account's snapshot back in time, as if it had been made `minutes` earlier of
    the same keys also moved back (tests make time pass by moving stored times back): its
    generation time and every date in it. False when the account has none."""
    shift = timedelta(minutes=minutes)
    with _lock:
        report = _reports.get(account_id)
        if report is None:
            return False
        report.generated -= shift
        report.content = _DATE.sub(lambda m: _earlier(m.group(0), shift), report.content)
        return True


_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def _earlier(text, shift):
    return (datetime.strptime(text, DATE_FORMAT) - shift).strftime(DATE_FORMAT)


def install():
    IamResponse.generate_credential_report = generate_credential_report
    IamResponse.get_credential_report = get_credential_report
