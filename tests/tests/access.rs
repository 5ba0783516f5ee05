//! Identity and access: token verification (our HS256 tokens, an identity provider's RS256
//! tokens by PEM or JWKS, Entree/SURFconext-style claims), the attacks that must fail,
//! `viewer`, error masking, introspection switch and the audit log.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use leerroute::config::{AuthArgs, ServiceArgs};
use leerroute_tests::{Options, TestApp, db_test, default_auth, fixture, small_region};
use serde_json::{Value, json};

const VIEWER: &str = "{ viewer { role subject region { code } school { brin } } }";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn sign(algorithm: Algorithm, key: &EncodingKey, kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(algorithm);
    header.kid = kid.map(str::to_owned);
    encode(&header, claims, key).unwrap()
}

fn idp_key() -> EncodingKey {
    EncodingKey::from_rsa_pem(&std::fs::read(fixture("idp-private.pem")).unwrap()).unwrap()
}

fn with_pem() -> Options {
    Options {
        auth: Some(AuthArgs {
            jwt_public_key: Some(fixture("idp-public.pem")),
            jwt_issuer: Some("https://idp.example.org".into()),
            jwt_audience: Some("leerroute".into()),
            ..default_auth()
        }),
        service: None,
    }
}

fn with_jwks() -> Options {
    Options {
        auth: Some(AuthArgs {
            jwt_jwks: Some(fixture("jwks.json")),
            ..default_auth()
        }),
        service: None,
    }
}

async fn viewer(app: &TestApp, token: &str) -> Value {
    app.gql(Some(token), VIEWER, json!({})).await
}

fn refused(body: &Value) -> bool {
    body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        && body.get("data").is_none_or(Value::is_null)
}

