//! Every record survives a write and a read unchanged, whatever its contents.

use aws_sso_token_cache::{ClientRegistration, RoleCredentials, Secret, SsoToken, timestamp};
use proptest::prelude::*;
use time::OffsetDateTime;

fn instant() -> impl Strategy<Value = OffsetDateTime> {
    // Whole seconds between 2000 and 2100: the cache format has no fractions.
    (946_684_800i64..4_102_444_800)
        .prop_map(|s| OffsetDateTime::from_unix_timestamp(s).expect("in range"))
}

fn text() -> impl Strategy<Value = String> {
    "\\PC{0,40}"
}

proptest! {
    #[test]
    fn tokens_round_trip(
        access in text(), expires in instant(), start in prop::option::of(text()),
        client in prop::option::of((text(), text(), instant())), refresh in prop::option::of(text()),
        extra_key in "[a-z]{1,8}", extra_value in text(),
    ) {
        let mut token = SsoToken::new(Secret::new(access), expires);
        token.start_url = start;
        if let Some((id, secret, reg)) = client {
            token.client_id = Some(id);
            token.client_secret = Some(Secret::new(secret));
            token.registration_expires_at = Some(reg);
        }
        token.refresh_token = refresh.map(Secret::new);
        let known = ["starturl", "region", "accesstoken", "expiresat", "clientid", "clientsecret", "registrationexpiresat", "refreshtoken"];
        if !known.contains(&extra_key.as_str()) {
            token.extra.insert(extra_key, extra_value.into());
        }
        prop_assert_eq!(SsoToken::from_json(&token.to_json()).expect("reads back"), token);
    }

    #[test]
    fn registrations_and_role_credentials_round_trip(
        id in text(), secret in text(), expires in instant(),
        scopes in prop::option::of(prop::collection::vec(text(), 0..3)),
        key in text(), session in text(),
    ) {
        let reg = ClientRegistration {
            client_id: id.clone(), client_secret: Secret::new(secret.clone()), expires_at: expires,
            scopes: scopes.clone(), grant_types: scopes, extra: Default::default(),
        };
        prop_assert_eq!(ClientRegistration::from_json(&reg.to_json()).expect("reads back"), reg);
        let creds = RoleCredentials {
            access_key_id: key, secret_access_key: Secret::new(secret), session_token: Secret::new(session),
            expiration: Some(expires), account_id: Some(id),
        };
        prop_assert_eq!(RoleCredentials::from_json(&creds.to_json()).expect("reads back"), creds);
    }

    #[test]
    fn timestamps_round_trip(t in instant()) {
        prop_assert_eq!(timestamp::parse(&timestamp::format(t)), Some(t));
    }
}
