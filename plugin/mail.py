"""Sending mail: through SMTP when ``OGSTORE_SMTP_URL`` is set, else into the log.

The log backend is the embedded default, so login links work on a machine with
no mail server: the link appears in the server's output.
"""

import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app

log = logging.getLogger(__name__)


def send_mail(to: str, subject: str, body: str) -> None:
    url = current_app.config["OGSTORE_SMTP_URL"]
    if not url:
        log.warning("mail (log backend) to %s — %s\n%s", to, subject, body)
        return
    message = EmailMessage()
    message["From"] = current_app.config["OGSTORE_MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    parts = urlsplit(url)  # smtp://user:password@host:587 (STARTTLS) or smtps://...:465
    smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with smtp_class(parts.hostname, parts.port or 0, timeout=10) as smtp:
        if parts.scheme == "smtp" and parts.port != 25:
            smtp.starttls()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)
