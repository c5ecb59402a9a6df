"""The `aws:TagKeys` condition on iam:TagUser and iam:UntagUser, as AWS evaluates it.

moto 5.2.5 evaluates only `StringEquals` conditions and ignores every other operator, so a
policy that may tag users only with keys like `key-rotation:*` (ForAllValues:StringLike on
aws:TagKeys) lets any tag through. After moto's own check allows a TagUser or UntagUser
request, this check demands that some Allow statement for the action and resource also holds
for the request's tag keys: a statement without an aws:TagKeys condition holds for any keys;
one with `ForAllValues:StringLike` or `ForAllValues:StringEquals` holds when every key matches
one of its patterns. Anything else is AccessDenied, as AWS answers.
"""

import fnmatch
import json
import re

from moto.iam.access_control import IAMRequestBase, IAMPolicy, IAMPolicyStatement

ACTIONS = {"iam:TagUser", "iam:UntagUser"}
OPERATORS = {"ForAllValues:StringLike": True, "ForAllValues:StringEquals": False}


def request_tag_keys(data):
    """Tags.member.N.Key (TagUser) or TagKeys.member.N (UntagUser), from the Query body."""
    keys = []
    for name, values in data.items():
        if re.fullmatch(r"Tags\.member\.\d+\.Key|TagKeys\.member\.\d+", name):
            keys.extend(values if isinstance(values, list) else [values])
    return keys


def statements(policy):
    document = IAMPolicy(policy)._policy_json  # moto reads the document the same way
    found = document.get("Statement", [])
    return found if isinstance(found, list) else [found]


def holds_for(statement, keys):
    conditions = statement.get("Condition") or {}
    for operator, values in conditions.items():
        patterns = values.get("aws:TagKeys")
        if patterns is None:
            continue
        if operator not in OPERATORS:
            return False  # an operator this check does not know: never allow on a guess
        patterns = patterns if isinstance(patterns, list) else [patterns]
        like = OPERATORS[operator]
        match = (lambda k, p: fnmatch.fnmatchcase(k, p)) if like else (lambda k, p: k == p)
        if not all(any(match(key, p) for p in patterns) for key in keys):
            return False
    return True


def allows(self, resource, keys):
    for policy in self._access_key.collect_policies():
        for raw in statements(policy):
            if raw.get("Effect") != "Allow":
                continue
            statement = IAMPolicyStatement({**raw, "Condition": {}})
            permitted = statement.is_action_permitted(self._action, resource)
            if permitted.name == "PERMITTED" and holds_for(raw, keys):
                return True
    return False


def install():
    original = IAMRequestBase.check_action_permitted

    def check_action_permitted(self, resource):
        original(self, resource)
        if self._action in ACTIONS and not allows(self, resource, request_tag_keys(self._data)):
            self._raise_access_denied()

    IAMRequestBase.check_action_permitted = check_action_permitted
