"""The [mail] table of xlfollow.toml: how xlfollow signs in to the mail servers, with a
password or with Microsoft 365's OAuth 2.0 (tenant, app registration, flow)."""

from __future__ import annotations

import re
from typing import Any

from xlfollow.definition.tomlreader import TomlReader, table_name
from xlfollow.messages import Text
from xlfollow.model import MailSignIn, ReceiptMode, SignInFlow, SignInMethod

__all__ = ["read_mail_signin"]

_MAIL_KEYS = ("auth", "tenant", "client_id", "flow", "receipts")
_GUID = re.compile(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_DOMAIN = re.compile(
    r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
_SECRETS = ("client_secret", "secret", "password")


def read_mail_signin(reader: TomlReader, table: dict[str, Any]) -> MailSignIn:
    """The [mail] table, each mistake a problem at its line."""
    for key in _SECRETS:
        if key in table:
            reader.problem(
                ("mail", key),
                Text(
                    "the app's secret is never kept in xlfollow.toml: remove {key}, and set "
                    "the environment variable XLFOLLOW_CLIENT_SECRET (or the system keyring)",
                    key=key,
                ),
            )
    table = {k: v for k, v in table.items() if k not in _SECRETS}
    reader.known_keys(table, ("mail",), _MAIL_KEYS, table_name("mail"))
    auth = reader.one_of(
        ("mail", "auth"),
        table.get("auth", SignInMethod.PASSWORD),
        SignInMethod.PASSWORD,
        Text(
            'auth "{value}" should be "password" or "oauth2" (Microsoft 365)',
            value=str(table.get("auth")),
        ),
    )
    flow = reader.one_of(
        ("mail", "flow"),
        table.get("flow", SignInFlow.DEVICE),
        SignInFlow.DEVICE,
        Text(
            'flow "{value}" should be "device" (a person signs in with a code) or "app" '
            "(an app registered by IT, with its secret)",
            value=str(table.get("flow")),
        ),
    )
    raw_receipts = table.get("receipts", ReceiptMode.OFF)
    if isinstance(raw_receipts, bool):  # receipts = true: as drafts, the safe way
        raw_receipts = ReceiptMode.EML if raw_receipts else ReceiptMode.OFF
    receipts = reader.one_of(
        ("mail", "receipts"),
        raw_receipts,
        ReceiptMode.OFF,
        Text(
            'receipts "{value}" should be "off", "eml" (drafts in outbox/receipts/) or "smtp" '
            "(sent through the mail server of [smtp])",
            value=str(table.get("receipts")),
        ),
    )
    texts = {k: v.strip() for k, v in reader.texts(table, "mail", ("tenant", "client_id")).items()}
    tenant, client_id = texts["tenant"], texts["client_id"]
    if tenant and not (_GUID.fullmatch(tenant) or _DOMAIN.fullmatch(tenant)):
        reader.problem(
            ("mail", "tenant"),
            Text(
                'tenant "{tenant}" should be the municipality\'s Microsoft 365 domain, like '
                '"ballerup.dk", or its directory (tenant) id, like '
                '"8d2e1f4a-0c3b-4e5f-9a6b-7c8d9e0f1a2b"',
                tenant=tenant,
            ),
        )
    if client_id and not _GUID.fullmatch(client_id):
        reader.problem(
            ("mail", "client_id"),
            Text(
                'client_id "{client_id}" should be the app registration\'s application '
                '(client) id, like "8d2e1f4a-0c3b-4e5f-9a6b-7c8d9e0f1a2b"; ask IT for it',
                client_id=client_id,
            ),
        )
    if auth is SignInMethod.OAUTH2:
        for key, value in (("tenant", tenant), ("client_id", client_id)):
            if not value:
                reader.problem(
                    ("mail", "auth"),
                    Text(
                        'auth = "oauth2" needs {key} under [mail]: ask IT for the app '
                        "registration in Entra ID made for xlfollow, its directory (tenant) id "
                        "and its application (client) id (README.md, Microsoft 365)",
                        key=key,
                    ),
                )
    return MailSignIn(auth, tenant, client_id, flow, receipts)
