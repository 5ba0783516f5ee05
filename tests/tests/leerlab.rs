//! Leerlabs: partners, teams, target programmes and the rules of the Wet doorlopende leerroutes.

use leerroute_tests::{TestApp, db_test, small_region};
use serde_json::{Value, json};

const CREATE: &str = "mutation($i: CreateLeerlabInput!) { createLeerlab(input: $i) { leerlab { id code status kind } } }";
const UPDATE: &str = "mutation($i: UpdateLeerlabInput!) { updateLeerlab(input: $i) { leerlab { status agreementSignedOn transferOption instruments focus } } }";
const PARTNER: &str = "mutation($l: String!, $b: String!) { addLeerlabPartner(input: {leerlabCode: $l, schoolBrin: $b}) { partner { role school { brin } } } }";
const REGISTER: &str = "mutation($l: String!, $b: String!, $d: Date!) { registerLeerroute(input: {leerlabCode: $l, schoolBrin: $b, registeredWithDuoOn: $d}) { partner { registeredWithDuoOn } } }";

async fn leerlab(app: &TestApp, token: &str, code: &str, kind: &str) -> Value {
    app.ok(Some(token), CREATE, json!({"i": {"regionCode": "AMS", "code": code, "name": code, "kind": kind, "startsOn": "2025-08-18"}})).await
}

fn field(body: &Value) -> (&str, &str) {
    (
        body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or("none"),
        body["errors"][0]["extensions"]["field"]
            .as_str()
            .unwrap_or("none"),
    )
}

