"""Seeds moto's backends in-process, then serves moto (IAM, STS, SES v2) on 127.0.0.1.

    python launcher.py --port 5000 --seed seed.json --out state.json

The IAM API cannot back-date a key, so users, keys and roles are created directly in the
backend, with CreateDate and last use set, before the server starts. The server is
moto's own WSGI app run by werkzeug in this process (what ThreadedMotoServer does, but
binding in the main thread so a taken port fails at once instead of hanging), so it
serves exactly the backend that was seeded. --port 0 lets the kernel pick the port.

Seed: {"accountId"?, "users": [User], "roles"?: [Role], "sesIdentities"?: [address or
domain], "accounts"?: [{"accountId", "users"?: [User], "roles"?: [Role]}]}, where
User = {"name", "path"?, "keys": [{"status", "ageDays", "lastUsedDaysAgo"?}],
"inlinePolicies"?: {"name": document}} and Role = {"name", "path"?, "trustPolicy":
document, "inlinePolicies"?: {"name": document}}. Top-level users, roles and SES
identities (verified, region us-east-1) are in the default account ("accountId",
123456789012 unless given); "accounts" adds other accounts to the same server.

state.json, written (atomically) once the server accepts connections:
{"endpoint", "control", "accountId", "users": {name: [Key]}, "roles": {name: arn},
"accounts": {accountId: {"users": {name: [Key]}, "roles": {name: arn}}}} for the other
accounts, where Key = {"accessKeyId", "secretAccessKey", "status", "createDate"}.

"control" is a second, test-only server in this process:
- POST /backdate {"accessKeyId", "minutes"}: moves a key's CreateDate back, as time would.
- POST /last-used {"accessKeyId", "minutesAgo": n | null, "service"?, "region"?}: sets
  (or, with null, clears) what GetAccessKeyLastUsed and the credential report show.
  Service and region default to "iam" and "us-east-1".
- POST /credential-report/age {"minutes", "accountId"?}: moves the credential report back in
  time, its generation time and every date in it, as time passing would.
- GET /emails: every message sent through SES, as JSON [{"from", "to", "cc", "bcc",
  "subject", "text", "html"}] (text or html null when the message had none).
Each answers 404 when its key or report does not exist, 400 to a malformed body.

What moto does here, checked against moto 5.2.5 (test/integration/moto-harness.test.ts):
- Accounts: a request is served in the account that owns the key that signed it (a
  seeded user's key, or temporary credentials from AssumeRole, which moto creates in the
  role's account); anything else, unsigned or an unknown key, in the default account.
  moto itself would serve everything in MOTO_ACCOUNT_ID when set, else fall back to
  123456789012 (core/responses.py get_current_account): patched below.
- STS GetCallerIdentity signed with a seeded key answers Arn
  arn:aws:iam::<account>:user<path><name> (path included, as in AWS), the key's account,
  and a UserId that is 20 random lowercase characters (AWS: AIDA...). It answers at once
  for a new key (no propagation delay), and also for an Inactive key even with auth
  enforced (AWS: InvalidClientTokenId). Without auth enforcement it ignores the secret,
  and for a key id it does not know it answers arn:aws:sts::<account>:user/moto instead
  of an error.
- STS AssumeRole returns temporary credentials (ASIA... key, secret, session token)
  whose calls act in the role's account: IAM calls signed with them see and change that
  account's users. moto does not expire them (Expiration is only reported). Without auth
  enforcement moto assumes any role ARN, even one that does not exist.
- Every request signed with a known key, even a denied one, sets that key's last use to
  now (service from the signature, region from the request), before answering (AWS
  records it later); a seeded lastUsedDaysAgo or a POST /last-used shows only while the
  key signs nothing, so ask about it with another user's key.
- Signatures and policies are checked only when INITIAL_NO_AUTH_ACTION_COUNT is set
  (read by moto from this process's environment at import): after that many requests,
  a request must be signed with the key's real secret (and, for temporary credentials,
  the matching session token) and be allowed by the caller's policies (a user's inline
  policies from the seed; for temporary credentials the role's inline and attached
  policies, checked in the role's account: a role's credentials can do exactly what its
  policies allow there), else 403 (InvalidClientTokenId, SignatureDoesNotMatch or
  AccessDenied). GetCallerIdentity needs no permission. Conditions in identity policies
  are ignored; so are AssumeRole's session Policy and permissions boundaries.
- AssumeRole with auth enforced, as moto 5.2.5 does it natively (checked with the
  trust_policy patch off): the caller's own policies must always allow sts:AssumeRole on
  the role ARN (moto's STS _determine_resource), even where AWS lets a same-account
  trust policy naming the user suffice. The trust policy is checked only for a role in
  the caller's own account, and wrongly: a Principal naming an account ("123456789012"
  or its :root ARN) never matches, a missing ExternalId passes a StringEquals
  sts:ExternalId condition (a wrong one is refused), and a Deny statement counts as
  Allow (read in iam/access_control.py). For a role in another account neither the
  trust policy nor the ExternalId is checked, and a role that does not exist can be
  assumed. trust_policy.py replaces that check with AWS's rules (role must exist, trust
  policy Principal and Condition, sts:AssumeRole in the caller's policies unless the
  same-account trust policy names the caller itself); refusals are AccessDenied (403).
- IAM resources: with auth enforced, moto checks IAM calls against the resource "*",
  so a policy restricted to a path could never match. AWS checks them against the user
  (or role) they act on; `iam_resource` (moto's _determine_resource hook) does the same,
  in the account the request is served in.
- Credential reports: credential_report.py (AWS's 4-hour snapshot, real GeneratedTime,
  ReportNotPresent before the first GenerateCredentialReport, AWS's CSV columns).
- SES v2: sent_mail.py (SendEmail routed and recorded with both bodies; an unverified
  sender is refused with MessageRejected by moto itself; ses:SendEmail checked against
  the sender's identity ARN).
- User tags: moto serves TagUser, UntagUser and ListUserTags (ListUserTags needs
  iam:ListUserTags, and the resource hook applies to them), but its TagUser checks
  nothing; `tag_user` applies moto's own checks of CreateUser's tags (at most 50 in a
  request, keys of 1-128 and values of at most 256 characters, keys of letters, digits,
  spaces and _.:/=+-@, no key twice ignoring case: ValidationError or InvalidInput,
  400), values limited to the same characters (ValidationError), and at most 50 tags on
  a user after the change (LimitExceeded, 409; AWS's wording of that message is a
  guess). Keys stay case-sensitive when merging (AWS treats "Key" and "key" alike).
"""

