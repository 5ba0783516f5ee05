//! `GET /calendar/{regionCode}.ics`: a region's published and cancelled activities as
//! iCalendar (RFC 5545), read back with an independent parser.

mod support;

use std::io::BufReader;

use ical::parser::ical::component::{IcalCalendar, IcalEvent};
use leerroute_tests::{TestApp, db_test, small_region};
use serde_json::json;
use support::*;

fn property<'a>(event: &'a IcalEvent, name: &str) -> Option<&'a str> {
    event
        .properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
}

async fn fetch(app: &TestApp, path: &str) -> (String, String) {
    let response = app.get(path, None).await;
    assert!(response.status().is_success(), "{}", response.status());
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (content_type, response.text().await.unwrap())
}

fn parse(body: &str) -> IcalCalendar {
    let mut calendars = ical::IcalParser::new(BufReader::new(body.as_bytes()));
    let calendar = calendars
        .next()
        .expect("one calendar")
        .expect("valid iCalendar");
    assert!(calendars.next().is_none());
    calendar
}

db_test!(
    region_feed_is_rfc5545_icalendar,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        small_region(&app, "HDW", "33CC", "44DD").await;
        let title =
            "Gastles budgetcoach; rekeningen, DUO, DigiD en afspraken maken – voor alle derdejaars";
        let description =
            "Neem je telefoon mee.\nVragen? Mail de decaan, of kom langs; lokaal 2.14 \\ aula";
        let lesson = json!({"title": title, "description": description, "kind": "GUEST_LESSON",
        "startsAt": "2030-10-01T08:00:00Z", "endsAt": "2030-10-01T09:30:00Z"});
        published(&app, activity_input("11AA", &["22BB"], lesson)).await;
        let visit = json!({"title": "Campusbezoek", "startsAt": "2030-11-05T08:00:00Z", "endsAt": "2030-11-05T11:00:00Z"});
        let cancelled = published(&app, activity_input("22BB", &[], visit)).await;
        app.ok(
            Some(&app.admin()),
            CANCEL,
            json!({"id": cancelled, "r": "Bus rijdt niet"}),
        )
        .await;
        create(
            &app,
            &app.admin(),
            activity_input("11AA", &[], json!({"title": "Concept"})),
        )
        .await;
        published(
            &app,
            activity_input("33CC", &[], json!({"regionCode": "HDW", "title": "Elders"})),
        )
        .await;

        let (content_type, body) = fetch(&app, "/calendar/AMS.ics").await;
        assert!(content_type.starts_with("text/calendar"), "{content_type}");
        // Raw form: CRLF line ends, no line longer than 75 octets, nothing but CRLF as line break.
        assert!(body.ends_with("END:VCALENDAR\r\n"));
        for line in body.strip_suffix("\r\n").unwrap().split("\r\n") {
            assert!(line.len() <= 75, "line of {} octets: {line}", line.len());
            assert!(!line.contains('\n') && !line.contains('\r'));
        }
        assert!(body.contains("\r\n "), "the long title is folded");

        let calendar = parse(&body);
        let prop = |name: &str| {
            calendar
                .properties
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.value.clone())
        };
        assert_eq!(prop("VERSION").as_deref(), Some("2.0"));
        assert!(prop("PRODID").is_some());
        assert_eq!(
            calendar.events.len(),
            2,
            "published and cancelled; no drafts, no other region"
        );
        let lesson = &calendar.events[0];
        assert_eq!(
            property(lesson, "SUMMARY"),
            Some(
                "Gastles budgetcoach\\; rekeningen\\, DUO\\, DigiD en afspraken maken – voor alle derdejaars"
            )
        );
        assert_eq!(
            property(lesson, "DESCRIPTION"),
            Some(
                "Neem je telefoon mee.\\nVragen? Mail de decaan\\, of kom langs\\; lokaal 2.14 \\\\ aula"
            )
        );
        assert_eq!(property(lesson, "DTSTART"), Some("20301001T080000Z"));
        assert_eq!(property(lesson, "DTEND"), Some("20301001T093000Z"));
        assert_eq!(property(lesson, "STATUS"), Some("CONFIRMED"));
        assert!(property(lesson, "DTSTAMP").is_some_and(|s| s.ends_with('Z')));
        let visit = &calendar.events[1];
        assert_eq!(property(visit, "STATUS"), Some("CANCELLED"));
        assert!(
            property(visit, "DESCRIPTION")
                .unwrap()
                .contains("Bus rijdt niet")
        );

        // UIDs are stable: a second fetch describes the same events the same way.
        let (_, again) = fetch(&app, "/calendar/AMS.ics").await;
        assert_eq!(body, again);
        let uids: Vec<&str> = calendar
            .events
            .iter()
            .filter_map(|e| property(e, "UID"))
            .collect();
        assert_eq!(uids.len(), 2);
        assert_ne!(uids[0], uids[1]);

        assert_eq!(app.get("/calendar/XX.ics", None).await.status(), 404);
        assert_eq!(app.get("/calendar/AMS.json", None).await.status(), 404);
    }
);
