//! Minting our own HS256 tokens: for development and for integration scripts' service accounts.

use std::time::Duration;

use jsonwebtoken::{EncodingKey, Header, encode};
use serde_json::json;

use super::Role;

/// What a minted token says.
pub struct TokenRequest<'a> {
    pub role: Role,
    pub subject: &'a str,
    pub region: Option<&'a str>,
    pub school: Option<&'a str>,
    pub ttl: Duration,
}

/// Signs a token with the HS256 secret.
pub fn mint(secret: &str, request: &TokenRequest<'_>) -> Result<String, String> {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({
        "sub": request.subject,
        "role": request.role.as_str(),
        "iat": now,
        "exp": now + i64::try_from(request.ttl.as_secs()).map_err(|_| "ttl too long")?,
    });
    if let Some(region) = request.region {
        claims["region"] = json!(region);
    }
    if let Some(school) = request.school {
        claims["school"] = json!(school);
    }
    let key =
        EncodingKey::from_secret(secret.as_bytes()).map_err(|e| format!("bad secret: {e}"))?;
    encode(&Header::default(), &claims, &key).map_err(|e| format!("cannot sign token: {e}"))
}

/// Parses a lifetime such as `90s`, `30m`, `8h` or `90d`.
pub fn parse_ttl(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.len().saturating_sub(1);
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("ttl `{text}` is not like 30m, 8h or 90d"))?;
    let seconds = match unit {
        "s" => number,
        "m" => number * 60,
        "h" => number * 3600,
        "d" => number * 86_400,
        _ => return Err(format!("ttl `{text}` is not like 30m, 8h or 90d")),
    };
    if seconds == 0 {
        return Err("ttl must be positive".to_owned());
    }
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_units() {
        assert_eq!(parse_ttl("8h").unwrap(), Duration::from_secs(8 * 3600));
        assert_eq!(parse_ttl("90d").unwrap(), Duration::from_secs(90 * 86_400));
        assert!(parse_ttl("8x").is_err());
        assert!(parse_ttl("0m").is_err());
    }
}
