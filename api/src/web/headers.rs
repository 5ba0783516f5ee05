//! The security headers of every page and asset.

use axum::{
    http::{HeaderName, HeaderValue, header},
    response::Response,
};

/// Scripts, styles, fonts, images and connections (the websocket included) only from this
/// service. Inline styles are allowed because GraphiQL's and ECharts' components set them;
/// fonts and images may be `data:` URLs (GraphiQL's fonts are inlined in its CSS). No inline
/// script, no `eval`, no frames, no plug-ins.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Adds the policy and its companions to `response`.
pub fn secure(response: &mut Response) {
    let headers = response.headers_mut();
    let fixed: [(HeaderName, &'static str); 4] = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // A token handed over in the URL fragment is never sent, but a referrer is not needed.
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
}
