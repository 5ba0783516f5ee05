//! Pupil data only where it belongs (issue #10, items 1, 4 and 6), each test an attack that
//! used to work and now gets nothing, on SQLite and PostgreSQL:
//! - mbo staff importing an enrolment with any known PGN (even dated 2001) read the pupil;
//! - an identity provider's token claims `role: admin`, its student's numeric `sub` reads
//!   `Student:N`, it leaves out `iss`/`aud`, or it is not valid yet (`nbf`);
//! - a coach assigned from a later day sees the pupil's activity enrolments today.

mod support;

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use leerroute::config::AuthArgs;
use leerroute_tests::{
    MBO_HEADER, Options, TestApp, VO_HEADER, bsn, db_test, default_auth, fixture, small_region,
};
use serde_json::{Value, json};
use support::*;

const STUDENTS: &str = "{ students(first: 50) { totalCount nodes { id } } }";
const ISSUER: &str = "https://idp.example.org";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn with_idp() -> Options {
    Options {
        auth: Some(AuthArgs {
            jwt_public_key: Some(fixture("idp-public.pem")),
            jwt_issuer: Some(ISSUER.into()),
            jwt_audience: Some("leerroute".into()),
            ..default_auth()
        }),
        service: None,
    }
}

fn idp(claims: &Value) -> String {
    let key =
        EncodingKey::from_rsa_pem(&std::fs::read(fixture("idp-private.pem")).unwrap()).unwrap();
    encode(&Header::new(Algorithm::RS256), claims, &key).unwrap()
}

/// Claims of an identity provider's token: its issuer and audience, valid for ten minutes.
fn idp_claims(extra: Value) -> Value {
    let mut claims = json!({"iss": ISSUER, "aud": "leerroute", "exp": now() + 600});
    for (key, value) in extra.as_object().unwrap() {
        claims[key] = value.clone();
    }
    claims
}

fn unauthenticated(body: &Value) -> bool {
    body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
}

async fn import(app: &TestApp, kind: &str, header: &str, rows: &[String]) {
    let mutation = match kind {
        "vo" => "mutation($input: ImportInput!) { importVoLeavers(input: $input) { rows } }",
        _ => "mutation($input: ImportInput!) { importMboEnrolments(input: $input) { rows } }",
    };
    let csv = format!("{header}\n{}\n", rows.join("\n"));
    let body = app.upload(Some(&app.admin()), mutation, &csv).await;
    assert!(body.get("errors").is_none(), "{body:#}");
}

/// Whether `students` gives the token nothing: FORBIDDEN (no record in its scope at all) or an
/// empty list.
async fn reads_nothing(app: &TestApp, token: &str) -> bool {
    let body = app.gql(Some(token), STUDENTS, json!({})).await;
    body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        || body["data"]["students"]["totalCount"] == 0
}

async fn total(app: &TestApp, token: &str) -> i64 {
    app.ok(Some(token), STUDENTS, json!({})).await["students"]["totalCount"]
        .as_i64()
        .unwrap()
}

db_test!(
    an_enrolment_before_leaving_reaches_no_vmbo_record,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let victim = bsn(1);
        import(
            &app,
            "vo",
            VO_HEADER,
            &[format!("{victim},11AA,TL,E&O,2024-2025,2025-06-02,,,")],
        )
        .await;
        let mbo = app.staff("22BB");
        // The attack: an enrolment with a known PGN, dated long before the pupil left vmbo.
        import(
            &app,
            "mbo",
            MBO_HEADER,
            &[format!("{victim},22BB,12345,4,2001-09-01,enrolled,")],
        )
        .await;
        assert_eq!(
            total(&app, &mbo).await,
            0,
            "a 2001 enrolment reaches nobody"
        );
        let transitions = app
            .ok(Some(&mbo), "{ transitions { totalCount } }", json!({}))
            .await;
        assert_eq!(transitions["transitions"]["totalCount"], 0);
        // A real enrolment, after the exam: now the pupil is theirs to follow.
        import(
            &app,
            "mbo",
            MBO_HEADER,
            &[format!("{victim},22BB,12345,4,2025-09-01,enrolled,")],
        )
        .await;
        assert_eq!(total(&app, &mbo).await, 1);
    }
);

