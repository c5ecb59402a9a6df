"""Seeds moto's IAM backend in-process, then serves moto (IAM and STS) on 127.0.0.1.

    python launcher.py --port 5000 --seed seed.json --out state.json

The IAM API cannot back-date a key, so users and keys are created directly in the
backend, with CreateDate and last use set, before the server starts. The server is
moto's own WSGI app run by werkzeug in this process (what ThreadedMotoServer does, but
binding in the main thread so a taken port fails at once instead of hanging), so it
serves exactly the backend that was seeded. --port 0 lets the kernel pick the port.

Seed: {"accountId"?, "users": [{"name", "path"?, "keys": [{"status", "ageDays",
"lastUsedDaysAgo"?}], "inlinePolicies"?: {"name": document}}]}
state.json, written (atomically) once the server accepts connections:
{"endpoint", "control", "users": {name: [{"accessKeyId", "secretAccessKey", "status",
"createDate"}]}}. "control" is a second, test-only server in this process: POST
/backdate with {"accessKeyId", "minutes"} moves a key's CreateDate back, as time would.

What moto does here, checked against moto 5.2.5 (test/integration/moto-harness.test.ts):
- STS GetCallerIdentity signed with a seeded key answers Arn
  arn:aws:iam::<account>:user<path><name> (path included, as in AWS), Account the
  seed's account, and a UserId that is 20 random lowercase characters (AWS: AIDA...).
  It answers at once for a new key (no propagation delay), and also for an Inactive key
  even with auth enforced (AWS: InvalidClientTokenId). Without auth enforcement it
  ignores the secret, and for a key id it does not know it answers
  arn:aws:sts::<account>:user/moto instead of an error.
- Every request signed with a known key, even a denied one, sets that key's last use
  to now, before answering (AWS records it later); a seeded lastUsedDaysAgo shows only
  while the key signs nothing, so ask about it with another user's key.
- Signatures and policies are checked only when INITIAL_NO_AUTH_ACTION_COUNT is set
  (read by moto from this process's environment at import): after that many requests,
  a request must be signed with the key's real secret and be allowed by the user's
  policies (inline ones from the seed), else 403 (InvalidClientTokenId,
  SignatureDoesNotMatch or AccessDenied). GetCallerIdentity needs no permission.
"""

import argparse
import json
import os
import signal
import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from moto.iam.models import AccessKeyLastUsed, iam_backends
from moto.iam.responses import IamResponse
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

DEFAULT_ACCOUNT = "123456789012"


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


def iam_resource(self):
    """The ARN of the user an IAM call acts on.

    With auth enforced (INITIAL_NO_AUTH_ACTION_COUNT), moto checks IAM calls against the
    resource "*", so a policy restricted to a path could never match. AWS checks them
    against the user they act on; this hook (moto's own _determine_resource) does the same.
    """
    backend = iam_backends[self.current_account]["aws"]
    user = (self.querystring.get("UserName") or [None])[0]
    key_id = (self.querystring.get("AccessKeyId") or [None])[0]
    if not user and key_id:
        owner = backend.get_user_from_access_key_id(key_id)
        user = owner.name if owner else None
    found = backend.users.get(user) if user else None
    return found.arn if found else "*"


IamResponse._determine_resource = iam_resource


def find_key(access_key_id):
    for account in iam_backends.values():
        for key in account["aws"].get_all_access_keys_for_all_users():
            if key.access_key_id == access_key_id:
                return key
    return None


class ControlHandler(BaseHTTPRequestHandler):
    """Test-only controls over the seeded world (time passing for keys)."""

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        key = find_key(body.get("accessKeyId")) if self.path == "/backdate" else None
        if key is None:
            self.send_response(404)
        else:
            key.create_date -= timedelta(minutes=body["minutes"])
            self.send_response(204)
        self.end_headers()

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
    account = seed.get("accountId") or os.environ.get("MOTO_ACCOUNT_ID") or DEFAULT_ACCOUNT
    os.environ["MOTO_ACCOUNT_ID"] = account  # the account every request is served from
    backend = iam_backends[account]["aws"]
    now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    users = {user["name"]: seed_user(backend, user, now) for user in seed.get("users", [])}

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
        "users": users,
    }
    with open(args.out + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(state, handle)
    os.replace(args.out + ".tmp", args.out)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
