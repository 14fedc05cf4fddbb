"""Drives every endpoint of aws-sso-mock with the real botocore and reports what it saw.

Run with AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_SSO_OIDC and AWS_ENDPOINT_URL_STS pointing at
the mock and MOCK_URL set to its base URL. Prints one JSON object: observation name -> value
(an exception class name where botocore raised one).
"""

import base64
import hashlib
import json
import os
import sys
import time
import urllib.parse
import urllib.request

import botocore.session
from botocore.exceptions import ClientError

MOCK = os.environ["MOCK_URL"]
START_URL = "https://d-XXXXXXXXX.awsapps.com/start"
DEVICE = "urn:ietf:params:oauth:grant-type:device_code"
REGION = "ap-northeast-1"

session = botocore.session.Session()
oidc = session.create_client("sso-oidc", region_name=REGION)
sso = session.create_client("sso", region_name=REGION)
seen = {}


def raised(name, call):
    """Records the exception class botocore raises for `call` (or 'no error')."""
    try:
        call()
        seen[name] = "no error"
    except ClientError as e:
        seen[name] = type(e).__name__
        seen[name + ".code"] = e.response["Error"]["Code"]
        seen[name + ".status"] = e.response["ResponseMetadata"]["HTTPStatusCode"]


def admin(path):
    urllib.request.urlopen(urllib.request.Request(MOCK + path, method="POST"))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def browser_authorize(client_id, redirect, verifier):
    """What a person's browser does on the authorize, sign-in and consent pages."""
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect, "state": "st",
        "code_challenge_method": "S256", "scopes": "sso:account:access", "code_challenge": challenge,
    })
    page = urllib.request.urlopen(f"{MOCK}/authorize?{query}").read().decode()
    form_id = page.split('name="id" value="')[1].split('"')[0]
    urllib.request.urlopen(f"{MOCK}/authorize/signin", urllib.parse.urlencode({"id": form_id, "username": "alice", "password": "x"}).encode())
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(f"{MOCK}/authorize/decide", urllib.parse.urlencode({"id": form_id, "decision": "allow"}).encode())
    except urllib.error.HTTPError as e:
        location = e.headers["Location"]
    params = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)
    return params["code"][0], params["state"][0]


# --- device code flow -------------------------------------------------------------------------
reg = oidc.register_client(clientName="botocore-test", clientType="public", scopes=["sso:account:access"])
cid, secret = reg["clientId"], reg["clientSecret"]
seen["register.expires_after_issue"] = reg["clientSecretExpiresAt"] > reg["clientIdIssuedAt"]
auth = oidc.start_device_authorization(clientId=cid, clientSecret=secret, startUrl=START_URL)
seen["device.interval"] = auth["interval"]
seen["device.complete_has_code"] = auth["userCode"] in auth["verificationUriComplete"]
poll = lambda: oidc.create_token(clientId=cid, clientSecret=secret, grantType=DEVICE, deviceCode=auth["deviceCode"])
raised("device.first_poll", poll)
raised("device.fast_poll", poll)
time.sleep(1.1)
token = poll()
seen["device.token_type"] = token["tokenType"]
seen["device.expires_in"] = token["expiresIn"]
seen["device.has_refresh"] = "refreshToken" in token
access = token["accessToken"]

# --- OIDC errors ------------------------------------------------------------------------------
raised("error.invalid_client", lambda: oidc.create_token(clientId="nope", clientSecret="x", grantType=DEVICE, deviceCode="d"))
raised("error.invalid_grant", lambda: oidc.create_token(clientId=cid, clientSecret=secret, grantType=DEVICE, deviceCode="unknown"))
raised("error.unsupported_grant", lambda: oidc.create_token(clientId=cid, clientSecret=secret, grantType="password"))
raised("error.invalid_scope", lambda: oidc.register_client(clientName="t", clientType="public", scopes=["NOT A SCOPE"]))
raised("error.invalid_request", lambda: oidc.create_token(clientId=cid, clientSecret=secret, grantType=DEVICE))
denied = oidc.start_device_authorization(clientId=cid, clientSecret=secret, startUrl=START_URL)
admin(f"/__mock/device/{denied['userCode']}/deny")
raised("error.access_denied", lambda: oidc.create_token(clientId=cid, clientSecret=secret, grantType=DEVICE, deviceCode=denied["deviceCode"]))