db_test!(
    identity_provider_tokens_are_trusted_no_further_than_the_design,
    with_idp,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let viewer = "{ viewer { role subject } }";
        // `role: admin` from the provider counts for nothing: the affiliation decides.
        let staff = idp(&idp_claims(json!({"sub": "u1", "role": "admin",
            "eduPersonAffiliation": "employee", "nlEduPersonHomeOrganizationId": "11AA"})));
        let body = app.gql(Some(&staff), viewer, json!({})).await;
        assert_eq!(body["data"]["viewer"]["role"], "SCHOOL_STAFF", "{body}");
        let only_role = idp(&idp_claims(json!({"sub": "u2", "role": "admin"})));
        assert!(unauthenticated(
            &app.gql(Some(&only_role), viewer, json!({})).await
        ));

        // Issuer and audience are configured, so a token without them is refused.
        let affiliated = json!({"sub": "u3", "eduPersonAffiliation": "employee",
            "nlEduPersonHomeOrganizationId": "11AA", "exp": now() + 600});
        let mut no_iss = affiliated.clone();
        no_iss["aud"] = json!("leerroute");
        let mut no_aud = affiliated.clone();
        no_aud["iss"] = json!(ISSUER);
        for claims in [affiliated, no_iss, no_aud] {
            let body = app.gql(Some(&idp(&claims)), viewer, json!({})).await;
            assert!(unauthenticated(&body), "{claims}: {body}");
        }

        // `nbf` in the future is refused, for the provider's tokens and our own.
        let later = idp(&idp_claims(json!({"sub": "u4", "nbf": now() + 3600,
            "eduPersonAffiliation": "employee", "nlEduPersonHomeOrganizationId": "11AA"})));
        assert!(unauthenticated(
            &app.gql(Some(&later), viewer, json!({})).await
        ));
        let ours = encode(
            &Header::new(Algorithm::HS256),
            &json!({"sub": "s", "role": "admin", "exp": now() + 7200, "nbf": now() + 3600}),
            &EncodingKey::from_secret(app.secrets.jwt.as_bytes()).unwrap(),
        )
        .unwrap();
        assert!(unauthenticated(
            &app.gql(Some(&ours), viewer, json!({})).await
        ));
    }
);

db_test!(
    an_identity_provider_student_reads_a_record_only_once_linked,
    with_idp,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        school(&app, "AMS", "12AA", "VO").await;
        let record = pupil(&app, "11AA").await;
        let (_, numeric) = leerroute::ids::decode(&record).unwrap();
        // The attack: a provider's student whose `sub` happens to be the record's number.
        let student = |sub: String| {
            idp(&idp_claims(
                json!({"sub": sub, "eduPersonAffiliation": "student",
                "nlEduPersonHomeOrganizationId": "11AA"}),
            ))
        };
        let numeric_sub = student(numeric.to_string());
        assert!(reads_nothing(&app, &numeric_sub).await);
        let direct = app
            .gql(
                Some(&numeric_sub),
                "query($id: ID!) { student(id: $id) { id } }",
                json!({"id": record}),
            )
            .await;
        assert_eq!(
            direct["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{direct}"
        );

        let link = "mutation($s: ID!, $sub: String!) { linkIdentity(input: {studentId: $s, subject: $sub, issuer: \"https://idp.example.org\"}) { student { id } } }";
        // Another school cannot link (or take over) the subject.
        let foreign = app
            .gql(
                Some(&app.staff("12AA")),
                link,
                json!({"s": record, "sub": "urn:idp:ann"}),
            )
            .await;
        assert_eq!(foreign["errors"][0]["extensions"]["code"], "FORBIDDEN");
        let linked = app
            .ok(
                Some(&app.staff("11AA")),
                link,
                json!({"s": record, "sub": "urn:idp:ann"}),
            )
            .await;
        assert_eq!(linked["linkIdentity"]["student"]["id"], record);
        let ann = student("urn:idp:ann".into());
        let own = app.ok(Some(&ann), STUDENTS, json!({})).await;
        assert_eq!(own["students"]["nodes"][0]["id"], record);
        assert!(reads_nothing(&app, &numeric_sub).await);
        // Another school's pupil record cannot be moved onto the subject by that school.
        let theirs = pupil(&app, "12AA").await;
        let takeover = app
            .gql(
                Some(&app.staff("12AA")),
                link,
                json!({"s": theirs, "sub": "urn:idp:ann"}),
            )
            .await;
        assert_eq!(takeover["errors"][0]["extensions"]["code"], "FORBIDDEN");
        // The link holds only under a school claim that covers the record.
        let elsewhere = idp(&idp_claims(json!({"sub": "urn:idp:ann",
            "eduPersonAffiliation": "student", "nlEduPersonHomeOrganizationId": "12AA"})));
        assert!(reads_nothing(&app, &elsewhere).await);
    }
);

db_test!(
    a_coach_assigned_from_a_later_day_sees_nothing_yet,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let staff = app.staff("11AA");
        let record = pupil(&app, "11AA").await;
        let activity = published(&app, activity_input("11AA", &[], json!({}))).await;
        app.ok(Some(&staff), ENROL, json!({"a": activity, "s": record}))
            .await;
        let coach = app.ok(Some(&staff), "mutation { createPerson(input: {name: \"Coach\", function: COACH, schoolBrin: \"11AA\"}) { person { id } } }", json!({})).await["createPerson"]["person"]["id"].as_str().unwrap().to_owned();
        let later = chrono::Utc::now().date_naive() + chrono::Days::new(60);
        app.ok(Some(&staff), "mutation($s: ID!, $p: ID!, $f: Date!) { assignCoach(input: {studentId: $s, personId: $p, from: $f}) { student { id } } }", json!({"s": record, "p": coach, "f": later.to_string()})).await;
        let (_, person) = leerroute::ids::decode(&coach).unwrap();
        let token = app.token(
            leerroute::auth::Role::Coach,
            None,
            None,
            Some(&person.to_string()),
        );
        assert_eq!(total(&app, &token).await, 0);
        let seen = app
            .ok(
                Some(&token),
                "query($id: ID!) { activity(id: $id) { enrolledCount enrolments { studentId } } }",
                json!({"id": activity}),
            )
            .await;
        assert_eq!(seen["activity"]["enrolledCount"], 1);
        assert_eq!(seen["activity"]["enrolments"], json!([]), "{seen}");
    }
);