db_test!(
    a_leerlab_runs_only_with_a_vo_and_an_mbo_partner,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let coordinator = app.coordinator("AMS");
        let created = leerlab(&app, &coordinator, "LAB", "LEERLIJN").await;
        assert_eq!(created["createLeerlab"]["leerlab"]["status"], "PLANNED");

        let early = app
            .gql(
                Some(&coordinator),
                UPDATE,
                json!({"i": {"code": "LAB", "status": "RUNNING"}}),
            )
            .await;
        assert_eq!(field(&early), ("BAD_USER_INPUT", "status"));
        let vo = app
            .ok(
                Some(&coordinator),
                PARTNER,
                json!({"l": "LAB", "b": "11AA"}),
            )
            .await;
        assert_eq!(vo["addLeerlabPartner"]["partner"]["role"], "VO");
        let half = app
            .gql(
                Some(&coordinator),
                UPDATE,
                json!({"i": {"code": "LAB", "status": "RUNNING"}}),
            )
            .await;
        assert_eq!(field(&half), ("BAD_USER_INPUT", "status"));
        let mbo = app
            .ok(
                Some(&coordinator),
                PARTNER,
                json!({"l": "LAB", "b": "22BB"}),
            )
            .await;
        assert_eq!(mbo["addLeerlabPartner"]["partner"]["role"], "MBO");
        let twice = app
            .error_code(
                Some(&coordinator),
                PARTNER,
                json!({"l": "LAB", "b": "22BB"}),
            )
            .await;
        assert_eq!(twice, "CONFLICT");
        let running = app
            .ok(
                Some(&coordinator),
                UPDATE,
                json!({"i": {"code": "LAB", "status": "RUNNING", "focus": "LOB"}}),
            )
            .await;
        assert_eq!(running["updateLeerlab"]["leerlab"]["status"], "RUNNING");
        let cleared = app
            .ok(
                Some(&coordinator),
                UPDATE,
                json!({"i": {"code": "LAB", "focus": null}}),
            )
            .await;
        assert!(cleared["updateLeerlab"]["leerlab"]["focus"].is_null());

        let listed = app.ok(None, "{ leerlabs(filter: {regionCode: \"AMS\", status: RUNNING, kind: LEERLIJN}) { totalCount edges { node { code partners { role school { brin } } } } } }", json!({})).await;
        assert_eq!(listed["leerlabs"]["totalCount"], 1);
        assert_eq!(
            listed["leerlabs"]["edges"][0]["node"]["partners"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        let none = app
            .ok(
                None,
                "{ leerlabs(filter: {status: ENDED}) { totalCount } }",
                json!({}),
            )
            .await;
        assert_eq!(none["leerlabs"]["totalCount"], 0);
    }
);

db_test!(
    registering_a_leerroute_needs_a_signed_agreement_and_a_partner,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let coordinator = app.coordinator("AMS");
        leerlab(&app, &coordinator, "LIJN", "LEERLIJN").await;
        leerlab(&app, &coordinator, "ROUTE", "DOORLOPENDE_LEERROUTE").await;
        for lab in ["LIJN", "ROUTE"] {
            app.ok(Some(&coordinator), PARTNER, json!({"l": lab, "b": "11AA"}))
                .await;
        }
        let leerlijn = app
            .gql(
                Some(&coordinator),
                REGISTER,
                json!({"l": "LIJN", "b": "11AA", "d": "2025-09-01"}),
            )
            .await;
        assert_eq!(field(&leerlijn), ("BAD_USER_INPUT", "leerlabCode"));
        let unsigned = app
            .gql(
                Some(&coordinator),
                REGISTER,
                json!({"l": "ROUTE", "b": "11AA", "d": "2025-09-01"}),
            )
            .await;
        assert_eq!(field(&unsigned), ("BAD_USER_INPUT", "leerlabCode"));

        app.ok(
            Some(&coordinator),
            UPDATE,
            json!({"i": {"code": "ROUTE", "agreementSignedOn": "2025-06-01"}}),
        )
        .await;
        let not_partner = app
            .gql(
                Some(&coordinator),
                REGISTER,
                json!({"l": "ROUTE", "b": "22BB", "d": "2025-09-01"}),
            )
            .await;
        assert_eq!(field(&not_partner), ("BAD_USER_INPUT", "schoolBrin"));
        let before_signing = app
            .gql(
                Some(&coordinator),
                REGISTER,
                json!({"l": "ROUTE", "b": "11AA", "d": "2025-05-01"}),
            )
            .await;
        assert_eq!(
            field(&before_signing),
            ("BAD_USER_INPUT", "registeredWithDuoOn")
        );

        // The school registers itself; staff of another school may not do it for them.
        let other = app
            .error_code(
                Some(&app.staff("22BB")),
                REGISTER,
                json!({"l": "ROUTE", "b": "11AA", "d": "2025-09-01"}),
            )
            .await;
        assert_eq!(other, "FORBIDDEN");
        let own = app
            .ok(
                Some(&app.staff("11AA")),
                REGISTER,
                json!({"l": "ROUTE", "b": "11AA", "d": "2025-09-01"}),
            )
            .await;
        assert_eq!(
            own["registerLeerroute"]["partner"]["registeredWithDuoOn"],
            "2025-09-01"
        );
    }
);

db_test!(
    legal_instruments_need_agreement_overstapoptie_and_duo,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let coordinator = app.coordinator("AMS");
        leerlab(&app, &coordinator, "ROUTE", "DOORLOPENDE_LEERROUTE").await;
        for brin in ["11AA", "22BB"] {
            app.ok(
                Some(&coordinator),
                PARTNER,
                json!({"l": "ROUTE", "b": brin}),
            )
            .await;
        }
        let instruments = json!(["SPREAD_EXAM", "TEAM_AUTHORITY"]);
        let unsigned = app
            .gql(
                Some(&coordinator),
                UPDATE,
                json!({"i": {"code": "ROUTE", "instruments": instruments}}),
            )
            .await;
        assert_eq!(field(&unsigned), ("BAD_USER_INPUT", "instruments"));
        app.ok(
            Some(&coordinator),
            UPDATE,
            json!({"i": {"code": "ROUTE", "agreementSignedOn": "2025-06-01"}}),
        )
        .await;
        let no_option = app
            .gql(
                Some(&coordinator),
                UPDATE,
                json!({"i": {"code": "ROUTE", "instruments": instruments}}),
            )
            .await;
        assert_eq!(field(&no_option), ("BAD_USER_INPUT", "instruments"));
        app.ok(
            Some(&coordinator),
            UPDATE,
            json!({"i": {"code": "ROUTE", "transferOption": "mbo 2 bij de partner"}}),
        )
        .await;
        app.ok(
            Some(&coordinator),
            REGISTER,
            json!({"l": "ROUTE", "b": "11AA", "d": "2025-07-01"}),
        )
        .await;
        let half_registered = app
            .gql(
                Some(&coordinator),
                UPDATE,
                json!({"i": {"code": "ROUTE", "instruments": instruments}}),
            )
            .await;
        assert_eq!(field(&half_registered), ("BAD_USER_INPUT", "instruments"));
        app.ok(
            Some(&coordinator),
            REGISTER,
            json!({"l": "ROUTE", "b": "22BB", "d": "2025-07-02"}),
        )
        .await;
        let done = app
            .ok(
                Some(&coordinator),
                UPDATE,
                json!({"i": {"code": "ROUTE", "instruments": instruments}}),
            )
            .await;
        assert_eq!(
            done["updateLeerlab"]["leerlab"]["instruments"],
            json!(["SPREAD_EXAM", "TEAM_AUTHORITY"])
        );
    }
);

