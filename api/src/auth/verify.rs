//! Verifying bearer tokens.
//!
//! Each algorithm has its own key source: HS256 only with our secret, RS256 only with the
//! identity provider's public keys. So an HS256 token signed with the RSA public key as
//! HMAC secret (algorithm confusion) finds no HMAC key that accepts it, and `alg: none` or
//! any other algorithm is refused outright.

use std::collections::HashMap;

use jsonwebtoken::{
    Algorithm, DecodingKey, Validation, decode, decode_header,
    jwk::{Jwk, JwkSet},
};
use serde_json::Value;

use super::{Identity, Role};
use crate::config::AuthArgs;

/// Seconds of clock skew tolerated on `exp` and `nbf`.
const LEEWAY_SECONDS: u64 = 30;

/// Everything needed to verify a token and map its claims.
pub struct TokenVerifier {
    hs256: DecodingKey,
    rs256_pem: Option<DecodingKey>,
    rs256_jwks: HashMap<String, DecodingKey>,
    issuer: Option<String>,
    audience: Option<String>,
    school_claims: Vec<String>,
    affiliation_claim: String,
    /// Affiliation to role, most privileged first.
    affiliation_roles: Vec<(String, Role)>,
}

impl TokenVerifier {
    /// Builds the verifier from our secret and the identity-provider settings.
    pub fn new(jwt_secret: &str, args: &AuthArgs) -> Result<Self, String> {
        let rs256_pem = match &args.jwt_public_key {
            Some(path) => {
                let pem = std::fs::read(path).map_err(|e| {
                    format!(
                        "cannot read LEERROUTE_JWT_PUBLIC_KEY {}: {e}",
                        path.display()
                    )
                })?;
                Some(DecodingKey::from_rsa_pem(&pem).map_err(|e| {
                    format!(
                        "LEERROUTE_JWT_PUBLIC_KEY {} is not an RSA public key: {e}",
                        path.display()
                    )
                })?)
            }
            None => None,
        };
        let rs256_jwks = match &args.jwt_jwks {
            Some(path) => load_jwks(path)?,
            None => HashMap::new(),
        };
        Ok(TokenVerifier {
            hs256: DecodingKey::from_secret(jwt_secret.as_bytes())
                .map_err(|e| format!("unusable LEERROUTE_JWT_SECRET: {e}"))?,
            rs256_pem,
            rs256_jwks,
            issuer: args.jwt_issuer.clone(),
            audience: args.jwt_audience.clone(),
            school_claims: args.jwt_school_claims.clone(),
            affiliation_claim: args.jwt_affiliation_claim.clone(),
            affiliation_roles: parse_affiliation_roles(&args.jwt_affiliation_roles)?,
        })
    }

    /// Verifies a token and maps its claims to an identity. The error is safe to show.
    pub fn verify(&self, token: &str) -> Result<Identity, String> {
        let header = decode_header(token).map_err(|_| "malformed token".to_owned())?;
        match header.alg {
            Algorithm::HS256 => {
                let claims = self.decode_with(token, &self.hs256, Algorithm::HS256, false)?;
                self.identity(&claims, false)
            }
            Algorithm::RS256 => {
                let key = self.rs256_key(header.kid.as_deref())?;
                let claims = self.decode_with(token, key, Algorithm::RS256, true)?;
                self.identity(&claims, true)
            }
            other => Err(format!("tokens signed with {other:?} are not accepted")),
        }
    }

    fn rs256_key(&self, kid: Option<&str>) -> Result<&DecodingKey, String> {
        if let Some(key) = kid.and_then(|kid| self.rs256_jwks.get(kid)) {
            return Ok(key);
        }
        if kid.is_none() && self.rs256_jwks.len() == 1 {
            return Ok(self.rs256_jwks.values().next().expect("one key"));
        }
        self.rs256_pem
            .as_ref()
            .ok_or_else(|| "no identity-provider key matches this token".to_owned())
    }