db_test!(
    token_attacks_are_refused,
    with_pem,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let secret = EncodingKey::from_secret(app.secrets.jwt.as_bytes()).unwrap();
        let good = json!({"sub": "s", "role": "coordinator", "region": "AMS", "exp": now() + 600});
        assert_eq!(
            viewer(&app, &sign(Algorithm::HS256, &secret, None, &good)).await["data"]["viewer"]["role"],
            "COORDINATOR"
        );

        let expired = json!({"sub": "s", "role": "admin", "exp": now() - 3600});
        let wrong_secret = EncodingKey::from_secret(b"not-the-secret-at-all-0123456789").unwrap();
        let public_pem = std::fs::read(fixture("idp-public.pem")).unwrap();
        let confusion = EncodingKey::from_secret(&public_pem).unwrap();
        let other_rsa =
            EncodingKey::from_rsa_pem(&std::fs::read(fixture("other-private.pem")).unwrap())
                .unwrap();
        let idp_claims = json!({"sub": "idp-user", "role": "admin", "exp": now() + 600, "iss": "https://idp.example.org", "aud": "leerroute"});
        let header_none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let body_none = URL_SAFE_NO_PAD
            .encode(json!({"sub": "x", "role": "admin", "exp": now() + 600}).to_string());
        let attacks: Vec<(&str, String)> = vec![
            ("expired", sign(Algorithm::HS256, &secret, None, &expired)),
            (
                "bad signature",
                sign(Algorithm::HS256, &wrong_secret, None, &good),
            ),
            ("alg none", format!("{header_none}.{body_none}.")),
            (
                "HS256 signed with the RSA public key",
                sign(Algorithm::HS256, &confusion, None, &idp_claims),
            ),
            (
                "RS256 signed by another key",
                sign(Algorithm::RS256, &other_rsa, None, &idp_claims),
            ),
            (
                "unknown role",
                sign(
                    Algorithm::HS256,
                    &secret,
                    None,
                    &json!({"sub": "s", "role": "wizard", "exp": now() + 600}),
                ),
            ),
            (
                "no role, no affiliation",
                sign(
                    Algorithm::HS256,
                    &secret,
                    None,
                    &json!({"sub": "s", "exp": now() + 600}),
                ),
            ),
            (
                "coordinator without region",
                sign(
                    Algorithm::HS256,
                    &secret,
                    None,
                    &json!({"sub": "s", "role": "coordinator", "exp": now() + 600}),
                ),
            ),
            (
                "no exp",
                sign(
                    Algorithm::HS256,
                    &secret,
                    None,
                    &json!({"sub": "s", "role": "admin"}),
                ),
            ),
            (
                "wrong issuer",
                sign(
                    Algorithm::RS256,
                    &idp_key(),
                    None,
                    &json!({"sub": "u", "role": "admin", "exp": now() + 600, "iss": "https://evil.example", "aud": "leerroute"}),
                ),
            ),
            (
                "wrong audience",
                sign(
                    Algorithm::RS256,
                    &idp_key(),
                    None,
                    &json!({"sub": "u", "role": "admin", "exp": now() + 600, "iss": "https://idp.example.org", "aud": "other"}),
                ),
            ),
            ("garbage", "not.a.token".to_owned()),
            ("empty", String::new()),
        ];
        for (name, token) in attacks {
            let body = viewer(&app, &token).await;
            assert!(refused(&body), "{name}: {body}");
        }
        let response = app
            .client()
            .post(format!("{}/graphql", app.base_url))
            .header("Authorization", "Basic abc")
            .json(&json!({"query": VIEWER}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        // A little clock skew is tolerated.
        let just_expired = json!({"sub": "s", "role": "admin", "exp": now() - 5});
        assert_eq!(
            viewer(&app, &sign(Algorithm::HS256, &secret, None, &just_expired)).await["data"]["viewer"]
                ["role"],
            "ADMIN"
        );
        // An identity provider's `role` claim counts for nothing (never admin): without an
        // affiliation the token has no role at all.
        let idp = sign(Algorithm::RS256, &idp_key(), None, &idp_claims);
        assert!(
            refused(&viewer(&app, &idp).await),
            "an RS256 token claiming admin"
        );
    }
);

db_test!(
    identity_provider_tokens_map_to_roles,
    with_jwks,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let entree = |affiliation: Value, brin: &str| json!({"sub": "urn:entree:abc", "exp": now() + 600, "nlEduPersonHomeOrganizationId": brin, "eduPersonAffiliation": affiliation});
        let staff = sign(
            Algorithm::RS256,
            &idp_key(),
            Some("idp-2026"),
            &entree(json!(["employee", "member"]), "11AA"),
        );
        let body = viewer(&app, &staff).await;
        assert_eq!(
            body["data"]["viewer"],
            json!({"role": "SCHOOL_STAFF", "subject": "urn:entree:abc", "region": null, "school": {"brin": "11AA"}})
        );
        let pupil = sign(
            Algorithm::RS256,
            &idp_key(),
            Some("idp-2026"),
            &entree(json!("student"), "11AA"),
        );
        assert_eq!(
            viewer(&app, &pupil).await["data"]["viewer"]["role"],
            "STUDENT"
        );
        // A location BRIN (six characters) maps to its school.
        let location = sign(
            Algorithm::RS256,
            &idp_key(),
            Some("idp-2026"),
            &entree(json!(["staff"]), "11AA01"),
        );
        assert_eq!(
            viewer(&app, &location).await["data"]["viewer"]["school"]["brin"],
            "11AA"
        );
        // The school's staff may now write their own school's things.
        let created = app.gql(Some(&staff), "mutation { createProgramme(input: {schoolBrin: \"11AA\", name: \"TL\", leerweg: TL}) { programme { name } } }", json!({})).await;
        assert!(created.get("errors").is_none(), "{created}");
        let other = app.gql(Some(&staff), "mutation { createProgramme(input: {schoolBrin: \"22BB\", name: \"x\", crebo: \"12345\", level: 2}) { programme { name } } }", json!({})).await;
        assert_eq!(other["errors"][0]["extensions"]["code"], "FORBIDDEN");
        let unmapped = sign(
            Algorithm::RS256,
            &idp_key(),
            Some("idp-2026"),
            &entree(json!(["alum"]), "11AA"),
        );
        assert!(refused(&viewer(&app, &unmapped).await));
        let unknown_kid = sign(
            Algorithm::RS256,
            &idp_key(),
            Some("rotated-away"),
            &entree(json!(["employee"]), "11AA"),
        );
        assert!(refused(&viewer(&app, &unknown_kid).await));
    }
);

