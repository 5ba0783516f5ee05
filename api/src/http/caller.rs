//! The caller of a request, established in one place for every door: the token is verified
//! once, the caller's budget is checked (a refused token pays 1, on the budget of its
//! address), the scope is resolved and an audit trail is opened under the request's id.
//!
//! Handlers take a [`Caller`] as an axum extractor (the `AuthUser` pattern), so a route gets
//! all of this by naming it and cannot forget any of it; the websocket establishes one from its
//! `connection_init` payload with [`Caller::establish`]. The budget a request spends from is
//! noted for [`super::rate`], which writes the `x-ratelimit-*` headers of every response.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use async_graphql::{Data, dataloader::DataLoader};
use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, StatusCode, header, request::Parts},
    response::Response,
};

use super::responses::{
    cost_extensions, graphql_error_with, graphql_internal, text_error, with_retry_after,
};
use crate::{
    app::AppState,
    audit::AuditTrail,
    auth::{Identity, Viewer},
    error::ErrorCode,
    graphql::{
        cost::{REFUSED, cost_value},
        loaders::{Db, FetchQueue},
    },
    rate_limit::Refused as Over,
    request_id,
};

/// Who is calling, within one request: their scope and the audit trail (under the request's
/// id) that must be written before any pupil data leaves.
pub struct Caller {
    pub viewer: Viewer,
    pub audit: Arc<AuditTrail>,
    /// The rate-limit budget this caller spends from.
    pub budget: String,
}

/// Why a caller was turned away before anything ran.
#[derive(Debug)]
pub enum Refusal {
    /// A token that is malformed or does not verify.
    Unauthenticated(String),
    /// Over budget; the wait until the window resets.
    RateLimited(Duration),
    /// A request that costs more than a whole window holds.
    TooComplex(String),
    /// The scope could not be resolved (the database failed); the detail is for the log.
    Internal(String),
}

/// What a request presents as its token: nothing, a token, or something that is not one.
pub type Presented = Option<Result<String, String>>;

impl Caller {
    /// Verifies the presented token, checks the caller's budget (a refused token pays 1 from
    /// its address's) and resolves the caller's scope. The budget's key comes back either way.
    pub async fn establish(
        state: &AppState,
        presented: Presented,
        address: Option<IpAddr>,
        request_id: String,
    ) -> (String, Result<Caller, Refusal>) {
        let identity = match presented {
            None => Ok(Identity::anonymous()),
            Some(Ok(token)) => state.verifier.verify(&token),
            Some(Err(why)) => Err(why),
        };
        let budget = budget_of(identity.as_ref().ok(), address);
        let caller = async {
            state.budgets.check(&budget).map_err(Refusal::RateLimited)?;
            let identity = identity.map_err(|why| {
                state.budgets.charge(&budget, REFUSED);
                Refusal::Unauthenticated(why)
            })?;
            let viewer = Viewer::resolve(identity, &state.db)
                .await
                .map_err(|err| Refusal::Internal(format!("cannot resolve the caller: {err}")))?
                .on(&state.clock);
            let audit = Arc::new(AuditTrail::new(&viewer, request_id));
            Ok(Caller {
                viewer,
                audit,
                budget: budget.clone(),
            })
        }
        .await;
        (budget, caller)
    }

    /// Spends `cost` points of the caller's budget for a door that is not GraphQL (the CSV
    /// export, the calendar feed).
    pub fn spend(&self, state: &AppState, cost: u64) -> Result<(), Refusal> {
        match state.budgets.reserve(&self.budget, cost) {
            Ok(_) => Ok(()),
            Err(Over::OverBudget { wait }) => Err(Refusal::RateLimited(wait)),
            Err(Over::NeverFits { cost, limit }) => Err(Refusal::TooComplex(format!(
                "this costs {cost} points, more than a whole window of {limit} points holds"
            ))),
        }
    }

    /// The same caller for another request (an operation on its websocket): an audit trail of
    /// its own, under `request_id`.
    pub fn for_request(&self, request_id: String) -> Caller {
        Caller {
            viewer: self.viewer.clone(),
            audit: Arc::new(AuditTrail::new(&self.viewer, request_id)),
            budget: self.budget.clone(),
        }
    }

    /// What a GraphQL operation of this caller reads from its context: the caller, a fresh
    /// loader set (no cache shared between callers) whose fetches wait in `fetches` (run the
    /// operation with [`FetchQueue::drive`]), the audit trail and the live broker.
    pub fn fill(&self, data: &mut Data, state: &AppState, fetches: &FetchQueue) {
        self.fill_with(data, state, fetches.loader(&state.db, self.viewer.today()));
        data.insert(self.audit.clone());
    }

