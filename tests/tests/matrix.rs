//! The role × operation matrix of DESIGN.md section 3: every query and mutation the schema has,
//! called by every role, allowed or refused as the design says. A root field that is missing
//! from this table fails the test, so a new operation cannot ship without its rule.

use std::collections::BTreeSet;

use leerroute::auth::Role::{self, *};
use leerroute_tests::{MBO_HEADER, TestApp, VO_HEADER, bsn, db_test};
use serde_json::{Value, json};

/// What a call needs from the fixture.
struct Fixture {
    draft_id: String,
    published_id: String,
    cancellable_id: String,
    student_id: String,
    coach_id: String,
    programme_id: String,
    evaluation_id: String,
    /// A run uploaded by 11AA's staff.
    run_id: String,
    /// The pupil's application to 22BB.
    application_id: String,
    /// A NO_APPLICATION signal of a pupil of 11AA in year 4.
    signal_id: String,
}

/// One root field: its document, variables (given a unique suffix), and who may call it.
struct Operation {
    field: &'static str,
    document: &'static str,
    variables: fn(&Fixture, &str, Role) -> Value,
    allowed: &'static [Role],
    upload: Option<&'static str>,
}

const EVERYONE: &[Role] = &[
    Anonymous,
    Student,
    Coach,
    SchoolStaff,
    Coordinator,
    Integration,
    Rmc,
    Admin,
];

fn none(_: &Fixture, _: &str, _: Role) -> Value {
    json!({})
}

/// The pupil writes a reflection, staff the attendance: each half of `recordAttendance`'s rule.
fn attendance(f: &Fixture, _: &str, role: Role) -> Value {
    let mut input = json!({"activityId": f.published_id, "studentId": f.student_id});
    if role == Student {
        input["reflection"] = json!("Leerzaam");
    } else {
        input["attendance"] = json!("PRESENT");
    }
    json!({"i": input})
}

