//! The physical limit of the nested catalogue query: one hand-written SQL statement that builds
//! the whole response body in PostgreSQL (`json_agg`), served by a minimal HTTP endpoint on its
//! own two-thread runtime (as if it were a process of its own), so that it is measured exactly
//! like the GraphQL servers: same load generator, same HTTP, same checks.

use std::{net::SocketAddr, thread::JoinHandle};

use axum::{Router, extract::State, http::StatusCode, response::IntoResponse, routing::post};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement,
};
use tokio::sync::oneshot;

/// The response body in one statement: a page of regions with their count, and per region a
/// page of its schools with their count, both in id (registration) order, as Leerroute's
/// `regions(first: 10) { totalCount nodes { code name schools(first: 20) { totalCount nodes {
/// brin name sector } } } }` answers it. The page sizes are written into the statement, not
/// bound: a prepared statement without parameters is planned once per connection, while one
/// with them may be planned again at every execution (PostgreSQL's custom plans).
pub const SQL: &str = "\
SELECT json_build_object('data', json_build_object('regions', json_build_object(
  'totalCount', (SELECT count(*) FROM region),
  'nodes', (SELECT coalesce(json_agg(json_build_object(
      'code', r.code,
      'name', r.name,
      'schools', json_build_object(
        'totalCount', (SELECT count(*) FROM school c WHERE c.region_id = r.id),
        'nodes', (SELECT coalesce(json_agg(json_build_object(
                      'brin', s.brin, 'name', s.name, 'sector', s.sector) ORDER BY s.id), '[]'::json)
                  FROM (SELECT id, brin, name, sector FROM school
                        WHERE region_id = r.id ORDER BY id LIMIT 20) s)))
      ORDER BY r.id), '[]'::json)
    FROM (SELECT id, code, name FROM region ORDER BY id LIMIT 10) r))))::text AS body";

/// The running endpoint; [`JsonAggServer::stop`] ends it.
pub struct JsonAggServer {
    pub addr: SocketAddr,
    shutdown: oneshot::Sender<()>,
    thread: JoinHandle<()>,
}

async fn answer(State(db): State<DatabaseConnection>) -> impl IntoResponse {
    let statement = Statement::from_sql_and_values(DbBackend::Postgres, SQL, []);
    let row = db.query_one_raw(statement).await;
    match row.and_then(|row| row.map(|r| r.try_get::<String>("", "body")).transpose()) {
        Ok(Some(body)) => (StatusCode::OK, [("content-type", "application/json")], body),
        Ok(None) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [("content-type", "text/plain")],
            "no row".to_owned(),
        ),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [("content-type", "text/plain")],
            e.to_string(),
        ),
    }
}

impl JsonAggServer {
    /// Starts `POST /graphql` on a free loopback port over a pool of `pool` connections to `url`.
    pub async fn start(url: &str, pool: u32) -> Result<JsonAggServer, String> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .max_connections(pool)
            .min_connections(pool)
            .sqlx_logging(false);
        let (ready, started) = oneshot::channel::<Result<SocketAddr, String>>();
        let (shutdown, stopped) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = ready.send(Err(format!("no runtime for the json_agg endpoint: {e}")));
                    return;
                }
            };
            runtime.block_on(serve(options, ready, stopped));
            // Dropping the runtime here ends the connection tasks still on it.
        });
        let addr = started
            .await
            .map_err(|_| "the json_agg endpoint did not start".to_owned())??;
        Ok(JsonAggServer {
            addr,
            shutdown,
            thread,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}/graphql", self.addr)
    }

    /// Stops serving and closes the pool.
    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        let thread = self.thread;
        let _ = tokio::task::spawn_blocking(move || thread.join()).await;
    }
}

/// Connects, listens, reports the address on `ready`, and serves until `stopped`.
async fn serve(
    options: ConnectOptions,
    ready: oneshot::Sender<Result<SocketAddr, String>>,
    stopped: oneshot::Receiver<()>,
) {
    let opened = async {
        let db = Database::connect(options)
            .await
            .map_err(|e| format!("json_agg endpoint cannot connect: {e}"))?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("json_agg endpoint cannot listen: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        Ok::<_, String>((db, listener, addr))
    };
    let (db, listener) = match opened.await {
        Ok((db, listener, addr)) => {
            let _ = ready.send(Ok(addr));
            (db, listener)
        }
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let app = Router::new()
        .route("/graphql", post(answer))
        .with_state(db.clone());
    // Not a graceful shutdown: idle keep-alive connections would hold it open.
    tokio::select! {
        _ = axum::serve(listener, app) => {}
        _ = stopped => {}
    }
    db.close().await.ok();
}
