"""Asks the real botocore what it does with aws-sso-rs's files, for the compatibility tests.

Run with HOME (and AWS_CONFIG_FILE) pointing at a temporary home; prints one JSON value.
Every endpoint is pointed at a closed local port, so a probe that would need the network
fails at once instead of reaching AWS.
"""

import hashlib
import json
import os
import sys
from datetime import datetime, timedelta, timezone

for service in ("SSO", "SSO_OIDC", "STS"):
    os.environ.setdefault(f"AWS_ENDPOINT_URL_{service}", "http://127.0.0.1:9")

import botocore.session  # noqa: E402  (the environment must be set first)
from botocore.credentials import SSOCredentialFetcher, SSOProvider  # noqa: E402
from botocore.tokens import SSOTokenProvider, _sso_json_dumps  # noqa: E402
from botocore.utils import JSONFileCache, SSOTokenLoader  # noqa: E402

SSO_CACHE = os.path.expanduser(os.path.join("~", ".aws", "sso", "cache"))
CLI_CACHE = os.path.expanduser(os.path.join("~", ".aws", "cli", "cache"))


def load_token(profile):
    """The token botocore's SSOTokenProvider resolves for an sso-session profile."""
    session = botocore.session.Session(profile=profile)
    token = SSOTokenProvider(session).load_token().get_frozen_token()
    return {"token": token.token, "expiration": token.expiration.isoformat()}


def write_token(session_name, start_url, region, access_token, expires_in, style):
    """Writes a token the way botocore does: `sso` style is SSOTokenProvider's writer
    (timestamps ending in Z), `legacy` style is JSONFileCache's default (ending in UTC)."""
    dumps = _sso_json_dumps if style == "sso" else None
    cache = JSONFileCache(SSO_CACHE, dumps_func=dumps)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    token = {
        "startUrl": start_url,
        "region": region,
        "accessToken": access_token,
        "expiresAt": now + timedelta(seconds=int(expires_in)),
        "clientId": "client-id",
        "clientSecret": "client-secret",
        "registrationExpiresAt": now + timedelta(days=90),
        "refreshToken": "refresh-token",
    }
    name = None if session_name == "-" else session_name
    SSOTokenLoader(cache).save_token(start_url, token, session_name=name)
    return {"expiresAt": (now + timedelta(seconds=int(expires_in))).isoformat()}


def role_key(account_id, role_name, start_url, session_name):
    """botocore's own file name for a role's cached credentials."""
    fetcher = SSOCredentialFetcher(
        start_url,
        "us-east-1",
        role_name,
        account_id,
        client_creator=None,
        sso_session_name=None if session_name == "-" else session_name,
    )
    return fetcher._create_cache_key()


def registration_key(start_url, region, session_name, scopes):
    """The AWS CLI v2's registration file name: the SHA-1 of json.dumps(sort_keys=True) of
    these five fields (the AWS CLI v2 is not on PyPI, so its rule is restated here)."""
    args = {
        "tool": "botocore",
        "startUrl": start_url,
        "region": region,
        "scopes": None if scopes == "-" else json.loads(scopes),
        "session_name": None if session_name == "-" else session_name,
    }
    return hashlib.sha1(json.dumps(args, sort_keys=True).encode("utf-8")).hexdigest()


def load_role_credentials(profile):
    """The credentials botocore's SSO provider finds for a profile with the AWS CLI's file
    cache, without any request (endpoints point at a closed port)."""
    session = botocore.session.Session(profile=profile)
    provider = SSOProvider(
        load_config=lambda: session.full_config,
        client_creator=session.create_client,
        profile_name=profile,
        cache=JSONFileCache(CLI_CACHE),
        token_provider=SSOTokenProvider(session),
    )
    creds = provider.load().get_frozen_credentials()
    return {"access_key": creds.access_key, "secret_key": creds.secret_key, "token": creds.token}


def load_credentials(profile):
    """The credentials botocore's default chain resolves for an SSO profile."""
    creds = botocore.session.Session(profile=profile).get_credentials().get_frozen_credentials()
    return {"access_key": creds.access_key, "method": botocore.session.Session(profile=profile).get_credentials().method}


def load_assumed_role(profile):
    """The credentials botocore resolves for a role_arn profile, configured as the AWS CLI
    configures it (awscli.customizations.assumerole): the assume-role provider caches in
    ~/.aws/cli/cache."""
    session = botocore.session.Session(profile=profile)
    provider = session.get_component("credential_provider").get_provider("assume-role")
    provider.cache = JSONFileCache(CLI_CACHE)
    creds = session.get_credentials()
    frozen = creds.get_frozen_credentials()
    return {"access_key": frozen.access_key, "method": creds.method}


def scoped_config(profile):
    """The settings botocore reads for a profile (its config-file parser)."""
    return botocore.session.Session(profile=profile).get_scoped_config()


COMMANDS = {
    "load-credentials": load_credentials,
    "scoped-config": scoped_config,

    "load-token": load_token,
    "write-token": write_token,
    "role-key": role_key,
    "registration-key": registration_key,
    "load-role-credentials": load_role_credentials,
    "load-assumed-role": load_assumed_role,
}

if __name__ == "__main__":
    command, *args = sys.argv[1:]
    print(json.dumps(COMMANDS[command](*args)))