fn operations() -> Vec<Operation> {
    let op = |field, document, variables, allowed| Operation {
        field,
        document,
        variables,
        allowed,
        upload: None,
    };
    vec![
        op("regions", "{ regions { totalCount } }", none, EVERYONE),
        op(
            "region",
            "{ region(code: \"AMS\") { code } }",
            none,
            EVERYONE,
        ),
        op("schools", "{ schools { totalCount } }", none, EVERYONE),
        op(
            "school",
            "{ school(brin: \"11AA\") { brin } }",
            none,
            EVERYONE,
        ),
        op(
            "programmes",
            "{ programmes { totalCount } }",
            none,
            EVERYONE,
        ),
        op("leerlabs", "{ leerlabs { totalCount } }", none, EVERYONE),
        op(
            "leerlab",
            "{ leerlab(code: \"LAB\") { code } }",
            none,
            EVERYONE,
        ),
        op(
            "node",
            "query($id: ID!) { node(id: $id) { id } }",
            |f, _, _| json!({"id": f.programme_id}),
            EVERYONE,
        ),
        op("viewer", "{ viewer { role } }", none, EVERYONE),
        op(
            "people",
            "{ people { totalCount } }",
            none,
            &[Coach, SchoolStaff, Coordinator, Integration, Rmc, Admin],
        ),
        op(
            "currentSchoolYear",
            "{ currentSchoolYear { name } }",
            none,
            EVERYONE,
        ),
        op(
            "students",
            "{ students { totalCount } }",
            none,
            &[Student, Coach, SchoolStaff, Rmc, Admin],
        ),
        op(
            "student",
            "query($id: ID!) { student(id: $id) { id } }",
            |f, _, _| json!({"id": f.student_id}),
            &[Student, Coach, SchoolStaff, Rmc, Admin],
        ),
        op(
            "transitions",
            "{ transitions { totalCount } }",
            none,
            &[Student, Coach, SchoolStaff, Rmc, Admin],
        ),
        op(
            "transitionStats",
            "{ transitionStats(filter: {voSchoolBrin: \"11AA\"}, groupBy: [COHORT]) { minCellSize } }",
            none,
            &[SchoolStaff, Coordinator, Integration, Rmc, Admin],
        ),
        op(
            "needsStats",
            "{ needsStats(filter: {schoolBrin: \"11AA\"}) { minCellSize } }",
            none,
            &[SchoolStaff, Coordinator, Integration, Rmc, Admin],
        ),
        op(
            "auditEvents",
            "{ auditEvents { totalCount } }",
            none,
            &[Admin],
        ),
        op(
            "changes",
            "{ changes(since: \"0\", first: 5) { totalCount } }",
            none,
            &[
                Student,
                Coach,
                SchoolStaff,
                Coordinator,
                Integration,
                Rmc,
                Admin,
            ],
        ),
        op(
            "changeVersion",
            "{ changeVersion }",
            none,
            &[
                Student,
                Coach,
                SchoolStaff,
                Coordinator,
                Integration,
                Rmc,
                Admin,
            ],
        ),
        op(
            "removeLeerlabPartner",
            "mutation { removeLeerlabPartner(input: {leerlabCode: \"LAB\", schoolBrin: \"22BB\"}) { leerlab { code } } }",
            none,
            &[Coordinator, Admin],
        ),
        op(
            "createRegion",
            "mutation($s: String!) { createRegion(input: {code: $s, name: \"R\"}) { region { id } } }",
            |_, s, _| json!({"s": s}),
            &[Admin],
        ),
        op(
            "createSchool",
            "mutation($b: String!) { createSchool(input: {regionCode: \"AMS\", brin: $b, name: \"S\", sector: VO}) { school { id } } }",
            |_, s, _| json!({"b": format!("{}ZZ", &s[s.len() - 2..])}),
            &[Coordinator, Admin],
        ),
        op(
            "updateSchool",
            "mutation { updateSchool(input: {brin: \"11AA\", city: \"Amsterdam\"}) { school { id } } }",
            none,
            &[Coordinator, Admin],
        ),
        op(
            "createProgramme",
            "mutation($s: String!) { createProgramme(input: {schoolBrin: \"11AA\", name: $s, leerweg: KB}) { programme { id } } }",
            |_, s, _| json!({"s": s}),
            &[SchoolStaff, Coordinator, Admin],
        ),
        op(
            "createPerson",
            "mutation($s: String!) { createPerson(input: {name: $s, function: TEACHER, schoolBrin: \"11AA\"}) { person { id } } }",
            |_, s, _| json!({"s": s}),
            &[SchoolStaff, Coordinator, Admin],
        ),
        op(
            "createLeerlab",
            "mutation($s: String!) { createLeerlab(input: {regionCode: \"AMS\", code: $s, name: $s, kind: LEERLIJN}) { leerlab { id } } }",
            |_, s, _| json!({"s": s}),
            &[Coordinator, Admin],
        ),
        op(
            "updateLeerlab",
            "mutation { updateLeerlab(input: {code: \"LAB\", focus: \"LOB\"}) { leerlab { id } } }",
            none,
            &[Coordinator, Admin],
        ),
        op(
            "addLeerlabPartner",
            "mutation { addLeerlabPartner(input: {leerlabCode: \"LAB\", schoolBrin: \"22BB\"}) { partner { role } } }",
            none,
            &[Coordinator, Admin],
        ),
        op(
            "addLeerlabMember",
            "mutation($p: ID!) { addLeerlabMember(input: {leerlabCode: \"LAB\", personId: $p, team: PROJECT_TEAM}) { member { team } } }",
            |f, _, _| json!({"p": f.coach_id}),
            &[Coordinator, Admin],
        ),
        op(
            "addLeerlabTargetProgramme",
            "mutation($p: ID!) { addLeerlabTargetProgramme(input: {leerlabCode: \"LAB\", programmeId: $p}) { leerlab { id } } }",
            |f, _, _| json!({"p": f.programme_id}),
            &[Coordinator, Admin],
        ),
        op(
            "registerLeerroute",
            "mutation { registerLeerroute(input: {leerlabCode: \"LAB\", schoolBrin: \"11AA\", registeredWithDuoOn: \"2025-07-01\"}) { partner { role } } }",
            none,
            &[SchoolStaff, Coordinator, Admin],
        ),
        op(
            "assignCoach",
            "mutation($s: ID!, $p: ID!) { assignCoach(input: {studentId: $s, personId: $p, from: \"2030-01-01\"}) { student { id } } }",
            |f, _, _| json!({"s": f.student_id, "p": f.coach_id}),
            &[SchoolStaff, Admin],
        ),
        op(
            "linkIdentity",
            "mutation($s: ID!) { linkIdentity(input: {studentId: $s, subject: \"urn:idp:matrix\"}) { student { id } } }",
            |f, _, _| json!({"s": f.student_id}),
            &[SchoolStaff, Admin],
        ),
        op(
            "submitSelfEvaluation",
            "mutation($s: ID!) { submitSelfEvaluation(input: {studentId: $s, wellbeing: 3, studySkills: 3, lifeSkills: 3, choiceCertainty: 3, needs: [DUO]}) { evaluation { id } } }",
            |f, _, _| json!({"s": f.student_id}),
            &[Student, Admin],
        ),
        op(
            "recordEvaluationFollowUp",
            "mutation($e: ID!) { recordEvaluationFollowUp(input: {evaluationId: $e, followUp: \"besproken\"}) { evaluation { id } } }",
            |f, _, _| json!({"e": f.evaluation_id}),
            &[Coach, Admin],
        ),
        op(
            "activities",
            "{ activities { totalCount } }",
            none,
            EVERYONE,
        ),
        op(
            "activity",
            "query($id: ID!) { activity(id: $id) { id } }",
            |f, _, _| json!({"id": f.published_id}),
            EVERYONE,
        ),
        op(
            "planningWeeks",
            "{ planningWeeks(schoolBrins: [\"11AA\", \"22BB\"], from: \"2025-09-01\", to: \"2025-09-30\") { week } }",
            none,
            &[SchoolStaff, Coordinator, Admin],
        ),
        op(
            "schoolCalendar",
            "{ schoolCalendar(schoolBrin: \"11AA\", schoolYear: \"2025-2026\") { __typename } }",
            none,
            &[SchoolStaff, Coordinator, Admin],
        ),
        op(
            "setSchoolCalendar",
            "mutation { setSchoolCalendar(input: {schoolBrin: \"11AA\", schoolYear: \"2025-2026\", periods: [{number: 1, startsOn: \"2025-08-25\", endsOn: \"2026-07-10\"}], holidays: []}) { __typename } }",
            none,
            &[SchoolStaff, Coordinator, Admin],
        ),
        op(
            "createActivity",
            "mutation($t: String!) { createActivity(input: {regionCode: \"AMS\", hostSchoolBrin: \"11AA\", participatingSchoolBrins: [\"22BB\"], kind: INFO_SESSION, title: $t, startsAt: \"2025-10-01T12:00:00Z\", endsAt: \"2025-10-01T14:00:00Z\", capacity: 20}) { activity { id } } }",
            |_, s, _| json!({"t": s}),
            &[SchoolStaff, Coordinator, Admin],
        ),
        op(
            "updateActivity",
            "mutation($id: ID!, $t: String!) { updateActivity(input: {id: $id, title: $t}) { activity { id } } }",
            |f, s, _| json!({"id": f.draft_id, "t": s}),
            &[SchoolStaff, Coordinator, Admin],
        ),
        op(
            "publishActivity",
            "mutation($id: ID!) { publishActivity(input: {id: $id}) { activity { id } } }",
            |f, _, _| json!({"id": f.draft_id}),
            &[SchoolStaff, Coordinator, Admin],
        ),
        op(
            "enrolInActivity",
            "mutation($a: ID!, $s: ID!) { enrolInActivity(input: {activityId: $a, studentId: $s}) { __typename } }",
            |f, _, _| json!({"a": f.published_id, "s": f.student_id}),
            &[Student, SchoolStaff, Admin],
        ),
        op(
            "recordAttendance",
            "mutation($i: RecordAttendanceInput!) { recordAttendance(input: $i) { __typename } }",
            attendance,
            &[Student, SchoolStaff, Admin],
        ),
        op(
            "withdrawFromActivity",
            "mutation($a: ID!, $s: ID!) { withdrawFromActivity(input: {activityId: $a, studentId: $s}) { __typename } }",
            |f, _, _| json!({"a": f.published_id, "s": f.student_id}),
            &[Student, SchoolStaff, Admin],
        ),
        op(
            "cancelActivity",
            "mutation($id: ID!) { cancelActivity(input: {id: $id, reason: \"storm\"}) { activity { id } } }",
            |f, _, _| json!({"id": f.cancellable_id}),
            &[SchoolStaff, Coordinator, Admin],
        ),
        op(
            "deleteActivity",
            "mutation($id: ID!) { deleteActivity(input: {id: $id}) { deletedId } }",
            |f, _, _| json!({"id": f.draft_id}),
            &[SchoolStaff, Coordinator, Admin],
        ),
        Operation {
            upload: Some("vo"),
            ..op(
                "importVoLeavers",
                "mutation($input: ImportInput!) { importVoLeavers(input: $input) { rows } }",
                none,
                &[SchoolStaff, Admin],
            )
        },
        Operation {
            upload: Some("roster"),
            ..op(
                "importVoPupils",
                "mutation($input: ImportInput!) { importVoPupils(input: $input) { rows } }",
                none,
                &[SchoolStaff, Admin],
            )
        },
        op(
            "importRuns",
            "{ importRuns { totalCount } }",
            none,
            &[SchoolStaff, Admin],
        ),
        op(
            "importRun",
            "query($id: ID!) { importRun(id: $id) { status } }",
            |f, _, _| json!({"id": f.run_id}),
            &[SchoolStaff, Admin],
        ),
        Operation {
            upload: Some("start"),
            ..op(
                "startImport",
                "mutation($input: StartImportInput!) { startImport(input: $input) { run { id } } }",
                none,
                &[SchoolStaff, Admin],
            )
        },
        Operation {
            upload: Some("applications"),
            ..op(
                "importMboApplications",
                "mutation($input: ImportInput!) { importMboApplications(input: $input) { rows } }",
                none,
                &[SchoolStaff, Admin],
            )
        },
        op(
            "applications",
            "{ applications { totalCount } }",
            none,
            &[Student, Coach, SchoolStaff, Rmc, Admin],
        ),
        op(
            "pipelineStats",
            "{ pipelineStats(filter: {schoolYear: \"2024-2025\", voSchoolBrin: \"11AA\"}, groupBy: [YEAR]) { minCellSize } }",
            none,
            &[SchoolStaff, Coordinator, Integration, Rmc, Admin],
        ),
        op(
            "signals",
            "{ signals { totalCount } }",
            none,
            &[Coach, SchoolStaff, Rmc, Admin],
        ),
        // Only staff of the application's mbo school (the matrix's school_staff is vmbo staff).
        op(
            "recordApplication",
            "mutation($p: String!) { recordApplication(input: {pgn: $p, schoolBrin: \"22BB\", crebo: \"25180\", level: 4, appliedOn: \"2025-01-10\"}) { application { id } } }",
            |_, _, _| json!({"p": bsn(7)}),
            &[Admin],
        ),
        op(
            "updateApplicationStatus",
            "mutation($id: ID!) { updateApplicationStatus(input: {id: $id, status: OFFERED, statusDate: \"2025-06-01\"}) { application { id } } }",
            |f, _, _| json!({"id": f.application_id}),
            &[Admin],
        ),
        op(
            "updateSignal",
            "mutation($id: ID!) { updateSignal(input: {id: $id, note: \"gesproken\"}) { signal { id } } }",
            |f, _, _| json!({"id": f.signal_id}),
            &[SchoolStaff, Rmc, Admin],
        ),
        Operation {
            upload: Some("mbo"),
            ..op(
                "importMboEnrolments",
                "mutation($input: ImportInput!) { importMboEnrolments(input: $input) { rows } }",
                none,
                &[SchoolStaff, Admin],
            )
        },
    ]
}

