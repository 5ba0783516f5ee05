//! Fixtures shared by the activity, planning, live-update and feed tests.

#![allow(dead_code)]

use entity::student;
use leerroute::ids;
use leerroute_tests::TestApp;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

pub const CREATE: &str = "mutation($i: CreateActivityInput!) { createActivity(input: $i) { activity { id status title capacity enrolledCount participatingSchools { brin } hostSchool { brin } leerlab { code } region { code } } } }";
pub const UPDATE: &str = "mutation($i: UpdateActivityInput!) { updateActivity(input: $i) { activity { id status title capacity location participatingSchools { brin } } } }";
pub const PUBLISH: &str = "mutation($id: ID!) { publishActivity(input: {id: $id}) { activity { id status publishedAt } } }";
pub const CANCEL: &str = "mutation($id: ID!, $r: String!) { cancelActivity(input: {id: $id, reason: $r}) { activity { status cancelReason } } }";
pub const ENROL: &str = "mutation($a: ID!, $s: ID!) { enrolInActivity(input: {activityId: $a, studentId: $s}) { activity { enrolledCount placesLeft } enrolment { studentId attendance } } }";
pub const ATTEND: &str = "mutation($i: RecordAttendanceInput!) { recordAttendance(input: $i) { enrolment { studentId attendance reflection } } }";
pub const SET_CALENDAR: &str = "mutation($i: SetSchoolCalendarInput!) { setSchoolCalendar(input: $i) { calendar { schoolYear school { brin } periods { number startsOn endsOn } holidays { name startsOn endsOn } } } }";

/// Creates a school of a region as admin.
pub async fn school(app: &TestApp, region: &str, brin: &str, sector: &str) {
    app.ok(
        Some(&app.admin()),
        "mutation($r: String!, $b: String!, $s: Sector!) { createSchool(input: {regionCode: $r, brin: $b, name: $b, sector: $s}) { school { id } } }",
        json!({"r": region, "b": brin, "s": sector}),
    )
    .await;
}

/// Creates a region as admin.
pub async fn region(app: &TestApp, code: &str) {
    app.ok(
        Some(&app.admin()),
        "mutation($c: String!) { createRegion(input: {code: $c, name: $c}) { region { id } } }",
        json!({"c": code}),
    )
    .await;
}

/// Creates a leerlab of a region with partners, as admin.
pub async fn leerlab(app: &TestApp, region: &str, code: &str, partners: &[&str]) {
    let admin = app.admin();
    app.ok(
        Some(&admin),
        "mutation($r: String!, $c: String!) { createLeerlab(input: {regionCode: $r, code: $c, name: $c, kind: LEERLIJN}) { leerlab { id } } }",
        json!({"r": region, "c": code}),
    )
    .await;
    for brin in partners {
        app.ok(
            Some(&admin),
            "mutation($l: String!, $b: String!) { addLeerlabPartner(input: {leerlabCode: $l, schoolBrin: $b}) { partner { role } } }",
            json!({"l": code, "b": brin}),
        )
        .await;
    }
}

