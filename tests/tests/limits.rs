//! Bounded requests (issue #11, item 5): the body limit holds for every content type before
//! the body is read (`LEERROUTE_MAX_BODY_KB` for JSON, `LEERROUTE_MAX_UPLOAD_MB` for the file of
//! an upload), a `Content-Length` over it is refused unread and a chunked body is cut off at it
//! (413 with a coded GraphQL error); uploads from callers who may not import are refused before
//! their body is read; and aliases are capped (`LEERROUTE_MAX_ALIASES`, `QUERY_TOO_COMPLEX`).

use std::time::Duration;

use leerroute::{auth::Role, config::ServiceArgs};
use leerroute_tests::{Options, TestApp, db_test, first_error_code};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

fn small_bodies() -> Options {
    Options {
        service: Some(ServiceArgs {
            max_body_kb: 4,
            max_upload_mb: 1,
            ..ServiceArgs::default()
        }),
        ..Options::default()
    }
}

/// Sends `head` (request line and headers, without the blank line) and then `body`, and reads
/// the answer: its status and its JSON body. Fails when no answer comes within 5 s, which is
/// what a server waiting for an announced body would do.
async fn raw(app: &TestApp, head: &str, body: &[u8]) -> (u16, Value) {
    let address = app.base_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.expect("connect");
    let request = format!("{head}\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let _ = stream.write_all(body).await;
    let read = async {
        let mut answer = Vec::new();
        let mut buffer = [0u8; 8192];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buffer[..n]),
            }
            if let Some(parsed) = parse(&answer) {
                return parsed;
            }
        }
        parse(&answer).expect("a complete HTTP answer")
    };
    tokio::time::timeout(Duration::from_secs(5), read)
        .await
        .expect("an answer within 5 s, before the body was sent")
}

/// Status and JSON body of a complete `Content-Length` answer.
fn parse(answer: &[u8]) -> Option<(u16, Value)> {
    let text = String::from_utf8_lossy(answer);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_owned())
        })?
        .parse()
        .ok()?;
    (body.len() >= length).then(|| {
        (
            status,
            serde_json::from_str(&body[..length]).unwrap_or(Value::Null),
        )
    })
}

fn code(body: &Value) -> String {
    first_error_code(body).unwrap_or_else(|| panic!("expected an error, got {body:#}"))
}

db_test!(
    an_announced_body_over_the_limit_is_refused_unread,
    small_bodies,
    |app: TestApp| async move {
        // 10 MB announced, nothing sent: the answer comes at once.
        let (status, body) = raw(
            &app,
            "POST /graphql HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 10000000",
            b"",
        )
        .await;
        assert_eq!(status, 413);
        assert_eq!(code(&body), "BAD_USER_INPUT");
        // Just under the limit still runs.
        let query =
            json!({"query": format!("{{ regions {{ totalCount }} }} #{}", "x".repeat(3000))});
        let text = query.to_string();
        let (status, body) = raw(
            &app,
            &format!(
                "POST /graphql HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {}",
                text.len()
            ),
            text.as_bytes(),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["regions"]["totalCount"], 0);
    }
);

db_test!(
    a_chunked_body_is_cut_off_at_the_limit,
    small_bodies,
    |app: TestApp| async move {
        // Chunks of 1 KiB, 64 of them: the limit is 4 KiB.
        let mut body = Vec::new();
        body.extend_from_slice(b"400\r\n{\"query\":\"{ regions { totalCount } }\",\"x\":\"");
        body.extend_from_slice(&vec![b'a'; 1024 - 41]);
        body.extend_from_slice(b"\r\n");
        for _ in 0..63 {
            body.extend_from_slice(b"400\r\n");
            body.extend_from_slice(&[b'a'; 1024]);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"0\r\n\r\n");
        let (status, answer) = raw(
        &app,
        "POST /graphql HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked",
        &body,
    )
    .await;
        assert_eq!(status, 413, "{answer}");
        assert_eq!(code(&answer), "BAD_USER_INPUT");
    }
);

db_test!(
    json_limit_holds_for_multipart_operations_too,
    small_bodies,
    |app: TestApp| async move {
        let operations = json!({"query": format!("mutation($input: ImportInput!) {{ importVoLeavers(input: $input) {{ rows }} }} #{}", "x".repeat(8000)), "variables": {"input": {"file": null}}});
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", json!({"0": ["variables.input.file"]}).to_string())
            .part(
                "0",
                reqwest::multipart::Part::bytes(b"pgn\n".to_vec()).file_name("a.csv"),
            );
        let response = app
            .client()
            .post(format!("{}/graphql", app.base_url))
            .bearer_auth(app.admin())
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 413);
        let body: Value = response.json().await.unwrap();
        assert_eq!(code(&body), "BAD_USER_INPUT");
    }
);

db_test!(
    uploads_from_callers_who_may_not_import_are_refused_unread,
    |app: TestApp| async move {
        let head = |token: Option<String>| {
            let auth = token
                .map(|t| format!("\r\nAuthorization: Bearer {t}"))
                .unwrap_or_default();
            format!(
                "POST /graphql HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 400000000{auth}"
            )
        };
        // 400 MB announced (under the 512 MB upload limit), nothing sent: refused at once.
        let (status, body) = raw(&app, &head(None), b"").await;
        assert_eq!(status, 401);
        assert_eq!(code(&body), "UNAUTHENTICATED");
        for token in [
            app.coordinator("REG"),
            app.token(Role::Integration, Some("REG"), None, Some("svc")),
        ] {
            let (status, body) = raw(&app, &head(Some(token)), b"").await;
            assert_eq!(status, 403);
            assert_eq!(code(&body), "FORBIDDEN");
        }
        // A role that may import gets as far as reading the body (here: an incomplete one).
        let (status, _) = raw(
        &app,
        "POST /graphql HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 5",
        b"--xyz",
    )
    .await;
        assert_eq!(status, 401);
        let staff = app.staff("11AA");
        let (status, body) = raw(
        &app,
        &format!("POST /graphql HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 5\r\nAuthorization: Bearer {staff}"),
        b"--xyz",
    )
    .await;
        assert_eq!(status, 400, "{body}");
    }
);

db_test!(aliases_are_capped, |app: TestApp| async move {
    let aliased = |n: usize| {
        (0..n)
            .map(|i| format!("a{i}: regions {{ totalCount }}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let data = app
        .ok(None, &format!("{{ {} }}", aliased(30)), json!({}))
        .await;
    assert_eq!(data["a29"]["totalCount"], 0);
    let body = app
        .gql(None, &format!("{{ {} }}", aliased(31)), json!({}))
        .await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body}");
    assert!(
        body.get("data").is_none() || body["data"].is_null(),
        "{body}"
    );
    // Per field: 16 aliases in a fragment spread twice are 32.
    let fragment = format!(
        "{{ ...F ...G }} fragment F on Query {{ {} }} fragment G on Query {{ ...F }}",
        aliased(16)
    );
    let body = app.gql(None, &fragment, json!({})).await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body}");
    // Nested aliases count too.
    let nested = format!(
        "{{ {} x: regions {{ edges {{ node {{ {} }} }} }} }}",
        aliased(20),
        (0..11)
            .map(|i| format!("c{i}: code"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let body = app.gql(None, &nested, json!({})).await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body}");
});
