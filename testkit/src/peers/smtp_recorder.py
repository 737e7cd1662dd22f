"""An SMTP server for tests (aiosmtpd) that writes each message it accepts
to DIR as NNNNNN.json: the envelope, the parsed headers and the plain-text
body. Usage: smtp_recorder.py PORT DIR. With WOLFE_SMTP_USER and
WOLFE_SMTP_PASSWORD set, it offers AUTH over plain text and requires it."""

import email
import email.policy
import json
import os
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "from": str(message.get("From", "")),
            "to": [a.addr_spec for a in message["To"].addresses] if message["To"] else [],
            "subject": str(message.get("Subject", "")),
            "body": body.get_content().replace("\r\n", "\n") if body is not None else "",
            "authenticated_as": session.auth_data if isinstance(session.auth_data, str) else None,
            "raw": raw.decode("utf-8", errors="replace"),
        }
        with self.lock:
            self.count += 1
            name = "%06d.json" % self.count
        partial = os.path.join(self.directory, name + ".partial")
        with open(partial, "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.rename(partial, os.path.join(self.directory, name))
        return "250 Message accepted for delivery"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)

    return check


def main():
    # AUTH without TLS is the point of the test server; say nothing about it.
    warnings.simplefilter("ignore")
    port, directory = int(sys.argv[1]), sys.argv[2]
    user = os.environ.get("WOLFE_SMTP_USER")
    password = os.environ.get("WOLFE_SMTP_PASSWORD")
    options = {}
    if user is not None and password is not None:
        options = {
            "authenticator": authenticator(user, password),
            "auth_required": True,
            "auth_require_tls": False,
        }
    controller = Controller(
        Recorder(directory), hostname="127.0.0.1", port=port, **options
    )
    controller.start()
    threading.Event().wait()


if __name__ == "__main__":
    main()
