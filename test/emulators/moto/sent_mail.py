"""SES v2 SendEmail as tests need it, patched into moto by launcher.py.

moto 5.2.5 serves SES v2 (REST-JSON, POST /v2/email/outbound-emails) from the same app
as IAM and STS: the signing name is "ses" and a path under /v2/ selects sesv2
(moto_server/werkzeug_app.py). SendEmail with Simple content goes to SES v1's backend
(ses/models.py send_email), which refuses an unverified sender with MessageRejected
("Email address not verified <address>", HTTP 400), where verified means the address or
its domain is an identity of that account and region. It does not check recipients (AWS's
sandbox also requires verified recipients) or the sending quota. moto keeps a single body
(the HTML one when both are sent); the patched SendEmail below keeps the text and the HTML
on the stored message, for `sent_messages()`.

With auth enforced the action is ses:SendEmail. moto checks it against resource "*", so
a policy limited to an identity ARN never matches; `send_email_resource` (moto's
_determine_resource hook) names the identity that authorizes the sender instead, as AWS
does: arn:aws:ses:<region>:<account>:identity/<address>, or the domain's identity when
only the domain is verified. moto answers a refusal in IAM's XML, which the SES v2 client
cannot parse (it fails with a SyntaxError); `authorize_as_json` sends it as SES v2 does,
in JSON: AccessDeniedException (with "on resource: <identity ARN>"),
UnrecognizedClientException or InvalidSignatureException, all 403.
"""

import json
from email import message_from_string, policy
from email.utils import parseaddr

from moto.core.exceptions import JsonRESTError
from moto.core.responses import BaseResponse
from moto.ses.models import Message, RawMessage, ses_backends
from moto.sesv2.responses import SESV2Response
from werkzeug.exceptions import HTTPException

# moto answers auth failures in IAM's XML, which an SES v2 (REST-JSON) client cannot read.
JSON_ERROR_TYPES = {
    "AccessDenied": "AccessDeniedException",
    "InvalidClientTokenId": "UnrecognizedClientException",
    "SignatureDoesNotMatch": "InvalidSignatureException",
}

_original_send_email = SESV2Response.send_email


def send_email(self):
    params = json.loads(self.body)
    simple = (params.get("Content") or {}).get("Simple")
    if simple is None:
        return _original_send_email(self)
    body = simple.get("Body") or {}
    text = (body.get("Text") or {}).get("Data")
    html = (body.get("Html") or {}).get("Data")
    message = self.sesv2_backend.send_email(
        source=params.get("FromEmailAddress"),
        destinations=params.get("Destination") or {},
        subject=(simple.get("Subject") or {}).get("Data"),
        body=html if html is not None else text,
    )
    message.text = text
    message.html = html
    return json.dumps({"MessageId": message.id})


def send_email_resource(self):
    if self.method != "POST" or not self.path.endswith("/v2/email/outbound-emails"):
        return "*"
    try:
        source = json.loads(self.body).get("FromEmailAddress") or ""
    except (TypeError, ValueError):
        return "*"
    address = parseaddr(source)[1]
    identities = ses_backends[self.current_account][self.region].email_identities
    domain = address.split("@", 1)[-1]
    identity = domain if address not in identities and domain in identities else address
    return f"arn:{self.partition}:ses:{self.region}:{self.current_account}:identity/{identity}"


def authorize_as_json(self, resource="*"):
    """moto's auth check, its refusal sent as SES v2's JSON error (same status)."""
    try:
        BaseResponse._authenticate_and_authorize_normal_action(self, resource)
    except HTTPException as error:
        kind = getattr(error, "error_type", None)
        if kind is None:
            raise
        message = error.message
        if kind == "AccessDenied" and resource != "*":
            message += f" on resource: {resource}"
        refusal = JsonRESTError(JSON_ERROR_TYPES.get(kind, kind), message)
        refusal.code = error.code
        raise refusal from None


def _raw_view(message):
    parsed = message_from_string(message.raw_data, policy=policy.default)
    parts = {"text/plain": None, "text/html": None}
    for part in parsed.walk():
        if part.get_content_type() in parts and parts[part.get_content_type()] is None:
            parts[part.get_content_type()] = part.get_content()
    return {
        "from": message.source or parsed.get("From"),
        "to": list(message.destinations),
        "cc": [],
        "bcc": [],
        "subject": parsed.get("Subject"),
        "text": parts["text/plain"],
        "html": parts["text/html"],
    }


def _view(message):
    if isinstance(message, RawMessage):
        return _raw_view(message)
    destinations = message.destinations or {}
    return {
        "from": message.source,
        "to": list(destinations.get("ToAddresses", [])),
        "cc": list(destinations.get("CcAddresses", [])),
        "bcc": list(destinations.get("BccAddresses", [])),
        "subject": message.subject,
        # Sent through SES v1 or before the patch: one body, of unknown kind.
        "text": getattr(message, "text", message.body),
        "html": getattr(message, "html", None),
    }


def sent_messages():
    """Every message moto accepted: account by account, region by region, in sending order."""
    views = []
    for account in list(ses_backends.values()):
        for backend in list(account.values()):
            for message in list(backend.sent_messages):
                if isinstance(message, (Message, RawMessage)):
                    views.append(_view(message))
    return views


def verify_identities(account_id, region, identities):
    backend = ses_backends[account_id][region]
    for identity in identities:
        if "@" in identity:
            backend.verify_email_identity(identity)
        else:
            backend.verify_domain(identity)


def install():
    SESV2Response.send_email = send_email
    SESV2Response._determine_resource = send_email_resource
    SESV2Response._authenticate_and_authorize_normal_action = authorize_as_json