    /// As [`fill`](Self::fill), for one operation on a websocket. It runs inside
    /// async-graphql's websocket stream, so its loaders fetch after async-graphql's own short
    /// delay, not from a fetch queue.
    pub fn fill_socket_operation(&self, data: &mut Data, state: &AppState) {
        let loader = DataLoader::new(
            Db {
                db: state.db.clone(),
                today: self.viewer.today(),
            },
            tokio::spawn,
        );
        self.fill_with(data, state, loader);
        data.insert(self.audit.clone());
    }

    fn fill_with(&self, data: &mut Data, state: &AppState, loader: DataLoader<Db>) {
        data.insert(self.viewer.clone());
        data.insert(loader);
        data.insert(state.live.clone());
    }
}

/// The budget a request spends: the token's issuer and subject, else the client's address.
fn budget_of(identity: Option<&Identity>, address: Option<IpAddr>) -> String {
    match identity.and_then(|i| Some((i.provider.as_deref(), i.subject.as_deref()?))) {
        Some((issuer, subject)) => {
            // Our own tokens have no `iss`; a provider's is never empty in a key.
            let issuer = issuer.map_or("leerroute".to_owned(), |iss| format!("iss={iss}"));
            format!("token:{issuer}:{subject}")
        }
        None => match address {
            Some(address) => format!("address:{}", address.to_canonical()),
            None => "address:unknown".to_owned(),
        },
    }
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(headers: &HeaderMap) -> Presented {
    let value = headers.get(header::AUTHORIZATION)?;
    let Ok(value) = value.to_str() else {
        return Some(Err("malformed Authorization header".to_owned()));
    };
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(|token| token.trim().to_owned())
        .ok_or_else(|| "the Authorization header must be `Bearer <token>`".to_owned());
    Some(token)
}

/// The client's address, when the server was started with connect info.
pub struct Peer(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let address = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        Ok(Peer(address.map(|ConnectInfo(address)| address.ip())))
    }
}

/// A request refused by [`Caller`]'s extractor, with the budget it was charged to.
pub struct CallerRefused {
    pub refusal: Refusal,
    pub budget: String,
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = CallerRefused;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let Ok(Peer(peer)) = Peer::from_request_parts(parts, state).await;
        let address =
            crate::net::client_address(peer, &parts.headers, &state.service.trusted_proxies);
        let presented = bearer(&parts.headers);
        let (budget, caller) =
            Caller::establish(state, presented, address, request_id::current()).await;
        if let Some(slot) = parts.extensions.get::<super::rate::BudgetSlot>() {
            slot.set(&budget);
        }
        caller.map_err(|refusal| CallerRefused { refusal, budget })
    }
}

/// Handlers take `Result<Caller, CallerRefused>` and answer in their own format; this is the
/// plain-text answer for any that does not.
impl axum::response::IntoResponse for CallerRefused {
    fn into_response(self) -> Response {
        self.into_text()
    }
}

impl CallerRefused {
    /// The refusal as one line of text (CSV export, calendar feed).
    pub fn into_text(self) -> Response {
        self.refusal.into_text()
    }

    /// The refusal as a GraphQL-shaped error body with `extensions.cost` (a refused token paid
    /// 1; a request over budget pays nothing).
    pub fn into_graphql(self, state: &AppState) -> Response {
        let paid = match self.refusal {
            Refusal::Unauthenticated(_) => REFUSED,
            _ => 0,
        };
        let cost = cost_value(paid, paid, &state.budgets, &self.budget);
        let refusal = &self.refusal;
        let response = match refusal {
            Refusal::Internal(detail) => graphql_internal(detail),
            _ => graphql_error_with(
                refusal.status(),
                refusal.code(),
                &refusal.public_message(),
                cost_extensions(&cost),
            ),
        };
        refusal.retry_after(response)
    }
}

impl Refusal {
    fn status(&self) -> StatusCode {
        match self {
            Refusal::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Refusal::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Refusal::TooComplex(_) => StatusCode::BAD_REQUEST,
            Refusal::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> ErrorCode {
        match self {
            Refusal::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Refusal::RateLimited(_) => ErrorCode::RateLimited,
            Refusal::TooComplex(_) => ErrorCode::QueryTooComplex,
            Refusal::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The message a client may see.
    pub fn public_message(&self) -> String {
        match self {
            Refusal::Unauthenticated(message) => message.clone(),
            Refusal::RateLimited(wait) => format!(
                "over this window's budget of cost points; try again in {} s",
                wait.as_secs().max(1)
            ),
            Refusal::TooComplex(message) => message.clone(),
            Refusal::Internal(_) => crate::error::internal_message(&request_id::current()),
        }
    }

    fn retry_after(&self, response: Response) -> Response {
        match self {
            Refusal::RateLimited(wait) => with_retry_after(response, *wait),
            _ => response,
        }
    }

    /// The refusal as one line of text (CSV export, calendar feed).
    pub fn into_text(self) -> Response {
        if let Refusal::Internal(detail) = &self {
            tracing::error!(request_id = %request_id::current(), error = %detail, "internal error");
        }
        let response = text_error(self.status(), self.code(), &self.public_message());
        self.retry_after(response)
    }
}