/// A pupil (vmbo leaver) of the school `brin`, brought in through the real import. Returns the
/// pupil's global id.
pub async fn pupil(app: &TestApp, brin: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = 900_000 + NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let pgn = leerroute_tests::bsn(n);
    let csv = format!(
        "{}\n{pgn},{brin},TL,E&O,2025-2026,2026-05-12,,,\n",
        leerroute_tests::VO_HEADER
    );
    let body = app
        .upload(
            Some(&app.admin()),
            "mutation($input: ImportInput!) { importVoLeavers(input: $input) { created } }",
            &csv,
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let pseudonym = leerroute::pseudonym::Pseudonymiser::new(&app.secrets.link).pseudonym(&pgn);
    let row = student::Entity::find()
        .filter(student::Column::Pseudonym.eq(pseudonym))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the imported pupil");
    ids::encode("Student", row.id).0
}

/// A student token for the pupil with global id `student` of school `brin`.
pub fn student_token(app: &TestApp, brin: &str, student: &str) -> String {
    app.token(
        leerroute::auth::Role::Student,
        None,
        Some(brin),
        Some(student),
    )
}

/// `createActivity` input with sensible defaults, changed by `overrides`.
pub fn activity_input(host: &str, schools: &[&str], overrides: Value) -> Value {
    let mut input = json!({
        "regionCode": "AMS",
        "hostSchoolBrin": host,
        "participatingSchoolBrins": schools,
        "kind": "CAMPUS_VISIT",
        "title": "Campusbezoek",
        "description": "Een ochtend meedraaien",
        "location": "Campus Zuid",
        "startsAt": "2030-10-01T08:00:00Z",
        "endsAt": "2030-10-01T11:00:00Z",
        "capacity": 30,
    });
    for (key, value) in overrides.as_object().unwrap() {
        input[key] = value.clone();
    }
    input
}

/// Creates an activity (as `token`) and returns its global id.
pub async fn create(app: &TestApp, token: &str, input: Value) -> String {
    let data = app.ok(Some(token), CREATE, json!({"i": input})).await;
    data["createActivity"]["activity"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Creates and publishes an activity as admin; returns its global id.
pub async fn published(app: &TestApp, input: Value) -> String {
    let admin = app.admin();
    let id = create(app, &admin, input).await;
    app.ok(Some(&admin), PUBLISH, json!({"id": id})).await;
    id
}

/// The error's code and field of a response.
pub fn code_and_field(body: &Value) -> (String, String) {
    let ext = &body["errors"][0]["extensions"];
    (
        ext["code"].as_str().unwrap_or_default().to_owned(),
        ext["field"].as_str().unwrap_or_default().to_owned(),
    )
}

/// A calendar input of school year 2025-2026.
pub fn calendar_input(
    brin: &str,
    periods: &[(&str, &str)],
    holidays: &[(&str, &str, &str)],
) -> Value {
    json!({
        "schoolBrin": brin,
        "schoolYear": "2025-2026",
        "periods": periods.iter().enumerate().map(|(i, (s, e))| json!({"number": i + 1, "startsOn": s, "endsOn": e})).collect::<Vec<_>>(),
        "holidays": holidays.iter().map(|(n, s, e)| json!({"name": n, "startsOn": s, "endsOn": e})).collect::<Vec<_>>(),
    })
}

/// Five periods, as IJburg College has them.
pub const FIVE_PERIODS: [(&str, &str); 5] = [
    ("2025-08-25", "2025-10-10"),
    ("2025-10-13", "2025-12-19"),
    ("2026-01-05", "2026-03-06"),
    ("2026-03-09", "2026-05-15"),
    ("2026-05-18", "2026-07-03"),
];

/// Four periods, as ROC van Amsterdam has them.
pub const FOUR_PERIODS: [(&str, &str); 4] = [
    ("2025-08-25", "2025-11-07"),
    ("2025-11-10", "2026-01-30"),
    ("2026-02-02", "2026-04-17"),
    ("2026-04-20", "2026-07-03"),
];

/// The holidays of region Noord, 2025-2026.
pub const HOLIDAYS: [(&str, &str, &str); 4] = [
    ("herfstvakantie", "2025-10-18", "2025-10-26"),
    ("kerstvakantie", "2025-12-20", "2026-01-04"),
    ("voorjaarsvakantie", "2026-02-14", "2026-02-22"),
    ("meivakantie", "2026-04-25", "2026-05-03"),
];

/// `leerroute serve` (the real binary) on this app's database, on `today`, answering on
/// `base_url`; it is killed when the guard drops.
pub struct Served {
    child: std::process::Child,
    pub base_url: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn serve_on(app: &TestApp, today: &str, extra: &[(&str, &str)]) -> Served {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut command = app.cli_command(&["serve", "--listen", &listen]);
    command
        .env("LEERROUTE_TODAY", today)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    for (key, value) in extra {
        command.env(key, value);
    }
    let served = Served {
        child: command.spawn().unwrap(),
        base_url: format!("http://{listen}"),
    };
    for _ in 0..300 {
        if let Ok(response) = app
            .client()
            .get(format!("{}/readyz", served.base_url))
            .send()
            .await
            && response.status().is_success()
        {
            // The start's evaluation and pruning run right after the listener is up.
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            return served;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("leerroute serve did not come up");
}

pub async fn gql_at(
    app: &TestApp,
    base: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> Value {
    app.client()
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({"query": query, "variables": variables}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
