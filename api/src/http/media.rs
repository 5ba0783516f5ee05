//! Content negotiation of `/graphql` (GraphQL over HTTP, "Accept"): the answer is
//! `application/graphql-response+json` when the client accepts it, `application/json`
//! otherwise, and nothing (406) when it accepts neither.

use axum::http::{HeaderMap, header};

/// The media type of a GraphQL answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Media {
    /// `application/graphql-response+json`: the status code tells a refused request (4xx)
    /// from an executed one (200).
    GraphqlResponse,
    /// `application/json`: the legacy type, whose answers are 200 unless nothing could run
    /// for a reason of HTTP's own (401, 413, 429, 503, …).
    Json,
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

impl Media {
    pub fn content_type(self) -> &'static str {
        match self {
            Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Media::Json => "application/json; charset=utf-8",
        }
    }

    fn essence(self) -> &'static str {
        match self {
            Media::GraphqlResponse => GRAPHQL_RESPONSE,
            Media::Json => JSON,
        }
    }
}

/// One media range of an `Accept` header, e.g. `application/json;q=0.9`.
struct Range<'a> {
    essence: &'a str,
    quality: f32,
}

fn ranges(headers: &HeaderMap) -> Vec<Range<'_>> {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|range| {
            let mut parts = range.split(';').map(str::trim);
            let essence = parts.next().filter(|e| !e.is_empty())?;
            let quality = parts
                .filter_map(|p| p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            Some(Range { essence, quality })
        })
        .collect()
}

/// How much the client wants `essence`: the quality of the most specific range that covers
/// it (exact 2, `type/*` 1, `*/*` 0), or `None` when no range does.
fn preference(ranges: &[Range<'_>], essence: &str) -> Option<(f32, u8)> {
    let kind = essence.split('/').next().unwrap_or_default();
    ranges
        .iter()
        .filter_map(|range| {
            let specificity = if range.essence.eq_ignore_ascii_case(essence) {
                2
            } else if range.essence.eq_ignore_ascii_case(&format!("{kind}/*")) {
                1
            } else if range.essence == "*/*" {
                0
            } else {
                return None;
            };
            Some((range.quality, specificity))
        })
        .max_by_key(|&(_, specificity)| specificity)
}

/// The answer's media type, or `None` when the client accepts neither (answer 406). No
/// `Accept` means `application/json`; so does a wildcard alone (`*/*`), since the clients
/// that send one predate the new type. The new type wins when it is named and wanted at
/// least as much as `application/json`.
pub fn negotiate(headers: &HeaderMap) -> Option<Media> {
    let ranges = ranges(headers);
    if ranges.is_empty() {
        return Some(Media::Json);
    }
    let wanted = |media: Media| preference(&ranges, media.essence()).filter(|(q, _)| *q > 0.0);
    match (wanted(Media::GraphqlResponse), wanted(Media::Json)) {
        (None, None) => None,
        (Some(_), None) => Some(Media::GraphqlResponse),
        (None, Some(_)) => Some(Media::Json),
        (Some((new, named)), Some((old, _))) if new > old || (new == old && named == 2) => {
            Some(Media::GraphqlResponse)
        }
        (Some(_), Some(_)) => Some(Media::Json),
    }
}

/// Whether the client names `text/html` (a browser), for GraphiQL.
pub fn accepts_html(headers: &HeaderMap) -> bool {
    ranges(headers)
        .iter()
        .any(|range| range.essence.eq_ignore_ascii_case("text/html") && range.quality > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, value.parse().unwrap());
        headers
    }

    #[test]
    fn negotiates_as_the_spec_says() {
        assert_eq!(negotiate(&HeaderMap::new()), Some(Media::Json));
        assert_eq!(negotiate(&accept("*/*")), Some(Media::Json));
        assert_eq!(negotiate(&accept("application/json")), Some(Media::Json));
        assert_eq!(
            negotiate(&accept("application/graphql-response+json")),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(
            negotiate(&accept(
                "application/json, application/graphql-response+json"
            )),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json;q=0.5, application/json"
            )),
            Some(Media::Json)
        );
        assert_eq!(
            negotiate(&accept("text/html,application/xhtml+xml,*/*;q=0.8")),
            Some(Media::Json)
        );
        assert_eq!(
            negotiate(&accept("application/*, application/graphql-response+json")),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(negotiate(&accept("text/html")), None);
        assert_eq!(negotiate(&accept("application/json;q=0")), None);
    }

    #[test]
    fn a_browser_names_html() {
        assert!(accepts_html(&accept(
            "text/html,application/xhtml+xml,*/*;q=0.8"
        )));
        assert!(!accepts_html(&accept("*/*")));
        assert!(!accepts_html(&HeaderMap::new()));
    }
}