/// Region AMS, vmbo school 11AA, mbo school 22BB, leerroute LAB with a signed agreement, a coach,
/// one pupil of 11AA who enrolled at 22BB, with that coach and one self-evaluation.
async fn fixture(app: &TestApp) -> Fixture {
    leerroute_tests::small_region(app, "AMS", "11AA", "22BB").await;
    let admin = app.admin();
    app.ok(Some(&admin), "mutation { createLeerlab(input: {regionCode: \"AMS\", code: \"LAB\", name: \"Lab\", kind: DOORLOPENDE_LEERROUTE}) { leerlab { id } } }", json!({})).await;
    app.ok(Some(&admin), "mutation { addLeerlabPartner(input: {leerlabCode: \"LAB\", schoolBrin: \"11AA\"}) { partner { role } } updateLeerlab(input: {code: \"LAB\", agreementSignedOn: \"2025-06-01\"}) { leerlab { id } } }", json!({})).await;
    let programme = app.ok(Some(&admin), "mutation { createProgramme(input: {schoolBrin: \"22BB\", name: \"Sport\", crebo: \"25422\", level: 4}) { programme { id } } }", json!({})).await;
    let coach = app.ok(Some(&admin), "mutation { createPerson(input: {name: \"Coach\", function: COACH, schoolBrin: \"11AA\"}) { person { id } } }", json!({})).await;
    let vo = format!(
        "{VO_HEADER}\n{},11AA,TL,E&O,2024-2025,2025-06-02,25422,2025-03-01,\n",
        bsn(1)
    );
    let mbo = format!(
        "{MBO_HEADER}\n{},22BB,25422,4,2025-08-25,enrolled,\n",
        bsn(1)
    );
    app.upload(
        Some(&admin),
        "mutation($input: ImportInput!) { importVoLeavers(input: $input) { rows } }",
        &vo,
    )
    .await;
    app.upload(
        Some(&admin),
        "mutation($input: ImportInput!) { importMboEnrolments(input: $input) { rows } }",
        &mbo,
    )
    .await;
    let staff_run = app
        .upload(
            Some(&app.staff("11AA")),
            "mutation($input: ImportInput!) { importVoLeavers(input: $input) { run { id } } }",
            &vo,
        )
        .await;
    let run_id = staff_run["data"]["importVoLeavers"]["run"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{staff_run}"))
        .to_owned();
    let student_id = app
        .ok(Some(&admin), "{ students { nodes { id } } }", json!({}))
        .await["students"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let coach_id = coach["createPerson"]["person"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.ok(Some(&admin), "mutation($s: ID!, $p: ID!) { assignCoach(input: {studentId: $s, personId: $p, from: \"2025-01-01\"}) { student { id } } }", json!({"s": student_id, "p": coach_id})).await;
    let evaluation = app.ok(Some(&admin), "mutation($s: ID!) { submitSelfEvaluation(input: {studentId: $s, wellbeing: 3, studySkills: 3, lifeSkills: 3, choiceCertainty: 3, needs: []}) { evaluation { id } } }", json!({"s": student_id})).await;
    let activity = |title: &'static str| {
        let admin = admin.clone();
        async move {
            let body = app.ok(Some(&admin), "mutation($t: String!) { createActivity(input: {regionCode: \"AMS\", hostSchoolBrin: \"11AA\", participatingSchoolBrins: [\"22BB\"], kind: CAMPUS_VISIT, title: $t, startsAt: \"2025-10-08T12:00:00Z\", endsAt: \"2025-10-08T14:00:00Z\", capacity: 50}) { activity { id } } }", json!({"t": title})).await;
            body["createActivity"]["activity"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let draft_id = activity("draft").await;
    let published_id = activity("published").await;
    let cancellable_id = activity("to cancel").await;
    for id in [&published_id, &cancellable_id] {
        app.ok(
            Some(&admin),
            "mutation($id: ID!) { publishActivity(input: {id: $id}) { activity { id } } }",
            json!({"id": id}),
        )
        .await;
    }
    app.ok(Some(&admin), "mutation($a: ID!, $s: ID!) { enrolInActivity(input: {activityId: $a, studentId: $s}) { __typename } }", json!({"a": published_id, "s": student_id})).await;
    let applied = app.ok(Some(&admin), "mutation($p: String!) { recordApplication(input: {pgn: $p, schoolBrin: \"22BB\", crebo: \"25422\", level: 4, appliedOn: \"2025-01-10\", statusDate: \"2025-01-10\"}) { application { id } } }", json!({"p": bsn(1)})).await;
    // A pupil in year 4 without an application: NO_APPLICATION from 1 April 2025 (the import
    // evaluates the rules for today, which is later).
    let roster = format!(
        "pgn,school_brin,leerweg,profiel,school_year,year,leerlab_code\n{},11AA,TL,E&O,2024-2025,4,\n",
        bsn(5)
    );
    app.upload(
        Some(&admin),
        "mutation($input: ImportInput!) { importVoPupils(input: $input) { rows } }",
        &roster,
    )
    .await;
    let signal_id = app
        .ok(
            Some(&admin),
            "{ signals(filter: {status: OPEN}) { nodes { id } } }",
            json!({}),
        )
        .await["signals"]["nodes"][0]["id"]
        .as_str()
        .expect("a signal")
        .to_owned();
    Fixture {
        application_id: applied["recordApplication"]["application"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        signal_id,
        draft_id,
        published_id,
        cancellable_id,
        student_id,
        coach_id,
        programme_id: programme["createProgramme"]["programme"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        evaluation_id: evaluation["submitSelfEvaluation"]["evaluation"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        run_id,
    }
}

fn token(app: &TestApp, role: Role, f: &Fixture) -> Option<String> {
    match role {
        Anonymous => None,
        Student => Some(app.token(Student, None, Some("11AA"), Some(&f.student_id))),
        Coach => Some(app.token(Coach, None, None, Some(&f.coach_id))),
        SchoolStaff => Some(app.staff("11AA")),
        Coordinator => Some(app.coordinator("AMS")),
        Integration => Some(app.token(Integration, Some("AMS"), None, Some("script"))),
        Rmc => Some(app.token(Rmc, Some("AMS"), None, Some("rmc-officer"))),
        Admin => Some(app.admin()),
    }
}

async fn root_fields(app: &TestApp) -> BTreeSet<String> {
    let schema = app
        .ok(
            None,
            "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }",
            json!({}),
        )
        .await;
    ["queryType", "mutationType"]
        .iter()
        .flat_map(|t| schema["__schema"][t]["fields"].as_array().unwrap().clone())
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect()
}

db_test!(
    every_role_against_every_operation,
    |app: TestApp| async move {
        let f = fixture(&app).await;
        let operations = operations();
        let covered: BTreeSet<String> = operations.iter().map(|o| o.field.to_owned()).collect();
        assert_eq!(
            root_fields(&app).await,
            covered,
            "every root field needs a row in this matrix"
        );
        let roles = [
            Anonymous,
            Student,
            Coach,
            SchoolStaff,
            Coordinator,
            Integration,
            Rmc,
            Admin,
        ];
        let mut checked = 0;
        for (n, operation) in operations.iter().enumerate() {
            for (r, role) in roles.iter().enumerate() {
                let token = token(&app, *role, &f);
                let suffix = format!("M{n:02}{r}");
                let body = match operation.upload {
                    Some("vo") => {
                        app.upload(
                            token.as_deref(),
                            operation.document,
                            &format!(
                                "{VO_HEADER}\n{},11AA,TL,E&O,2024-2025,2025-06-02,,,\n",
                                bsn(1)
                            ),
                        )
                        .await
                    }
                    Some("start") => {
                        app.upload_with(
                            token.as_deref(),
                            operation.document,
                            json!({"kind": "VO_LEAVERS"}),
                            &format!(
                                "{VO_HEADER}\n{},11AA,TL,E&O,2024-2025,2025-06-02,,,\n",
                                bsn(1)
                            ),
                        )
                        .await
                    }
                    Some("applications") => {
                        app.upload(
                            token.as_deref(),
                            operation.document,
                            &format!(
                                "pgn,school_brin,crebo,level,applied_on,status,status_date\n{},22BB,25422,4,2025-01-10,received,2025-01-10\n",
                                bsn(1)
                            ),
                        )
                        .await
                    }
                    Some("roster") => {
                        app.upload(
                            token.as_deref(),
                            operation.document,
                            &format!(
                                "pgn,school_brin,leerweg,profiel,school_year,year,leerlab_code\n{},11AA,TL,E&O,2025-2026,3,\n",
                                bsn(2)
                            ),
                        )
                        .await
                    }
                    Some(_) => {
                        app.upload(
                            token.as_deref(),
                            operation.document,
                            &format!(
                                "{MBO_HEADER}\n{},22BB,25422,4,2025-08-25,enrolled,\n",
                                bsn(1)
                            ),
                        )
                        .await
                    }
                    None => {
                        app.gql(
                            token.as_deref(),
                            operation.document,
                            (operation.variables)(&f, &suffix, *role),
                        )
                        .await
                    }
                };
                let code = body["errors"][0]["extensions"]["code"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned();
                let allowed = *role == Admin || operation.allowed.contains(role);
                if allowed {
                    assert!(
                        code != "FORBIDDEN" && code != "UNAUTHENTICATED",
                        "{role:?} must be allowed {}: {body}",
                        operation.field
                    );
                } else {
                    let expected = if *role == Anonymous {
                        "UNAUTHENTICATED"
                    } else {
                        "FORBIDDEN"
                    };
                    assert_eq!(
                        code, expected,
                        "{role:?} must be refused {}: {body}",
                        operation.field
                    );
                    assert!(
                        body["data"].is_null() || body["data"][operation.field].is_null(),
                        "refused but answered: {body}"
                    );
                }
                checked += 1;
            }
        }
        eprintln!(
            "role × operation matrix: {} operations × {} roles = {checked} checks",
            operations.len(),
            roles.len()
        );
    }
);
