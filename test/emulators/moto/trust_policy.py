"""sts:AssumeRole authorized as AWS does it, patched into moto by launcher.py.

Applies only while moto enforces auth (INITIAL_NO_AUTH_ACTION_COUNT). moto 5.2.5 checks
a role's trust policy only when the role is in the caller's own account
(iam/access_control.py, _is_assuming_role_operation looks the role up in the caller's
backend), and even then: a Principal naming an account ("123456789012" or its :root ARN)
never matches, a Principal given as one string is compared as a substring, a missing
ExternalId satisfies a StringEquals sts:ExternalId condition, and Effect Deny is read as
Allow. This replaces moto's IAMRequestBase.check_action_permitted for sts:AssumeRole:

- The role must exist (in the account of its ARN); otherwise AccessDenied.
- The trust policy must allow the caller: a statement whose Action matches
  sts:AssumeRole, whose Principal matches ("*", {"AWS": "*"}, the caller's account as
  "123456789012" or "arn:aws:iam::123456789012:root", the caller's user ARN with its
  path, or for a role session the role's ARN or the session's assumed-role ARN) and
  whose Condition holds. A matching Deny statement refuses.
- The caller's own policies must allow sts:AssumeRole on the role ARN, except in the
  role's own account when the trust policy names the caller itself (not just the
  account): then the trust policy alone grants it, as in AWS.
- Conditions: StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringLike,
  StringNotLike (each also ...IfExists) and Null, over sts:ExternalId,
  sts:RoleSessionName, aws:PrincipalArn and aws:PrincipalAccount. A key the request
  lacks fails the positive operators and passes the negated ones (AWS's rule). Any other
  operator or key makes the statement not apply (so an Allow that needs it refuses).
  NotPrincipal, Service and Federated principals never match an IAM caller.
- Refusals are AccessDenied (403): "User: <caller> is not authorized to perform:
  sts:AssumeRole on resource: <role arn>".
"""

import fnmatch
import json
import re

from moto.core.exceptions import AccessDeniedError
from moto.iam.access_control import (
    AssumedRoleAccessKey,
    IAMPolicy,
    IAMRequestBase,
    PermissionResult,
)
from moto.iam.exceptions import NotFoundException
from moto.iam.models import iam_backends

ACTION = "sts:AssumeRole"
KNOWN_KEYS = {"sts:externalid", "sts:rolesessionname", "aws:principalarn", "aws:principalaccount"}
ROLE_ARN = re.compile(r"^arn:[^:]+:iam::(\d{12}):role/(?:.*/)?([^/]+)$")
_original_check = IAMRequestBase.check_action_permitted


def find_role(arn):
    match = ROLE_ARN.match(arn or "")
    if not match:
        return None
    try:
        return iam_backends[match.group(1)]["aws"].get_role_by_arn(arn)
    except NotFoundException:
        return None


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _action_matches(statement, action):
    def matches(patterns):
        return any(fnmatch.fnmatchcase(action.lower(), p.lower()) for p in _as_list(patterns))

    if "NotAction" in statement:
        return not matches(statement["NotAction"])
    return matches(statement.get("Action", []))


def _principal_match(principal, caller):
    """How the Principal matches: "explicit" (names the caller), "account", or None."""
    if principal == "*":
        return "explicit"
    if not isinstance(principal, dict):
        return None
    found = None
    for value in _as_list(principal.get("AWS", [])):
        if value == "*" or value in (caller["arn"], caller.get("role_arn")):
            return "explicit"
        if value in (caller["account"], f"arn:aws:iam::{caller['account']}:root"):
            found = "account"
    return found


def _string_test(operator):
    if operator in ("StringEquals", "StringNotEquals"):
        return lambda expected, actual: actual == expected
    if operator == "StringEqualsIgnoreCase":
        return lambda expected, actual: actual.lower() == expected.lower()
    if operator in ("StringLike", "StringNotLike"):
        return lambda expected, actual: fnmatch.fnmatchcase(actual, expected)
    return None


def _condition_holds(operator, key, expected, context):
    """One key of one condition operator."""
    if_exists = operator.endswith("IfExists")
    base = operator[: -len("IfExists")] if if_exists else operator
    known = key.lower() in context["known"]
    actual = context["values"].get(key.lower())
    if base == "Null":
        return known and str(_as_list(expected)[0]).lower() == str(actual is None).lower()
    test = _string_test(base)
    if test is None or not known:
        return False
    if actual is None:
        return if_exists or "Not" in base
    hit = any(test(str(value), actual) for value in _as_list(expected))
    return not hit if "Not" in base else hit


def _conditions_hold(conditions, context):
    return all(
        _condition_holds(operator, key, expected, context)
        for operator, block in conditions.items()
        for key, expected in block.items()
    )


def evaluate_trust(document, caller, context):
    """(PermissionResult, names_caller) for the caller under a role's trust policy."""
    allowed, explicit = False, False
    for statement in _as_list(document.get("Statement", [])):
        if "NotPrincipal" in statement or not _action_matches(statement, ACTION):
            continue
        how = _principal_match(statement.get("Principal"), caller)
        if how is None or not _conditions_hold(statement.get("Condition", {}), context):
            continue
        if statement.get("Effect") == "Deny":
            return PermissionResult.DENIED, False
        allowed, explicit = True, explicit or how == "explicit"
    return (PermissionResult.PERMITTED if allowed else PermissionResult.NEUTRAL), explicit


def _identity_result(request, resource):
    result = PermissionResult.NEUTRAL
    for policy in request._access_key.collect_policies():
        outcome = IAMPolicy(policy).is_action_permitted(ACTION, resource)
        if outcome == PermissionResult.DENIED:
            return outcome
        if outcome == PermissionResult.PERMITTED:
            result = outcome
    return result


def _caller(request):
    """The caller as AWS names it: user ARN with its path, or the role session's ARN."""
    key = request._access_key
    caller = {"account": request.account_id, "arn": key.arn}
    if isinstance(key, AssumedRoleAccessKey):
        role_name = key._owner_role_name
        try:
            caller["role_arn"] = key.backend.get_role(role_name).arn
        except NotFoundException:
            pass
    else:
        caller["arn"] = key.backend.get_user(key._owner_user_name).arn
    return caller


def _first(data, name):
    value = data.get(name)
    return value[0] if isinstance(value, list) and value else value


def check_action_permitted(self, resource):
    if self._action != ACTION:
        return _original_check(self, resource)
    caller = _caller(self)

    def refuse():
        action = f"{ACTION} on resource: {resource}"
        raise AccessDeniedError(user_arn=caller["arn"], action=action)

    role = find_role(resource)
    if role is None:
        refuse()
    context = {
        "known": KNOWN_KEYS,
        "values": {
            "sts:externalid": _first(self._data, "ExternalId"),
            "sts:rolesessionname": _first(self._data, "RoleSessionName"),
            # For a role session, aws:PrincipalArn is the role's ARN.
            "aws:principalarn": caller.get("role_arn", caller["arn"]),
            "aws:principalaccount": caller["account"],
        },
    }
    document = json.loads(role.assume_role_policy_document)
    trust, names_caller = evaluate_trust(document, caller, context)
    identity = _identity_result(self, resource)
    if PermissionResult.DENIED in (trust, identity) or trust != PermissionResult.PERMITTED:
        refuse()
    same_account = role.account_id == caller["account"]
    if identity != PermissionResult.PERMITTED and not (same_account and names_caller):
        refuse()


def install():
    IAMRequestBase.check_action_permitted = check_action_permitted
