"""What a failed Microsoft 365 sign-in means, and what to do: MSAL's result (its
`error`, `error_description` and AADSTS code) said in a person's words."""

from __future__ import annotations

import re
from collections.abc import Mapping

from xlfollow.errors import WorkspaceError
from xlfollow.messages import Text

__all__ = ["advice_for", "signin_error"]

_AADSTS = re.compile(r"AADSTS(\d+)")

_CONSENT = Text(
    "ask IT to give the app registration the API permissions of Office 365 Exchange Online "
    "(SMTP.Send and IMAP.AccessAsUser.All for a person; SMTP.SendAsApp and IMAP.AccessAsApp "
    "for the app) and to grant admin consent for the municipality"
)
_SIGN_IN_AGAIN = Text("run `xlfollow signin` again")
_WRONG_APP = Text(
    "check tenant and client_id under [mail] in xlfollow.toml against the app registration "
    "in Entra ID (its Overview page), or ask IT for them"
)
_PUBLIC_CLIENT = Text(
    'ask IT to switch on "Allow public client flows" (Authentication) in the app '
    'registration, or use flow = "app" with the app\'s secret'
)
_SECRET = Text(
    "the app's secret is wrong or has expired: ask IT for a new client secret and set it "
    "in the environment variable XLFOLLOW_CLIENT_SECRET (or the system keyring)"
)
_POLICY = Text(
    "the municipality's sign-in rules (Conditional Access, multi-factor) stopped it: "
    "run `xlfollow signin` at a terminal, or ask IT"
)

_BY_CODE: dict[str, Text] = {
    "65001": _CONSENT,  # the user or administrator has not consented
    "65004": _CONSENT,  # the user declined to consent
    "500011": _CONSENT,  # resource principal not found: Exchange not granted
    "700016": _WRONG_APP,  # application not found in the directory
    "90002": _WRONG_APP,  # tenant not found
    "50020": _WRONG_APP,  # user account from another tenant
    "7000218": _PUBLIC_CLIENT,  # a client secret wanted: public client flows are off
    "7000215": _SECRET,  # invalid client secret
    "7000222": _SECRET,  # client secret expired
    "53003": _POLICY,  # blocked by Conditional Access
    "50076": _POLICY,  # multi-factor authentication wanted
    "50079": _POLICY,  # multi-factor registration wanted
    "700082": _SIGN_IN_AGAIN,  # refresh token expired through inactivity
    "50173": _SIGN_IN_AGAIN,  # the grant expired: the password was changed
    "70008": _SIGN_IN_AGAIN,  # the grant expired or was revoked
}

_BY_ERROR: dict[str, Text] = {
    "authorization_declined": Text(
        "the sign-in was declined in the browser; run `xlfollow signin` again and accept"
    ),
    "expired_token": Text(
        "the code was not entered in time; run `xlfollow signin` again and enter the "
        "code within the minutes shown"
    ),
    "bad_verification_code": Text("the code was not recognised; run `xlfollow signin` again"),
    "invalid_client": _WRONG_APP,
    "unauthorized_client": _WRONG_APP,
    "invalid_scope": _CONSENT,
    "consent_required": _CONSENT,
    "interaction_required": _SIGN_IN_AGAIN,
    "invalid_grant": _SIGN_IN_AGAIN,
}


def advice_for(result: Mapping[str, object]) -> Text:
    """What to do about a result of MSAL's that holds an error."""
    description = str(result.get("error_description", ""))
    codes = result.get("error_codes")
    found = [str(code) for code in codes] if isinstance(codes, list) else []
    found += _AADSTS.findall(description)
    for code in found:
        if code in _BY_CODE:
            return _BY_CODE[code]
    for key in (str(result.get("suberror", "")), str(result.get("error", ""))):
        if key in _BY_ERROR:
            return _BY_ERROR[key]
    return Text("try again later; if it fails again, show this message to IT")


def signin_error(result: Mapping[str, object]) -> WorkspaceError:
    """A failed MSAL result as an error: Microsoft's first line of words (the AADSTS
    code in it), and what to do."""
    description = str(result.get("error_description", "")).strip()
    # Microsoft's description goes on with trace and correlation ids after a line break.
    why = description.splitlines()[0] if description else str(result.get("error", "unknown"))
    return WorkspaceError(
        Text(
            "signing in to Microsoft 365 failed: {why}. What to do: {advice}",
            why=why.rstrip("."),
            advice=advice_for(result),
        )
    )