    fn decode_with(
        &self,
        token: &str,
        key: &DecodingKey,
        algorithm: Algorithm,
        from_identity_provider: bool,
    ) -> Result<Value, String> {
        let mut validation = Validation::new(algorithm);
        validation.leeway = LEEWAY_SECONDS;
        // A token not valid yet is refused (beyond the same skew), whoever signed it.
        validation.validate_nbf = true;
        let mut required = vec!["exp", "sub"];
        validation.validate_aud = false;
        // Issuer and audience describe the identity provider; our own tokens carry neither.
        // When configured they are required: a token without them is refused, not waved on.
        if from_identity_provider {
            if let Some(issuer) = &self.issuer {
                validation.set_issuer(&[issuer]);
                required.push("iss");
            }
            if let Some(audience) = &self.audience {
                validation.set_audience(&[audience]);
                validation.validate_aud = true;
                required.push("aud");
            }
        }
        validation.set_required_spec_claims(&required);
        decode::<Value>(token, key, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => "token has expired".to_owned(),
                jsonwebtoken::errors::ErrorKind::ImmatureSignature => {
                    "token is not valid yet (nbf)".to_owned()
                }
                jsonwebtoken::errors::ErrorKind::InvalidSignature => {
                    "bad token signature".to_owned()
                }
                jsonwebtoken::errors::ErrorKind::InvalidIssuer => {
                    "token has the wrong issuer".to_owned()
                }
                jsonwebtoken::errors::ErrorKind::InvalidAudience => {
                    "token has the wrong audience".to_owned()
                }
                jsonwebtoken::errors::ErrorKind::MissingRequiredClaim(claim) => {
                    format!("token lacks the `{claim}` claim")
                }
                _ => "invalid token".to_owned(),
            })
    }

    /// Maps verified claims to an identity. Our own tokens: `role` if present, else the
    /// affiliation mapping. An identity provider's tokens: the affiliation mapping only (which
    /// can never grant admin), whatever `role` claim they carry (DESIGN.md section 3).
    fn identity(&self, claims: &Value, from_identity_provider: bool) -> Result<Identity, String> {
        let text = |name: &str| first_string(claims.get(name));
        let role = match text("role").filter(|_| !from_identity_provider) {
            Some(role) => {
                Role::parse_claim(&role).ok_or_else(|| format!("unknown role `{role}`"))?
            }
            None => self.role_from_affiliation(claims.get(&self.affiliation_claim))?,
        };
        if from_identity_provider && role == Role::Admin {
            return Err("an identity provider's token is never admin".to_owned());
        }
        let school = self
            .school_claims
            .iter()
            .find_map(|name| text(name))
            .map(|brin| brin.trim().to_uppercase());
        let identity = Identity {
            role,
            subject: text("sub"),
            region: text("region"),
            school,
            provider: from_identity_provider.then(|| text("iss").unwrap_or_default()),
        };
        check_scope_claims(&identity)?;
        Ok(identity)
    }

    fn role_from_affiliation(&self, claim: Option<&Value>) -> Result<Role, String> {
        let affiliations: Vec<String> = match claim {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => return Err("token has no `role` claim".to_owned()),
        };
        self.affiliation_roles
            .iter()
            .find(|(affiliation, _)| {
                affiliations
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(affiliation))
            })
            .map(|(_, role)| *role)
            .ok_or_else(|| "no role for this token's affiliation".to_owned())
    }
}

/// Each role needs the claims that scope it; a token without them is refused, never widened.
fn check_scope_claims(identity: &Identity) -> Result<(), String> {
    let missing = match identity.role {
        Role::Coordinator | Role::Integration | Role::Rmc if identity.region.is_none() => {
            Some("region")
        }
        Role::SchoolStaff | Role::Student if identity.school.is_none() => Some("school"),
        _ => None,
    };
    match missing {
        Some(claim) => Err(format!(
            "a {} token needs a `{claim}` claim",
            identity.role.as_str()
        )),
        None => Ok(()),
    }
}

/// A claim that is a string, or an array whose first string is taken.
fn first_string(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Array(items) => items.iter().find_map(|v| v.as_str().map(str::to_owned)),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn parse_affiliation_roles(pairs: &[String]) -> Result<Vec<(String, Role)>, String> {
    let mut mapping = pairs
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(|pair| {
            let (affiliation, role) = pair.split_once('=').ok_or_else(|| {
                format!("LEERROUTE_JWT_AFFILIATION_ROLES: `{pair}` is not affiliation=role")
            })?;
            let role = Role::parse_claim(role.trim())
                .ok_or_else(|| format!("LEERROUTE_JWT_AFFILIATION_ROLES: unknown role `{role}`"))?;
            if role == Role::Admin {
                return Err("LEERROUTE_JWT_AFFILIATION_ROLES may not grant admin".to_owned());
            }
            Ok((affiliation.trim().to_owned(), role))
        })
        .collect::<Result<Vec<_>, String>>()?;
    // The most privileged matching role wins: staff who are also students act as staff.
    mapping.sort_by_key(|(_, role)| std::cmp::Reverse(Role::ALL.iter().position(|r| r == role)));
    Ok(mapping)
}

fn load_jwks(path: &std::path::Path) -> Result<HashMap<String, DecodingKey>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read LEERROUTE_JWT_JWKS {}: {e}", path.display()))?;
    let set: JwkSet = serde_json::from_str(&text)
        .map_err(|e| format!("LEERROUTE_JWT_JWKS {} is not a JWKS: {e}", path.display()))?;
    set.keys
        .iter()
        .filter(|jwk| is_rsa_signing_key(jwk))
        .map(|jwk| {
            let kid = jwk.common.key_id.clone().unwrap_or_default();
            let key = DecodingKey::from_jwk(jwk)
                .map_err(|e| format!("JWKS key `{kid}` is unusable: {e}"))?;
            Ok((kid, key))
        })
        .collect()
}

fn is_rsa_signing_key(jwk: &Jwk) -> bool {
    matches!(
        jwk.algorithm,
        jsonwebtoken::jwk::AlgorithmParameters::RSA(_)
    )
}