import argparse
import json
import os
import re
import signal
import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from moto.core.responses import BaseResponse
from moto.iam.exceptions import LimitExceededException, NotFoundException, ValidationError
from moto.iam.models import AccessKeyLastUsed, IAMBackend, iam_backends
from moto.iam.responses import IamResponse
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

# Beside this file (a script's folder is on sys.path).
import credential_report
import sent_mail
import tag_conditions
import trust_policy

DEFAULT_ACCOUNT = "123456789012"
SES_REGION = "us-east-1"
# Set by main() before serving: the account of unsigned requests and unknown keys.
default_account = DEFAULT_ACCOUNT


def account_of_key(access_key_id):
    for account_id, account in list(iam_backends.items()):
        if access_key_id in account["aws"].access_keys:
            return account_id
    return None


def current_account(self):
    """The account of the key that signed the request, else the default account."""
    return account_of_key(self.get_access_key()) or default_account


def iam_resource(self):
    """The ARN of the user (or role) an IAM call acts on, in the request's account."""
    backend = self.backend
    user = (self.querystring.get("UserName") or [None])[0]
    role = (self.querystring.get("RoleName") or [None])[0]
    key_id = (self.querystring.get("AccessKeyId") or [None])[0]
    if role and not user:
        try:
            return backend.get_role(role).arn
        except NotFoundException:
            return "*"
    if not user and key_id:
        owner = backend.get_user_from_access_key_id(key_id)
        user = owner.name if owner else None
    found = backend.users.get(user) if user else None
    return found.arn if found else "*"


TAG_VALUE = re.compile(r"^[\w\s_.:/=+\-@]*$")
MAX_TAGS = 50
_original_tag_user = IAMBackend.tag_user


def tag_user(self, name, tags):
    user = self.get_user(name)
    self._tag_verification(tags)
    for tag in tags:
        if not TAG_VALUE.match(tag.get("Value", "")):
            raise ValidationError(
                f"1 validation error detected: Value '{tag['Value']}' at "
                "'tags.X.member.value' failed to satisfy constraint: Member must satisfy "
                "regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*"
            )
    current = {t["Key"] for t in self.tagger.list_tags_for_resource(user.arn)["Tags"]}
    if len(current | {t["Key"] for t in tags}) > MAX_TAGS:
        raise LimitExceededException(f"Cannot exceed quota for TagsPerUser: {MAX_TAGS}")
    _original_tag_user(self, name, tags)


def install_patches():
    BaseResponse.get_current_account = current_account
    IamResponse._determine_resource = iam_resource
    IAMBackend.tag_user = tag_user
    credential_report.install()
    trust_policy.install()
    tag_conditions.install()
    sent_mail.install()


