"""Seeds moto's IAM backend in-process, then serves moto (IAM and STS) on 127.0.0.1.

The IAM API cannot back-date a key, so users and keys are created directly in the
backend, with their CreateDate and last use set, before the server starts. The server
runs in this same process (ThreadedMotoServer), so it serves exactly what was seeded.

    python moto_launcher.py --port 5000 --seed seed.json --out state.json

Seed: {"accountId"?, "users": [{"name", "path"?, "keys": [{"status", "ageDays",
"lastUsedDaysAgo"?}], "inlinePolicies"?: {"name": document}}]}
state.json, written once the server accepts connections:
{"endpoint", "users": {name: [{"accessKeyId", "secretAccessKey", "status", "createDate"}]}}

moto's STS GetCallerIdentity answers with the ARN of the IAM user owning the signing
key id (arn:aws:iam::<account>:user/<name>); for an unknown key id it answers
arn:aws:sts::<account>:user/moto. Without INITIAL_NO_AUTH_ACTION_COUNT, moto does not
check signatures, so any secret is accepted.
"""

import argparse
import json
import os
import signal
import socket
import sys
import time
from datetime import datetime, timedelta, timezone

from moto.iam.models import AccessKeyLastUsed, iam_backends
from moto.server import ThreadedMotoServer

DEFAULT_ACCOUNT = "123456789012"


def seed_user(backend, user):
    backend.create_user("us-east-1", user["name"], path=user.get("path", "/"))
    for name, document in user.get("inlinePolicies", {}).items():
        backend.put_user_policy(user["name"], name, json.dumps(document))
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    keys = []
    for spec in user.get("keys", []):
        key = backend.create_access_key(user["name"], status=spec.get("status", "Active"))
        key.create_date = now - timedelta(days=spec["ageDays"])
        if spec.get("lastUsedDaysAgo") is not None:
            used = now - timedelta(days=spec["lastUsedDaysAgo"])
            key.last_used = AccessKeyLastUsed(used, "iam", "us-east-1")
        keys.append(
            {
                "accessKeyId": key.access_key_id,
                "secretAccessKey": key.secret_access_key,
                "status": key.status,
                "createDate": key.create_date.isoformat() + "Z",
            }
        )
    return keys


def wait_for_port(port, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"moto did not start on port {port}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seed", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    with open(args.seed, encoding="utf-8") as handle:
        seed = json.load(handle)
    account = seed.get("accountId", DEFAULT_ACCOUNT)
    os.environ.setdefault("MOTO_ACCOUNT_ID", account)
    backend = iam_backends[account]["aws"]
    users = {user["name"]: seed_user(backend, user) for user in seed.get("users", [])}

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    wait_for_port(args.port)
    endpoint = f"http://127.0.0.1:{args.port}"
    temp = args.out + ".tmp"
    with open(temp, "w", encoding="utf-8") as handle:
        json.dump({"endpoint": endpoint, "users": users}, handle)
    os.replace(temp, args.out)

    stop = lambda *_: (server.stop(), sys.exit(0))  # noqa: E731
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