db_test!(viewer_describes_every_role, |app: TestApp| async move {
    small_region(&app, "AMS", "11AA", "22BB").await;
    assert_eq!(
        app.ok(None, VIEWER, json!({})).await["viewer"],
        json!({"role": "ANONYMOUS", "subject": null, "region": null, "school": null})
    );
    assert_eq!(
        app.ok(Some(&app.coordinator("AMS")), VIEWER, json!({}))
            .await["viewer"]["region"]["code"],
        "AMS"
    );
    assert_eq!(
        app.ok(Some(&app.staff("22BB")), VIEWER, json!({})).await["viewer"]["school"]["brin"],
        "22BB"
    );
    assert_eq!(
        app.ok(Some(&app.admin()), VIEWER, json!({})).await["viewer"]["subject"],
        "test-admin"
    );
});

db_test!(
    internal_errors_are_masked_with_a_request_id,
    |app: TestApp| async move {
        use sea_orm::ConnectionTrait;
        small_region(&app, "AMS", "11AA", "22BB").await;
        app.db
            .execute_unprepared("DROP TABLE leerlab_target_programme")
            .await
            .unwrap();
        app.ok(Some(&app.coordinator("AMS")), "mutation { createLeerlab(input: {regionCode: \"AMS\", code: \"LAB\", name: \"L\", kind: LEERLIJN}) { leerlab { id } } }", json!({})).await;
        let response = app
            .client()
            .post(format!("{}/graphql", app.base_url))
            .json(
                &json!({"query": "{ leerlab(code: \"LAB\") { code targetProgrammes { name } } }"}),
            )
            .send()
            .await
            .unwrap();
        let request_id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        let body: Value = response.json().await.unwrap();
        let error = &body["errors"][0];
        assert_eq!(error["extensions"]["code"], "INTERNAL");
        assert_eq!(error["extensions"]["requestId"], request_id.as_str());
        let text = body.to_string().to_lowercase();
        for leak in [
            "leerlab_target_programme",
            "no such table",
            "relation",
            "sql",
            "select",
        ] {
            assert!(
                !text.contains(leak),
                "database detail `{leak}` reached the client: {body}"
            );
        }
    }
);

fn without_introspection() -> Options {
    Options {
        auth: None,
        service: Some(ServiceArgs {
            introspection: false,
            ..ServiceArgs::default()
        }),
    }
}

db_test!(
    introspection_can_be_switched_off,
    without_introspection,
    |app: TestApp| async move {
        let body = app
            .ok(
                None,
                "{ __schema { queryType { name } } __type(name: \"Query\") { name } }",
                json!({}),
            )
            .await;
        assert!(
            body["__schema"].is_null() && body["__type"].is_null(),
            "the schema stays hidden: {body}"
        );
        let page = app
            .client()
            .get(format!("{}/graphql", app.base_url))
            .header("accept", "text/html")
            .send()
            .await
            .expect("GET /graphql");
        assert_eq!(page.status(), 404, "no GraphiQL");
        assert_eq!(
            app.ok(None, "{ regions { totalCount } }", json!({})).await["regions"]["totalCount"],
            0
        );
    }
);

db_test!(introspection_is_on_by_default, |app: TestApp| async move {
    let body = app
        .ok(None, "{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(body["__schema"]["queryType"]["name"], "Query");
});

db_test!(
    audit_log_records_writes_in_their_transaction_and_is_admin_only,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let coordinator = app.coordinator("AMS");
        let create = "mutation($b: String!) { createSchool(input: {regionCode: \"AMS\", brin: $b, name: \"N\", sector: VO}) { school { id } } }";
        app.ok(Some(&coordinator), create, json!({"b": "33CC"}))
            .await;
        assert_eq!(
            app.error_code(Some(&coordinator), create, json!({"b": "33CC"}))
                .await,
            "CONFLICT"
        );
        let admin = app.admin();
        let log = app
        .ok(Some(&admin), "{ auditEvents(filter: {subject: \"coordinator-AMS\"}) { totalCount nodes { at subject role action target requestId } } }", json!({}))
        .await;
        assert_eq!(
            log["auditEvents"]["totalCount"], 1,
            "the refused duplicate left no audit record"
        );
        let event = &log["auditEvents"]["nodes"][0];
        assert_eq!(event["action"], "school.create");
        assert_eq!(event["target"], "School:33CC");
        assert_eq!(event["role"], "coordinator");
        let later = app
            .ok(
                Some(&admin),
                "query($f: DateTime!) { auditEvents(filter: {from: $f}) { totalCount } }",
                json!({"f": "2999-01-01T00:00:00Z"}),
            )
            .await;
        assert_eq!(later["auditEvents"]["totalCount"], 0);
        let by_action = app
            .ok(
                Some(&admin),
                "{ auditEvents(filter: {action: \"region.create\"}) { totalCount } }",
                json!({}),
            )
            .await;
        assert_eq!(by_action["auditEvents"]["totalCount"], 1);
        for token in [coordinator, app.staff("11AA")] {
            assert_eq!(
                app.error_code(Some(&token), "{ auditEvents { totalCount } }", json!({}))
                    .await,
                "FORBIDDEN"
            );
        }
        assert_eq!(
            app.error_code(None, "{ auditEvents { totalCount } }", json!({}))
                .await,
            "UNAUTHENTICATED"
        );
    }
);

