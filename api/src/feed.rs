//! The iCalendar of `GET /calendar/{regionCode}.ics`: a region's published (and cancelled)
//! activities as a feed (RFC 5545), so that schools subscribe from Outlook or Google Calendar.
//!
//! The `icalendar` crate writes the format (CRLF, TEXT escaping, folding at 75 octets); we
//! choose what goes in. Its folding may end a physical line in a space, which parsers that trim
//! lines lose, so the output is refolded at non-space characters ([`refold`]). UIDs are stable per activity so that a calendar updates an event in
//! place, and DTSTAMP is the activity's last change, so an unchanged feed stays byte-identical.

use entity::activity;
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};

use crate::domain::activity::ActivityStatus;

/// The feed's text: the calendar of a region's activities, refolded.
pub fn region_calendar(code: &str, name: &str, activities: &[activity::Model]) -> String {
    refold(&calendar(code, name, activities).to_string())
}

/// The iCalendar of a region's activities.
pub fn calendar(code: &str, name: &str, activities: &[activity::Model]) -> Calendar {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//Leerroute//Activities//NL"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .append_property(Property::new(
            "X-WR-CALNAME",
            plain(&format!("Leerroute {name}")),
        ))
        .append_property(Property::new("X-PUBLISHED-TTL", "PT1H"));
    for activity in activities {
        calendar.push(event(code, activity));
    }
    calendar.done()
}

fn event(region_code: &str, activity: &activity::Model) -> Event {
    let mut event = Event::new();
    event
        .uid(&format!(
            "activity-{}@{}.leerroute",
            activity.id,
            region_code.to_lowercase()
        ))
        .timestamp(activity.updated_at)
        .last_modified(activity.updated_at)
        .starts(activity.starts_at)
        .ends(activity.ends_at)
        .summary(&text(&activity.title));
    if let Some(location) = &activity.location {
        event.location(&text(location));
    }
    let cancelled = activity.status == ActivityStatus::Cancelled;
    let mut description = activity.description.clone().unwrap_or_default();
    if cancelled {
        let reason = activity.cancel_reason.as_deref().unwrap_or_default();
        description = format!("Geannuleerd: {reason}\n\n{description}");
    }
    if !description.trim().is_empty() {
        event.description(&text(description.trim()));
    }
    event.status(if cancelled {
        EventStatus::Cancelled
    } else {
        EventStatus::Confirmed
    });
    event.done()
}

/// Longest physical line, in octets, CRLF not counted (RFC 5545 section 3.1).
const FOLD_AT: usize = 75;

/// Unfolds the crate's output and folds it again so that no physical line ends in whitespace:
/// a break falls before a non-space character, on a UTF-8 boundary, within 75 octets.
pub fn refold(text: &str) -> String {
    let unfolded = text.replace("\r\n ", "");
    let mut out = String::with_capacity(text.len() + text.len() / 30);
    for line in unfolded.split_terminator("\r\n") {
        let mut rest = line;
        // The first physical line has 75 octets; each continuation 74 after its leading space.
        let mut room = FOLD_AT;
        while rest.len() > room {
            let cut = break_before(rest, room);
            out.push_str(&rest[..cut]);
            out.push_str("\r\n ");
            rest = &rest[cut..];
            room = FOLD_AT - 1;
        }
        out.push_str(rest);
        out.push_str("\r\n");
    }
    out
}

/// The last place at or before `room` octets where `line` may break: on a character boundary,
/// not right after whitespace (when the line offers anywhere else).
fn break_before(line: &str, room: usize) -> usize {
    let boundary = |i: usize| line.is_char_boundary(i);
    let fits = (1..=room).rev().filter(|&i| boundary(i));
    let clean = fits
        .clone()
        .find(|&i| !line[..i].ends_with(char::is_whitespace));
    clean.or_else(|| fits.into_iter().next()).unwrap_or(room)
}

/// TEXT values: the crate escapes `\`, `;`, `,` and newlines; a CR would pass unescaped.
fn text(value: &str) -> String {
    value.replace("\r\n", "\n").replace('\r', "\n")
}

/// A value the crate does not escape (X- properties): keep it on one plain line.
fn plain(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, ';' | ',' | '\\') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::domain::activity::ActivityKind;

    #[test]
    fn lines_end_in_crlf_fold_at_75_octets_and_escape() {
        let at = Utc.with_ymd_and_hms(2025, 9, 1, 12, 0, 0).unwrap();
        let activity = activity::Model {
            id: 7,
            region_id: 1,
            host_school_id: 1,
            leerlab_id: None,
            kind: ActivityKind::GuestLesson,
            title:
                "Budgetcoach; geld, DUO en rekeningen – een gastles van ruim zeventig tekens lang"
                    .into(),
            description: Some("Regel 1\r\nRegel 2".into()),
            location: None,
            status: ActivityStatus::Cancelled,
            starts_at: at,
            ends_at: at,
            capacity: 1,
            enrolled_count: 0,
            cancel_reason: Some("ziek".into()),
            published_at: Some(at),
            created_at: at,
            updated_at: at,
        };
        let written = calendar("AMS", "Amsterdam", &[activity]).to_string();
        let text = refold(&written);
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "too long: {line}");
            assert!(!line.contains('\n') && !line.contains('\r'));
            assert!(!line.ends_with(' '), "ends in a space: {line:?}");
        }
        let unfold = |t: &str| t.replace("\r\n ", "");
        assert_eq!(
            unfold(&text),
            unfold(&written),
            "refolding changes no content"
        );
        assert!(text.contains("SUMMARY:Budgetcoach\\; geld\\, DUO"));
        assert!(text.contains("STATUS:CANCELLED"));
        assert!(text.contains("DTSTART:20250901T120000Z"));
        assert!(text.contains("UID:activity-7@ams.leerroute"));
    }
}