db_test!(teams_and_target_programmes, |app: TestApp| async move {
    small_region(&app, "AMS", "11AA", "22BB").await;
    let coordinator = app.coordinator("AMS");
    leerlab(&app, &coordinator, "LAB", "LEERLIJN").await;
    app.ok(
        Some(&coordinator),
        PARTNER,
        json!({"l": "LAB", "b": "22BB"}),
    )
    .await;
    let person = app
        .ok(Some(&coordinator), "mutation { createPerson(input: {name: \"Dewi\", email: \"Dewi@Example.org\", function: TEACHER, schoolBrin: \"22BB\"}) { person { id email } } }", json!({}))
        .await;
    let person_id = person["createPerson"]["person"]["id"].clone();
    assert_eq!(
        person["createPerson"]["person"]["email"],
        "dewi@example.org"
    );
    let add = "mutation($p: ID!, $t: Team!) { addLeerlabMember(input: {leerlabCode: \"LAB\", personId: $p, team: $t, role: \"docent\"}) { member { team person { name } } } }";
    app.ok(
        Some(&coordinator),
        add,
        json!({"p": person_id, "t": "DEVELOPMENT_GROUP"}),
    )
    .await;
    app.ok(
        Some(&coordinator),
        add,
        json!({"p": person_id, "t": "PROJECT_TEAM"}),
    )
    .await;
    assert_eq!(
        app.error_code(
            Some(&coordinator),
            add,
            json!({"p": person_id, "t": "PROJECT_TEAM"})
        )
        .await,
        "CONFLICT"
    );
    let wrong_id = app
        .gql(
            Some(&coordinator),
            add,
            json!({"p": "bm9wZQ", "t": "PROJECT_TEAM"}),
        )
        .await;
    assert_eq!(field(&wrong_id), ("BAD_USER_INPUT", "personId"));

    let programme = app
        .ok(Some(&coordinator), "mutation { createProgramme(input: {schoolBrin: \"22BB\", name: \"Sport\", crebo: \"25422\", level: 4}) { programme { id } } }", json!({}))
        .await;
    let target = "mutation($p: ID!) { addLeerlabTargetProgramme(input: {leerlabCode: \"LAB\", programmeId: $p}) { leerlab { targetProgrammes { crebo } } } }";
    let added = app
        .ok(
            Some(&coordinator),
            target,
            json!({"p": programme["createProgramme"]["programme"]["id"]}),
        )
        .await;
    assert_eq!(
        added["addLeerlabTargetProgramme"]["leerlab"]["targetProgrammes"][0]["crebo"],
        "25422"
    );

    let read = app
        .ok(
            None,
            "{ leerlab(code: \"LAB\") { members { team role person { name email function } } } }",
            json!({}),
        )
        .await;
    let members = read["leerlab"]["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    assert!(
        members[0]["person"]["email"].is_null(),
        "no e-mail addresses for anonymous callers"
    );
    let with_token = app
        .ok(
            Some(&coordinator),
            "{ leerlab(code: \"LAB\") { members { person { email } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        with_token["leerlab"]["members"][0]["person"]["email"],
        "dewi@example.org"
    );
});
