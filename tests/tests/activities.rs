//! Joint activities: creation and its validation, the life cycle DRAFT → PUBLISHED →
//! CANCELLED, who sees drafts, listing by start, enrolment (also under concurrency),
//! attendance and reflections, and who may see (audited) who is enrolled.

mod support;

use leerroute_tests::{TestApp, db_test, small_region};
use serde_json::{Value, json};
use support::*;

/// AMS with 11AA (VO) and 22BB (MBO), 44DD (VO, AMS), HDW with 33CC (VO); leerlab LAB of AMS
/// with 11AA, 22BB and (across regions) 33CC; leerlab FAR of HDW.
async fn setting(app: &TestApp) {
    small_region(app, "AMS", "11AA", "22BB").await;
    school(app, "AMS", "44DD", "VO").await;
    region(app, "HDW").await;
    school(app, "HDW", "33CC", "VO").await;
    leerlab(app, "AMS", "LAB", &["11AA", "22BB", "33CC"]).await;
    leerlab(app, "HDW", "FAR", &["33CC"]).await;
}

async fn field_error(app: &TestApp, token: &str, input: Value) -> (String, String) {
    code_and_field(&app.gql(Some(token), CREATE, json!({"i": input})).await)
}

fn brins(activity: &Value) -> Vec<String> {
    let mut brins: Vec<String> = activity["participatingSchools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["brin"].as_str().unwrap().to_owned())
        .collect();
    brins.sort();
    brins
}

db_test!(
    creating_validates_input_and_scope,
    |app: TestApp| async move {
        setting(&app).await;
        let staff = app.staff("11AA");
        let created = app
            .ok(
                Some(&staff),
                CREATE,
                json!({"i": activity_input("11AA", &["22BB"], json!({"leerlabCode": "LAB"}))}),
            )
            .await;
        let activity = &created["createActivity"]["activity"];
        assert_eq!(activity["status"], "DRAFT");
        assert_eq!(activity["hostSchool"]["brin"], "11AA");
        assert_eq!(activity["leerlab"]["code"], "LAB");
        assert_eq!(activity["region"]["code"], "AMS");
        assert_eq!(
            brins(activity),
            ["11AA", "22BB"],
            "the host always takes part"
        );

        // A partner of the leerlab from another region may take part; without the leerlab not.
        let across = app
            .ok(
                Some(&staff),
                CREATE,
                json!({"i": activity_input("11AA", &["33CC"], json!({"leerlabCode": "LAB"}))}),
            )
            .await;
        assert_eq!(
            brins(&across["createActivity"]["activity"]),
            ["11AA", "33CC"]
        );
        let cases = [
            (
                json!({"participatingSchoolBrins": ["33CC"]}),
                "participatingSchoolBrins",
            ),
            (json!({"endsAt": "2030-10-01T07:00:00Z"}), "endsAt"),
            (json!({"endsAt": "2030-10-01T08:00:00Z"}), "endsAt"),
            (json!({"endsAt": "2030-12-01T08:00:00Z"}), "endsAt"),
            (json!({"capacity": 0}), "capacity"),
            (json!({"title": "  "}), "title"),
            (json!({"leerlabCode": "FAR"}), "leerlabCode"),
        ];
        for (overrides, field) in cases {
            let got = field_error(&app, &staff, activity_input("11AA", &[], overrides)).await;
            assert_eq!(got, ("BAD_USER_INPUT".into(), field.into()));
        }
        let unknown = field_error(&app, &staff, activity_input("11AA", &["99ZZ"], json!({}))).await;
        assert_eq!(
            unknown,
            ("NOT_FOUND".into(), "participatingSchoolBrins".into())
        );
        let admin = app.admin();
        let outside = field_error(&app, &admin, activity_input("33CC", &[], json!({}))).await;
        assert_eq!(outside, ("BAD_USER_INPUT".into(), "hostSchoolBrin".into()));
        let no_region = field_error(
            &app,
            &admin,
            activity_input("11AA", &[], json!({"regionCode": "XX"})),
        )
        .await;
        assert_eq!(no_region, ("NOT_FOUND".into(), "regionCode".into()));

        // Scope: staff host only their own school; coordinators their own region.
        let input = json!({"i": activity_input("11AA", &[], json!({}))});
        assert_eq!(
            app.error_code(Some(&app.staff("22BB")), CREATE, input.clone())
                .await,
            "FORBIDDEN"
        );
        assert_eq!(
            app.error_code(Some(&app.coordinator("HDW")), CREATE, input.clone())
                .await,
            "FORBIDDEN"
        );
        assert_eq!(
            app.error_code(None, CREATE, input.clone()).await,
            "UNAUTHENTICATED"
        );
        let integration = app.token(leerroute::auth::Role::Integration, Some("AMS"), None, None);
        assert_eq!(
            app.error_code(Some(&integration), CREATE, input.clone())
                .await,
            "FORBIDDEN"
        );
        app.ok(Some(&app.coordinator("AMS")), CREATE, input).await;
    }
);

const READ: &str = "query($id: ID!) { activity(id: $id) { title status cancelReason } node(id: $id) { id ... on Activity { status } } }";
const LIST: &str =
    "{ activities(filter: {regionCode: \"AMS\"}) { totalCount edges { node { title status } } } }";

db_test!(
    drafts_are_hidden_until_published,
    |app: TestApp| async move {
        setting(&app).await;
        let host = app.staff("11AA");
        let id = create(&app, &host, activity_input("11AA", &["22BB"], json!({}))).await;
        // Only the host school's staff, the region's coordinator and admin know of a draft.
        for token in [None, Some(app.staff("22BB")), Some(app.coordinator("HDW"))] {
            let read = app.ok(token.as_deref(), READ, json!({"id": id})).await;
            assert!(read["activity"].is_null() && read["node"].is_null());
            let list = app.ok(token.as_deref(), LIST, json!({})).await;
            assert_eq!(list["activities"]["totalCount"], 0);
        }
        for token in [host.clone(), app.coordinator("AMS"), app.admin()] {
            let read = app.ok(Some(&token), READ, json!({"id": id})).await;
            assert_eq!(read["activity"]["status"], "DRAFT");
            assert_eq!(read["node"]["status"], "DRAFT");
            let list = app.ok(Some(&token), LIST, json!({})).await;
            assert_eq!(list["activities"]["totalCount"], 1);
        }
        // To those who may not see it, a draft is missing, not forbidden.
        let other = app.staff("22BB");
        assert_eq!(
            code_and_field(&app.gql(Some(&other), PUBLISH, json!({"id": id})).await),
            ("NOT_FOUND".into(), "id".into())
        );
        let published = app.ok(Some(&host), PUBLISH, json!({"id": id})).await;
        assert_eq!(
            published["publishActivity"]["activity"]["status"],
            "PUBLISHED"
        );
        assert!(published["publishActivity"]["activity"]["publishedAt"].is_string());
        assert_eq!(
            app.error_code(Some(&host), PUBLISH, json!({"id": id}))
                .await,
            "CONFLICT"
        );
        let read = app.ok(None, READ, json!({"id": id})).await;
        assert_eq!(read["activity"]["status"], "PUBLISHED");
        assert_eq!(read["node"]["status"], "PUBLISHED");

        // Seen now, but still only the host's to change.
        let update = json!({"i": {"id": id, "title": "Nieuwe titel"}});
        assert_eq!(
            app.error_code(Some(&other), UPDATE, update.clone()).await,
            "FORBIDDEN"
        );
        let changed = app.ok(Some(&host), UPDATE, update).await;
        assert_eq!(
            changed["updateActivity"]["activity"]["title"],
            "Nieuwe titel"
        );
        // Participants are replaced as a whole, the host stays; outsiders need the leerlab.
        let schools =
            json!({"i": {"id": id, "participatingSchoolBrins": ["44DD"], "location": null}});
        let moved = app.ok(Some(&host), UPDATE, schools).await;
        assert_eq!(
            brins(&moved["updateActivity"]["activity"]),
            ["11AA", "44DD"]
        );
        assert!(moved["updateActivity"]["activity"]["location"].is_null());
        let outsider = json!({"i": {"id": id, "participatingSchoolBrins": ["33CC"]}});
        let refused = app.gql(Some(&host), UPDATE, outsider.clone()).await;
        assert_eq!(
            code_and_field(&refused),
            ("BAD_USER_INPUT".into(), "participatingSchoolBrins".into())
        );
        let with_lab =
            json!({"i": {"id": id, "participatingSchoolBrins": ["33CC"], "leerlabCode": "LAB"}});
        let joined = app.ok(Some(&host), UPDATE, with_lab).await;
        assert_eq!(
            brins(&joined["updateActivity"]["activity"]),
            ["11AA", "33CC"]
        );
        let late = app
            .gql(
                Some(&host),
                UPDATE,
                json!({"i": {"id": id, "endsAt": "2030-09-01T00:00:00Z"}}),
            )
            .await;
        assert_eq!(
            code_and_field(&late),
            ("BAD_USER_INPUT".into(), "endsAt".into())
        );

        let blank = app
            .gql(Some(&host), CANCEL, json!({"id": id, "r": " "}))
            .await;
        assert_eq!(
            code_and_field(&blank),
            ("BAD_USER_INPUT".into(), "reason".into())
        );
        let cancelled = app
            .ok(
                Some(&app.coordinator("AMS")),
                CANCEL,
                json!({"id": id, "r": "Bus gaat niet"}),
            )
            .await;
        assert_eq!(
            cancelled["cancelActivity"]["activity"]["status"],
            "CANCELLED"
        );
        let read = app.ok(None, READ, json!({"id": id})).await;
        assert_eq!(read["activity"]["cancelReason"], "Bus gaat niet");
        assert_eq!(
            app.error_code(Some(&host), CANCEL, json!({"id": id, "r": "nog eens"}))
                .await,
            "CONFLICT"
        );
        assert_eq!(
            app.error_code(Some(&host), UPDATE, json!({"i": {"id": id, "title": "x"}}))
                .await,
            "CONFLICT"
        );
        // A draft cannot be cancelled: there is nothing to call off yet.
        let draft = create(&app, &host, activity_input("11AA", &[], json!({}))).await;
        assert_eq!(
            app.error_code(Some(&host), CANCEL, json!({"id": draft, "r": "weg"}))
                .await,
            "CONFLICT"
        );
        let bad_id = app.gql(Some(&host), PUBLISH, json!({"id": "bm9wZQ"})).await;
        assert_eq!(
            code_and_field(&bad_id),
            ("BAD_USER_INPUT".into(), "id".into())
        );
    }
);

const PAGE: &str = "query($f: ActivityFilterInput, $after: String) { activities(filter: $f, first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { title startsAt } } } }";

async fn titles(app: &TestApp, filter: Value) -> Vec<String> {
    let mut all = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app
            .ok(None, PAGE, json!({"f": filter, "after": after}))
            .await;
        let connection = &data["activities"];
        for edge in connection["edges"].as_array().unwrap() {
            all.push(edge["node"]["title"].as_str().unwrap().to_owned());
        }
        if connection["pageInfo"]["hasNextPage"] != true {
            return all;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
}

db_test!(
    activities_are_filtered_and_paged_by_start,
    |app: TestApp| async move {
        setting(&app).await;
        let at = |day: u32, hour: u32| format!("2030-10-{day:02}T{hour:02}:00:00Z");
        let plan = [
            ("D", 4, "INFO_SESSION", "22BB", None),
            ("A", 1, "CAMPUS_VISIT", "11AA", Some("LAB")),
            ("C", 3, "GUEST_LESSON", "11AA", None),
            ("B1", 2, "CAMPUS_VISIT", "44DD", None),
            ("B2", 2, "CAMPUS_VISIT", "11AA", Some("LAB")),
        ];
        for (title, day, kind, host, lab) in plan {
            let overrides = json!({"title": title, "kind": kind, "startsAt": at(day, 9), "endsAt": at(day, 12), "leerlabCode": lab});
            published(&app, activity_input(host, &[], overrides)).await;
        }
        let hdw = json!({"regionCode": "HDW", "title": "Elders"});
        published(&app, activity_input("33CC", &[], hdw)).await;
        let draft = create(
            &app,
            &app.admin(),
            activity_input("11AA", &[], json!({"title": "Concept"})),
        )
        .await;

        let region = json!({"regionCode": "AMS"});
        assert_eq!(
            titles(&app, region.clone()).await,
            ["A", "B1", "B2", "C", "D"]
        );
        let count = app.ok(None, PAGE, json!({"f": region})).await;
        assert_eq!(count["activities"]["totalCount"], 5);
        assert_eq!(
            titles(&app, json!({"kind": "CAMPUS_VISIT", "regionCode": "AMS"})).await,
            ["A", "B1", "B2"]
        );
        assert_eq!(titles(&app, json!({"schoolBrin": "44DD"})).await, ["B1"]);
        assert_eq!(
            titles(&app, json!({"leerlabCode": "LAB"})).await,
            ["A", "B2"]
        );
        assert_eq!(
            titles(
                &app,
                json!({"regionCode": "AMS", "from": at(2, 10), "to": at(4, 9)})
            )
            .await,
            ["B1", "B2", "C"]
        );
        assert_eq!(titles(&app, json!({"regionCode": "HDW"})).await, ["Elders"]);
        assert_eq!(
            titles(&app, json!({"status": "DRAFT"})).await,
            Vec::<String>::new()
        );
        let admin_drafts = app
            .ok(
                Some(&app.admin()),
                "{ activities(filter: {status: DRAFT}) { edges { node { id } } } }",
                json!({}),
            )
            .await;
        assert_eq!(admin_drafts["activities"]["edges"][0]["node"]["id"], draft);
        let bad = app.gql(None, PAGE, json!({"after": "nonsense"})).await;
        assert_eq!(
            code_and_field(&bad),
            ("BAD_USER_INPUT".into(), "after".into())
        );
    }
);

db_test!(enrolment_rules, |app: TestApp| async move {
    setting(&app).await;
    let id = published(
        &app,
        activity_input("22BB", &["11AA"], json!({"capacity": 2})),
    )
    .await;
    let (ann, bo, cas) = (
        pupil(&app, "11AA").await,
        pupil(&app, "11AA").await,
        pupil(&app, "11AA").await,
    );
    let outsider = pupil(&app, "44DD").await;
    let own_staff = app.staff("11AA");
    let enrol = |token: String, student: &String| {
        let vars = json!({"a": id, "s": student});
        let app = &app;
        async move { app.gql(Some(&token), ENROL, vars).await }
    };
    // Students only for themselves; staff only for their own school's pupils.
    let student = student_token(&app, "11AA", &ann);
    assert_eq!(
        code_and_field(&enrol(student.clone(), &bo).await).0,
        "FORBIDDEN"
    );
    assert_eq!(
        code_and_field(&enrol(app.staff("22BB"), &ann).await).0,
        "FORBIDDEN"
    );
    assert_eq!(
        code_and_field(&enrol(app.coordinator("AMS"), &ann).await).0,
        "FORBIDDEN"
    );
    let done = enrol(student.clone(), &ann).await;
    assert_eq!(
        done["data"]["enrolInActivity"]["activity"]["enrolledCount"], 1,
        "{done}"
    );
    assert_eq!(
        done["data"]["enrolInActivity"]["enrolment"]["studentId"],
        ann
    );
    assert_eq!(
        code_and_field(&enrol(student, &ann).await).0,
        "CONFLICT",
        "no second place"
    );
    let second = enrol(own_staff.clone(), &bo).await;
    assert_eq!(
        second["data"]["enrolInActivity"]["activity"]["placesLeft"],
        0
    );
    assert_eq!(
        code_and_field(&enrol(own_staff.clone(), &cas).await).0,
        "CONFLICT",
        "full"
    );
    // A pupil of a school that does not take part.
    let other = enrol(app.staff("44DD"), &outsider).await;
    assert_eq!(
        code_and_field(&other),
        ("BAD_USER_INPUT".into(), "studentId".into())
    );
    // Capacity cannot drop below the number enrolled.
    let lower = app
        .gql(
            Some(&app.staff("22BB")),
            UPDATE,
            json!({"i": {"id": id, "capacity": 1}}),
        )
        .await;
    assert_eq!(
        code_and_field(&lower),
        ("BAD_USER_INPUT".into(), "capacity".into())
    );
    app.ok(
        Some(&app.staff("22BB")),
        UPDATE,
        json!({"i": {"id": id, "capacity": 3}}),
    )
    .await;
    app.ok(Some(&app.admin()), ENROL, json!({"a": id, "s": cas}))
        .await;

    // Drafts take no pupils; neither do cancelled activities.
    let draft = create(
        &app,
        &app.staff("11AA"),
        activity_input("11AA", &[], json!({})),
    )
    .await;
    let body = app
        .gql(Some(&own_staff), ENROL, json!({"a": draft, "s": ann}))
        .await;
    assert_eq!(code_and_field(&body).0, "CONFLICT");
    let hidden = app
        .gql(
            Some(&student_token(&app, "11AA", &ann)),
            ENROL,
            json!({"a": draft, "s": ann}),
        )
        .await;
    assert_eq!(
        code_and_field(&hidden),
        ("NOT_FOUND".into(), "activityId".into())
    );
    app.ok(Some(&app.admin()), CANCEL, json!({"id": id, "r": "storm"}))
        .await;
    let fresh = published(&app, activity_input("11AA", &[], json!({}))).await;
    app.ok(
        Some(&app.admin()),
        CANCEL,
        json!({"id": fresh, "r": "storm"}),
    )
    .await;
    let body = app
        .gql(Some(&own_staff), ENROL, json!({"a": fresh, "s": ann}))
        .await;
    assert_eq!(code_and_field(&body).0, "CONFLICT");
    assert_eq!(app.count_rows("activity_enrolment").await, 3);
});

db_test!(
    concurrent_enrolments_never_overbook,
    |app: TestApp| async move {
        setting(&app).await;
        const CAPACITY: usize = 5;
        const PUPILS: usize = 40;
        let id = published(
            &app,
            activity_input("11AA", &[], json!({"capacity": CAPACITY})),
        )
        .await;
        let mut pupils = Vec::new();
        for _ in 0..PUPILS {
            pupils.push(pupil(&app, "11AA").await);
        }
        let staff = app.staff("11AA");
        let app = std::sync::Arc::new(app);
        let requests = pupils.into_iter().map(|student| {
            let (app, staff, id) = (app.clone(), staff.clone(), id.clone());
            tokio::spawn(async move {
                app.gql(Some(&staff), ENROL, json!({"a": id, "s": student}))
                    .await
            })
        });
        let mut enrolled = 0;
        let mut full = 0;
        for response in futures::future::join_all(requests).await {
            let body = response.unwrap();
            match leerroute_tests::first_error_code(&body).as_deref() {
                None => enrolled += 1,
                Some("CONFLICT") => full += 1,
                other => panic!("unexpected outcome {other:?}: {body}"),
            }
        }
        assert_eq!((enrolled, full), (CAPACITY, PUPILS - CAPACITY));
        let read = app
        .ok(Some(&staff), "query($id: ID!) { activity(id: $id) { enrolledCount placesLeft enrolments { studentId } } }", json!({"id": id}))
        .await;
        assert_eq!(read["activity"]["enrolledCount"], CAPACITY);
        assert_eq!(read["activity"]["placesLeft"], 0);
        assert_eq!(
            read["activity"]["enrolments"].as_array().unwrap().len(),
            CAPACITY
        );
        assert_eq!(app.count_rows("activity_enrolment").await, CAPACITY as i64);
    }
);

db_test!(
    attendance_by_staff_reflection_by_the_pupil,
    |app: TestApp| async move {
        setting(&app).await;
        let id = published(&app, activity_input("22BB", &["11AA", "44DD"], json!({}))).await;
        let ann = pupil(&app, "11AA").await;
        let bo = pupil(&app, "11AA").await;
        app.ok(Some(&app.admin()), ENROL, json!({"a": id, "s": ann}))
            .await;
        let record = |token: String, input: Value| {
            let app = &app;
            async move { app.gql(Some(&token), ATTEND, json!({"i": input})).await }
        };
        let present = json!({"activityId": id, "studentId": ann, "attendance": "PRESENT"});
        let by_host = record(app.staff("22BB"), present.clone()).await;
        assert!(by_host.get("errors").is_none(), "{by_host}");
        // The hosting school records presence but may not read another school's pupil.
        assert!(
            by_host["data"]["recordAttendance"]["enrolment"].is_null(),
            "{by_host}"
        );
        let absent = json!({"activityId": id, "studentId": ann, "attendance": "ABSENT"});
        let by_school = record(app.staff("11AA"), absent.clone()).await;
        assert_eq!(
            by_school["data"]["recordAttendance"]["enrolment"]["attendance"],
            "ABSENT"
        );
        assert_eq!(
            code_and_field(&record(app.staff("44DD"), present.clone()).await).0,
            "FORBIDDEN"
        );
        let pupil_token = student_token(&app, "11AA", &ann);
        assert_eq!(
            code_and_field(&record(pupil_token.clone(), present).await).0,
            "FORBIDDEN"
        );

        let reflection = json!({"activityId": id, "studentId": ann, "reflection": "Leuk, ik wil Sport en Bewegen doen"});
        let own = record(pupil_token.clone(), reflection.clone()).await;
        assert_eq!(
            own["data"]["recordAttendance"]["enrolment"]["reflection"],
            "Leuk, ik wil Sport en Bewegen doen"
        );
        assert_eq!(
            own["data"]["recordAttendance"]["enrolment"]["attendance"],
            "ABSENT"
        );
        assert_eq!(
            code_and_field(&record(app.staff("11AA"), reflection).await).0,
            "FORBIDDEN"
        );
        // The attack of issue #10.6: the host's staff record attendance again to read the
        // pupil's private reflection from the answer. They get no enrolment at all.
        let again = record(
            app.staff("22BB"),
            json!({"activityId": id, "studentId": ann, "attendance": "PRESENT"}),
        )
        .await;
        assert!(
            again["data"]["recordAttendance"]["enrolment"].is_null(),
            "{again}"
        );
        assert!(
            !again.to_string().contains("Sport en Bewegen doen"),
            "{again}"
        );
        let others = json!({"activityId": id, "studentId": bo, "reflection": "niet van mij"});
        assert_eq!(
            code_and_field(&record(pupil_token, others).await).0,
            "FORBIDDEN"
        );
        let not_enrolled = json!({"activityId": id, "studentId": bo, "attendance": "PRESENT"});
        assert_eq!(
            code_and_field(&record(app.staff("11AA"), not_enrolled).await),
            ("NOT_FOUND".into(), "studentId".into())
        );
        let empty = json!({"activityId": id, "studentId": ann});
        assert_eq!(
            code_and_field(&record(app.staff("11AA"), empty).await).0,
            "BAD_USER_INPUT"
        );
    }
);

const ENROLMENTS: &str =
    "query($id: ID!) { activity(id: $id) { enrolledCount enrolments { studentId attendance } } }";
const AUDIT: &str = "query($s: String) { auditEvents(filter: {action: \"activity.enrolment.read\", subject: $s}, first: 100) { totalCount edges { node { subject target } } } }";

db_test!(
    enrolments_are_scoped_and_audited,
    |app: TestApp| async move {
        setting(&app).await;
        let id = published(&app, activity_input("22BB", &["11AA", "44DD"], json!({}))).await;
        let ours = [pupil(&app, "11AA").await, pupil(&app, "11AA").await];
        let theirs = pupil(&app, "44DD").await;
        for student in ours.iter().chain([&theirs]) {
            app.ok(Some(&app.admin()), ENROL, json!({"a": id, "s": student}))
                .await;
        }
        let seen = |token: Option<String>| {
            let app = &app;
            let id = id.clone();
            async move {
                let data = app
                    .ok(token.as_deref(), ENROLMENTS, json!({"id": id}))
                    .await;
                assert_eq!(
                    data["activity"]["enrolledCount"], 3,
                    "everyone sees the count"
                );
                let mut ids: Vec<String> = data["activity"]["enrolments"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["studentId"].as_str().unwrap().to_owned())
                    .collect();
                ids.sort();
                ids
            }
        };
        let mut expected_ours = ours.to_vec();
        expected_ours.sort();
        assert_eq!(seen(Some(app.staff("11AA"))).await, expected_ours);
        assert_eq!(seen(Some(app.staff("44DD"))).await, vec![theirs]);
        assert_eq!(
            seen(Some(student_token(&app, "11AA", &ours[0]))).await,
            [ours[0].clone()]
        );
        for nobody in [None, Some(app.staff("22BB")), Some(app.coordinator("AMS"))] {
            assert!(
                seen(nobody).await.is_empty(),
                "the host and coordinators see no pupils"
            );
        }
        assert_eq!(seen(Some(app.admin())).await.len(), 3);

        let admin = app.admin();
        let staff_reads = app
            .ok(Some(&admin), AUDIT, json!({"s": "staff-11AA"}))
            .await;
        assert_eq!(staff_reads["auditEvents"]["totalCount"], 2);
        let target = staff_reads["auditEvents"]["edges"][0]["node"]["target"]
            .as_str()
            .unwrap();
        assert!(
            ours.iter().any(|s| target == format!("Student:{s}")),
            "{target}"
        );
        let host_reads = app
            .ok(Some(&admin), AUDIT, json!({"s": "staff-22BB"}))
            .await;
        assert_eq!(host_reads["auditEvents"]["totalCount"], 0);
    }
);