# --- refresh ----------------------------------------------------------------------------------
pending = oidc.start_device_authorization(clientId=cid, clientSecret=secret, startUrl=START_URL)
refreshed = oidc.create_token(clientId=cid, clientSecret=secret, grantType="refresh_token", refreshToken=token["refreshToken"])
seen["refresh.new_access"] = refreshed["accessToken"] != access
raised("refresh.reuse", lambda: oidc.create_token(clientId=cid, clientSecret=secret, grantType="refresh_token", refreshToken=token["refreshToken"]))

# --- PKCE -------------------------------------------------------------------------------------
preg = oidc.register_client(
    clientName="botocore-pkce", clientType="public", scopes=["sso:account:access"],
    grantTypes=["authorization_code", "refresh_token"], redirectUris=["http://127.0.0.1/oauth/callback"], issuerUrl=START_URL,
)
verifier = "x" * 64
redirect = "http://127.0.0.1:54321/oauth/callback"
code, state = browser_authorize(preg["clientId"], redirect, verifier)
seen["pkce.state"] = state
raised("pkce.wrong_verifier", lambda: oidc.create_token(
    clientId=preg["clientId"], clientSecret=preg["clientSecret"], grantType="authorization_code",
    code=code, redirectUri=redirect, codeVerifier="y" * 64))
code, _ = browser_authorize(preg["clientId"], redirect, verifier)
ptoken = oidc.create_token(clientId=preg["clientId"], clientSecret=preg["clientSecret"], grantType="authorization_code",
                           code=code, redirectUri=redirect, codeVerifier=verifier)
seen["pkce.has_refresh"] = "refreshToken" in ptoken

# --- portal -----------------------------------------------------------------------------------
pages = sso.get_paginator("list_accounts").paginate(accessToken=access, PaginationConfig={"PageSize": 1})
seen["portal.accounts"] = [a["accountId"] for page in pages for a in page["accountList"]]
seen["portal.roles"] = [r["roleName"] for r in sso.list_account_roles(accessToken=access, accountId="123456789011")["roleList"]]
creds = sso.get_role_credentials(accessToken=access, accountId="123456789011", roleName="ReadOnly")["roleCredentials"]
seen["portal.expiration_ms_ahead"] = creds["expiration"] - int(time.time() * 1000)
raised("portal.forbidden", lambda: sso.get_role_credentials(accessToken=access, accountId="210987654321", roleName="Administrator"))

# --- STS --------------------------------------------------------------------------------------
def sts_with(secret_key):
    return session.create_client("sts", region_name=REGION, aws_access_key_id=creds["accessKeyId"],
                                 aws_secret_access_key=secret_key, aws_session_token=creds["sessionToken"])

me = sts_with(creds["secretAccessKey"]).get_caller_identity()
seen["sts.account"] = me["Account"]
seen["sts.arn"] = me["Arn"]
raised("sts.wrong_secret", lambda: sts_with("wrong" + creds["secretAccessKey"]).get_caller_identity())

# --- logout -----------------------------------------------------------------------------------
sso.logout(accessToken=access)
raised("portal.after_logout", lambda: sso.list_accounts(accessToken=access))

# --- expiry (last: it expires every token and code the mock issued) ------------------------------
admin("/__mock/expire")
raised("error.expired_token", lambda: oidc.create_token(clientId=cid, clientSecret=secret, grantType=DEVICE, deviceCode=pending["deviceCode"]))
raised("portal.expired_token", lambda: sso.list_accounts(accessToken=refreshed["accessToken"]))

print(json.dumps(seen))