def seed_user(backend, user, now):
    created = backend.create_user("us-east-1", user["name"], path=user.get("path", "/"))
    for name, document in user.get("inlinePolicies", {}).items():
        backend.put_user_policy(user["name"], name, json.dumps(document))
    keys = []
    for spec in user.get("keys", []):
        key = backend.create_access_key(user["name"], status=spec.get("status", "Active"))
        key.create_date = now - timedelta(days=spec.get("ageDays", 0))
        # A user is never younger than its keys.
        created.create_date = min(created.create_date, key.create_date)
        if spec.get("lastUsedDaysAgo") is not None:
            used = now - timedelta(days=spec["lastUsedDaysAgo"])
            key.last_used = AccessKeyLastUsed(used, "iam", "us-east-1")
        keys.append(
            {
                "accessKeyId": key.access_key_id,
                "secretAccessKey": key.secret_access_key,
                "status": key.status,
                "createDate": key.create_date.isoformat(timespec="seconds") + "Z",
            }
        )
    return keys


def seed_role(backend, role):
    created = backend.create_role(
        role_name=role["name"],
        assume_role_policy_document=json.dumps(role["trustPolicy"]),
        path=role.get("path", "/"),
        permissions_boundary=None,
        description="",
        tags=[],
        max_session_duration=None,
    )
    for name, document in role.get("inlinePolicies", {}).items():
        backend.put_role_policy(role["name"], name, json.dumps(document))
    return created.arn


def seed_account(account_id, spec, now):
    """Users and roles of one account; returns {"users": ..., "roles": ...} for state.json."""
    backend = iam_backends[account_id]["aws"]
    users = {user["name"]: seed_user(backend, user, now) for user in spec.get("users", [])}
    roles = {role["name"]: seed_role(backend, role) for role in spec.get("roles", [])}
    return {"users": users, "roles": roles}


def find_key(access_key_id):
    account = account_of_key(access_key_id)
    return iam_backends[account]["aws"].access_keys[access_key_id] if account else None


def control_backdate(body):
    key = find_key(body.get("accessKeyId"))
    if key is None:
        return 404, None
    key.create_date -= timedelta(minutes=body["minutes"])
    return 204, None


def control_last_used(body):
    key = find_key(body.get("accessKeyId"))
    if key is None:
        return 404, None
    minutes = body.get("minutesAgo")
    if minutes is None:
        key.last_used = None
    else:
        used = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
        used -= timedelta(minutes=minutes)
        service, region = body.get("service") or "iam", body.get("region") or "us-east-1"
        key.last_used = AccessKeyLastUsed(used, service, region)
    return 204, None


def control_age_report(body):
    aged = credential_report.age(body.get("accountId") or default_account, body["minutes"])
    return (204, None) if aged else (404, None)


ROUTES = {
    ("POST", "/backdate"): control_backdate,
    ("POST", "/last-used"): control_last_used,
    ("POST", "/credential-report/age"): control_age_report,
    ("GET", "/emails"): lambda _: (200, sent_mail.sent_messages()),
}


class ControlHandler(BaseHTTPRequestHandler):
    """Test-only controls over the seeded world (time passing, last use, sent mail)."""

    def handle_route(self, method):
        route = ROUTES.get((method, self.path))
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length)) if length else {}
            status, answer = route(body) if route else (404, None)
        except (ValueError, KeyError, TypeError) as error:  # a malformed request
            status, answer = 400, {"error": repr(error)}
        self.send_response(status)
        if answer is None:
            self.end_headers()
            return
        payload = json.dumps(answer).encode("utf-8")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.handle_route("GET")

    def do_POST(self):  # noqa: N802
        self.handle_route("POST")

    def log_message(self, *_):
        pass


def serve_in_background(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()


def exit_with_parent():
    """Ends this process when the process that started it dies (no orphaned servers)."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main():
    global default_account
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seed", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    exit_with_parent()
    # Exit at once: a normal interpreter shutdown can hang on a request thread's stderr.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))

    with open(args.seed, encoding="utf-8") as handle:
        seed = json.load(handle)
    default_account = seed.get("accountId") or os.environ.get("MOTO_ACCOUNT_ID") or DEFAULT_ACCOUNT
    install_patches()
    now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    default = seed_account(default_account, seed, now)
    others = {
        a["accountId"]: seed_account(a["accountId"], a, now) for a in seed.get("accounts", [])
    }
    sent_mail.verify_identities(default_account, SES_REGION, seed.get("sesIdentities", []))

    app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", args.port, app, True, request_handler=MotoRequestHandler)
    serve_in_background(server)
    control = ThreadingHTTPServer(("127.0.0.1", 0), ControlHandler)
    serve_in_background(control)
    port = server.server_address[1]
    socket.create_connection(("127.0.0.1", port), timeout=5).close()

    state = {
        "endpoint": f"http://127.0.0.1:{port}",
        "control": f"http://127.0.0.1:{control.server_address[1]}",
        "accountId": default_account,
        "users": default["users"],
        "roles": default["roles"],
        "accounts": others,
    }
    with open(args.out + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(state, handle)
    os.replace(args.out + ".tmp", args.out)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