/// Budgets of cost points: `{ viewer { role } }` costs 2, a refused token 1.
fn tight_rate_limit() -> Options {
    rate_limit(6)
}

fn rate_limit(points: u64) -> Options {
    Options {
        auth: None,
        service: Some(ServiceArgs {
            rate_limit: points,
            ..ServiceArgs::default()
        }),
    }
}

/// Three CSV exports' worth.
fn door_rate_limit() -> Options {
    rate_limit(3 * leerroute::graphql::cost::EXPORT_CSV)
}

db_test!(
    callers_over_their_budget_are_rate_limited,
    tight_rate_limit,
    |app: TestApp| async move {
        let token = app.coordinator("AMS");
        for _ in 0..3 {
            app.ok(Some(&token), "{ viewer { role } }", json!({})).await;
        }
        let response = app
            .client()
            .post(format!("{}/graphql", app.base_url))
            .bearer_auth(&token)
            .json(&json!({"query": "{ viewer { role } }"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 429);
        assert!(response.headers().contains_key("retry-after"));
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
        // Another caller still has a budget of their own.
        app.ok(Some(&app.admin()), "{ viewer { role } }", json!({}))
            .await;
    }
);

db_test!(
    refused_tokens_and_every_door_spend_from_the_budget,
    tight_rate_limit,
    |app: TestApp| async move {
        // A refused token spends from the budget of the address it came from, so tokens cannot
        // be guessed without limit; anonymous callers of that address share it. The calendar
        // feed needs no token, but a bad one is refused there too.
        let response = app.get("/calendar/AMS.ics", Some("not-a-token")).await;
        assert_eq!(response.status(), 401);
        assert!(
            response
                .text()
                .await
                .unwrap()
                .starts_with("UNAUTHENTICATED: ")
        );
        for _ in 0..5 {
            let body = app
                .gql(Some("not-a-token"), "{ viewer { role } }", json!({}))
                .await;
            assert!(refused(&body), "{body}");
        }
        let body = app.gql(None, "{ viewer { role } }", json!({})).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    }
);

db_test!(
    every_door_spends_from_the_budget,
    door_rate_limit,
    |app: TestApp| async move {
        // The CSV export and the calendar feed are doors like `/graphql`: same budget, same
        // 429 with `Retry-After`, in their own text format.
        let limit = 3 * leerroute::graphql::cost::EXPORT_CSV;
        for (path, token, weight) in [
            (
                "/export/transition-stats.csv",
                app.coordinator("AMS"),
                leerroute::graphql::cost::EXPORT_CSV,
            ),
            (
                "/calendar/AMS.ics",
                app.staff("11AA"),
                leerroute::graphql::cost::CALENDAR,
            ),
        ] {
            for _ in 0..limit / weight {
                let status = app.get(path, Some(&token)).await.status();
                assert_ne!(status, 429, "{path}");
            }
            let response = app.get(path, Some(&token)).await;
            assert_eq!(response.status(), 429, "{path}");
            assert!(response.headers().contains_key("retry-after"), "{path}");
            let text = response.text().await.unwrap();
            assert!(text.starts_with("RATE_LIMITED: "), "{path}: {text}");
        }
    }
);
