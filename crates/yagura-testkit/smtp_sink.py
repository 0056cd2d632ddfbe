"""An SMTP sink for the notification tests (aiosmtpd, PyPI).

usage: smtp_sink.py PORT OUTDIR REFUSE [USER PASSWORD]

Listens on 127.0.0.1:PORT. The first REFUSE messages are answered `451` (a sink that refuses,
then accepts). With USER and PASSWORD, AUTH (PLAIN or LOGIN) is required and checked. Each
accepted message is written to OUTDIR/msg-N.json, decoded with Python's email package. Prints
READY when listening; stops when stdin closes.

Environment: SMTP_SINK_TLS=starttls (STARTTLS offered and required) or tls (SMTPS from the first
byte), with SMTP_SINK_CERT and SMTP_SINK_KEY (PEM); SMTP_SINK_XOAUTH2=TOKEN offers AUTH XOAUTH2,
accepted for USER with that bearer token.
"""
import email
import email.policy
import json
import logging
import base64
import os
import ssl
import sys
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, outdir, refuse = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
user = sys.argv[4] if len(sys.argv) > 4 else ""
password = sys.argv[5] if len(sys.argv) > 5 else ""
tls_mode = os.environ.get("SMTP_SINK_TLS", "")
xoauth2_token = os.environ.get("SMTP_SINK_XOAUTH2", "")


class Handler:
    def __init__(self):
        self.refused = 0
        self.accepted = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refused < refuse:
            self.refused += 1
            return "451 4.3.0 try again later"
        self.accepted += 1
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        plain = msg.get_body(("plain",))
        html = msg.get_body(("html",))
        rec = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(msg["subject"]),
            "from": str(msg["from"]),
            "to": str(msg["to"]),
            "severity": str(msg["x-yagura-severity"]),
            "text": plain.get_content() if plain else None,
            "html": html.get_content() if html else None,
            "authenticated": bool(getattr(session, "authenticated", False)),
            "raw": envelope.original_content.decode("utf-8", "replace"),
        }
        path = os.path.join(outdir, "msg-%04d.json" % self.accepted)
        with open(path + ".tmp", "w") as f:
            json.dump(rec, f)
        os.rename(path + ".tmp", path)
        return "250 OK"

    async def auth_XOAUTH2(self, server, args):
        # AUTH XOAUTH2 <base64 of "user=U\x01auth=Bearer T\x01\x01"> (RFC 7628's SASL form).
        if not xoauth2_token or len(args) < 2:
            return AuthResult(success=False, handled=False)
        try:
            fields = base64.b64decode(args[1]).decode().split("\x01")
        except Exception:
            return AuthResult(success=False, handled=False)
        ok = f"user={user}" in fields and f"auth=Bearer {xoauth2_token}" in fields
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)


def authenticator(server, session, envelope, mechanism, auth_data):
    if not isinstance(auth_data, LoginPassword):
        return AuthResult(success=False, handled=False)
    ok = auth_data.login.decode() == user and auth_data.password.decode() == password
    # handled=False: aiosmtpd answers (235 or 535) itself.
    return AuthResult(success=ok, handled=False)


# Plain-text AUTH is what the test exercises, on loopback only.
warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
warnings.filterwarnings("ignore", category=DeprecationWarning)
logging.getLogger("mail.log").setLevel(logging.CRITICAL)
kw = {}
if user:
    kw = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
if tls_mode:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(os.environ["SMTP_SINK_CERT"], os.environ["SMTP_SINK_KEY"])
    if tls_mode == "starttls":
        kw.update(tls_context=ctx, require_starttls=True)
    else:
        kw.update(ssl_context=ctx)
controller = Controller(Handler(), hostname="127.0.0.1", port=port, **kw)
controller.start()
print("READY", flush=True)
try:
    sys.stdin.read()
finally:
    controller.stop()
