//! The three steps of an HTTP task, each fed canned responses as wx-offline makes them.

use std::{io::Write, path::Path};

use super::*;
use crate::{
    connect::Router,
    sandbox::Sandbox,
    tls::{Alpn, TlsSettings},
};
use wx_offline::{Redactor, Rule};
use wx_policy::{DomainEntry, DomainList, LibVersion};

type Events = Arc<Mutex<Vec<TaskEvent>>>;

fn sink() -> (EventSink, Events) {
    let events: Events = Arc::default();
    let collected = events.clone();
    let sink: EventSink = Arc::new(move |event| collected.lock().unwrap().push(event));
    (sink, events)
}

fn request(method: Method, response: ResponseKind) -> HttpRequest {
    HttpRequest {
        interface: Interface::Request,
        method,
        url: "https://api.example.com/start".into(),
        headers: Vec::new(),
        body: Payload::Bytes(Bytes::from_static(b"payload")),
        timeout: Duration::from_secs(60),
        follow_redirects: true,
        http2: false,
        chunked: false,
        report_headers: Arc::default(),
        response,
    }
}

fn canned(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Answered<'static> {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    Answered {
        response: canned_response(CannedResponse {
            status,
            headers: headers.clone(),
            body: Bytes::copy_from_slice(body),
            delay: Duration::ZERO,
            decoded: false,
        })
        .unwrap(),
        decoded: false,
        canned_headers: Some(headers),
        recording: None,
    }
}

fn final_head<'a>(head: Head<'a>) -> FinalHead<'a> {
    match head {
        Head::Final(head) => *head,
        Head::Redirect { status, location } => panic!("a redirect ({status} to {location})"),
    }
}

/// The body of `answered` as `request` asks for it, with at most `max` bytes.
fn body_of(
    request: &HttpRequest,
    answered: Answered<'static>,
    max: u64,
) -> (Result<HttpResponse, Failure>, Vec<TaskEvent>) {
    let (emit, events) = sink();
    let hop = Hop::first(request).unwrap();
    let mut profile = Profile::default();
    let head = final_head(read_head(request, &hop, answered, &mut profile, &emit));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let result = runtime.block_on(read_body(request, head, max, &mut profile, &emit));
    let events = std::mem::take(&mut *events.lock().unwrap());
    (result, events)
}

#[test]
fn a_redirect_after_post_becomes_a_get_without_a_body_except_307_and_308() {
    for (status, method) in [
        (301, Method::GET),
        (302, Method::GET),
        (303, Method::GET),
        (307, Method::POST),
        (308, Method::POST),
    ] {
        let hop = Hop::first(&request(Method::POST, ResponseKind::Text)).unwrap();
        let next = hop.redirected(status, "/next?a=1").unwrap();
        assert_eq!(next.method, method, "{status}");
        assert_eq!(
            next.target.url().as_str(),
            "https://api.example.com/next?a=1"
        );
        let Payload::Bytes(body) = &next.payload else {
            panic!("a multipart body");
        };
        let kept = method == Method::POST;
        assert_eq!(body.is_empty(), !kept, "{status}");
        assert_eq!(next.redirects, 1);
    }
    // Only a POST changes on 301 and 302.
    let put = Hop::first(&request(Method::PUT, ResponseKind::Text)).unwrap();
    assert_eq!(put.redirected(302, "/x").unwrap().method, Method::PUT);
    let put = Hop::first(&request(Method::PUT, ResponseKind::Text)).unwrap();
    assert_eq!(put.redirected(303, "/x").unwrap().method, Method::GET);
}

#[test]
fn redirects_stop_after_the_limit_and_at_a_location_that_is_no_url() {
    let mut hop = Hop::first(&request(Method::GET, ResponseKind::Text)).unwrap();
    for _ in 0..MAX_REDIRECTS {
        hop = hop.redirected(302, "/again").unwrap();
    }
    assert_eq!(
        hop.redirected(302, "/again").unwrap_err(),
        Failure::TooManyRedirects
    );
    let hop = Hop::first(&request(Method::GET, ResponseKind::Text)).unwrap();
    assert!(matches!(
        hop.redirected(302, "https://[bad").unwrap_err(),
        Failure::InvalidUrl(location) if location == "https://[bad"
    ));
}

#[test]
fn a_redirect_is_followed_only_when_asked_and_only_with_a_location() {
    let (emit, _) = sink();
    let follow = request(Method::GET, ResponseKind::Text);
    let hop = Hop::first(&follow).unwrap();
    let mut profile = Profile::default();
    match read_head(
        &follow,
        &hop,
        canned(302, &[("Location", "/b")], b""),
        &mut profile,
        &emit,
    ) {
        Head::Redirect { status, location } => assert_eq!((status, location.as_str()), (302, "/b")),
        Head::Final(_) => panic!("not followed"),
    }
    let head = read_head(&follow, &hop, canned(302, &[], b""), &mut profile, &emit);
    assert_eq!(final_head(head).status, 302);

    let manual = HttpRequest {
        follow_redirects: false,
        ..request(Method::GET, ResponseKind::Text)
    };
    let head = read_head(
        &manual,
        &hop,
        canned(301, &[("Location", "/b")], b""),
        &mut profile,
        &emit,
    );
    let head = final_head(head);
    assert_eq!(head.status, 301);
    assert_eq!(
        head.headers,
        vec![("Location".to_string(), "/b".to_string())]
    );
}

#[test]
fn the_head_goes_to_a_headers_listener_in_the_spelling_given() {
    let request = request(Method::GET, ResponseKind::Text);
    let hop = Hop::first(&request).unwrap();
    let mut profile = Profile::default();
    let (emit, events) = sink();
    read_head(
        &request,
        &hop,
        canned(200, &[("X-Mixed-Case", "1")], b""),
        &mut profile,
        &emit,
    );
    assert!(events.lock().unwrap().is_empty(), "nobody listens yet");
    assert_eq!(profile.protocol, "http1.1");

    request.report_headers.store(true, Ordering::Release);
    read_head(
        &request,
        &hop,
        canned(201, &[("X-Mixed-Case", "1")], b""),
        &mut profile,
        &emit,
    );
    let events = events.lock().unwrap();
    assert!(matches!(
        &events[..],
        [TaskEvent::Headers { status: 201, headers }] if headers == &[("X-Mixed-Case".to_string(), "1".to_string())]
    ));
}

#[test]
fn text_is_decoded_in_its_charset_with_one_bom_removed() {
    let request = request(Method::GET, ResponseKind::Text);
    // "中文" in GBK.
    let gbk = [0xd6, 0xd0, 0xce, 0xc4];
    let (result, events) = body_of(
        &request,
        canned(200, &[("Content-Type", "text/plain; charset=gbk")], &gbk),
        1024,
    );
    let ResponseBody::Text(text) = result.unwrap().body else {
        panic!("not text");
    };
    assert_eq!(text.text, "中文");
    assert!(events.is_empty());

    let (result, _) = body_of(
        &request,
        canned(200, &[], b"\xef\xbb\xbf\xef\xbb\xbfok"),
        1024,
    );
    let ResponseBody::Text(text) = result.unwrap().body else {
        panic!("not text");
    };
    assert_eq!(text.text, "\u{feff}ok");
}

#[test]
fn text_with_invalid_bytes_warns_and_keeps_the_rest() {
    let request = request(Method::GET, ResponseKind::Text);
    let (result, events) = body_of(&request, canned(200, &[], b"a\xffb"), 1024);
    let ResponseBody::Text(text) = result.unwrap().body else {
        panic!("not text");
    };
    assert_eq!(text.text, "a\u{fffd}b");
    assert!(matches!(
        &events[..],
        [TaskEvent::Warning {
            code: "invalid-text",
            ..
        }]
    ));
}

#[test]
fn a_gzip_body_is_undone_and_bytes_stay_bytes() {
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(&[0, 1, 2, 255]).unwrap();
    let compressed = gzip.finish().unwrap();
    let request = request(Method::GET, ResponseKind::Bytes);
    let (result, _) = body_of(
        &request,
        canned(200, &[("Content-Encoding", "gzip")], &compressed),
        1024,
    );
    let response = result.unwrap();
    assert!(matches!(response.body, ResponseBody::Bytes(bytes) if bytes == [0, 1, 2, 255]));
    assert_eq!(
        response.profile.received_bytes_count,
        compressed.len() as u64
    );
}

#[test]
fn a_body_over_the_limit_fails_announced_or_not() {
    let request = request(Method::GET, ResponseKind::Text);
    let too_large = Failure::ResponseTooLarge { limit: 4 };
    // Announced by Content-Length: refused before reading.
    let (result, _) = body_of(
        &request,
        canned(200, &[("Content-Length", "10")], b"0123456789"),
        4,
    );
    assert_eq!(result.unwrap_err(), too_large);
    // Not announced: counted while it streams.
    let (result, _) = body_of(&request, canned(200, &[], b"0123456789"), 4);
    assert_eq!(result.unwrap_err(), too_large);
    // Decoded past the limit: a small gzip of many bytes.
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(&[b'x'; 4096]).unwrap();
    let bomb = gzip.finish().unwrap();
    let (result, _) = body_of(
        &request,
        canned(200, &[("Content-Encoding", "gzip")], &bomb),
        1024,
    );
    assert_eq!(
        result.unwrap_err(),
        Failure::ResponseTooLarge { limit: 1024 }
    );
}

#[test]
fn chunks_are_reported_only_when_asked() {
    let plain = request(Method::GET, ResponseKind::Text);
    let (_, events) = body_of(&plain, canned(200, &[], b"abc"), 1024);
    assert!(events.is_empty());
    let chunked = HttpRequest {
        chunked: true,
        ..request(Method::GET, ResponseKind::Text)
    };
    let (result, events) = body_of(&chunked, canned(200, &[], b"abc"), 1024);
    assert!(result.is_ok());
    assert!(matches!(&events[..], [TaskEvent::Chunk(bytes)] if bytes == b"abc"));
}

#[test]
fn a_download_is_written_to_a_temporary_file_with_progress() {
    let data = tempfile::tempdir().unwrap();
    let sandbox = Arc::new(Sandbox::new(Some(data.path()), &[]).unwrap());
    let download = DownloadTarget {
        sandbox: sandbox.clone(),
        destination: None,
        cap: 1024,
    };
    let request = HttpRequest {
        interface: Interface::DownloadFile,
        ..request(Method::GET, ResponseKind::File(download))
    };
    let (result, events) = body_of(
        &request,
        canned(
            200,
            &[("Content-Length", "5"), ("Content-Type", "image/png")],
            b"12345",
        ),
        4,
    );
    let ResponseBody::File(path) = result.unwrap().body else {
        panic!("not a file");
    };
    assert!(
        path.starts_with("wxfile://tmp_") && path.ends_with(".png"),
        "{path}"
    );
    let host = sandbox.resolve(&path).unwrap().host;
    assert_eq!(std::fs::read(host).unwrap(), b"12345");
    assert!(matches!(
        events.last(),
        Some(TaskEvent::Progress {
            percent: 100,
            done: 5,
            total: 5
        })
    ));
}

#[test]
fn a_download_over_its_cap_fails_with_the_file_size_failure() {
    let data = tempfile::tempdir().unwrap();
    let download = DownloadTarget {
        sandbox: Arc::new(Sandbox::new(Some(data.path()), &[]).unwrap()),
        destination: None,
        cap: 3,
    };
    let request = request(Method::GET, ResponseKind::File(download));
    let (result, _) = body_of(&request, canned(200, &[], b"12345"), 1024);
    assert_eq!(result.unwrap_err(), Failure::ExceedMaxFileSize);
}

/// A stand-in answering from `rules` (JSON), with the request domain api.example.com listed.
fn hop_exchange(rules: &str) -> (UrlPolicy, (HttpClient, HttpClient), FixedHeaders, StandIn) {
    let listed = DomainList::new(vec![
        DomainEntry::parse("https://api.example.com", Interface::Request).unwrap(),
    ])
    .unwrap();
    let mut domains: [DomainList; 6] = Default::default();
    domains[0] = listed;
    let policy = UrlPolicy::new(domains, None, true, LibVersion::NEWEST_MODELLED);
    let tls = TlsSettings::new(&[] as &[&Path], false).unwrap();
    let router = Arc::new(Router::new(Vec::new()));
    let client = || {
        Client::builder(hyper_util::rt::TokioExecutor::new()).build(HttpConnector::new(
            router.clone(),
            tls.config(Alpn::None).as_ref().clone(),
            false,
        ))
    };
    let stand_in = StandIn::new(&[], None, true, None, Arc::new(Redactor::default())).unwrap();
    let rules: serde_json::Value = serde_json::from_str(rules).unwrap();
    for (index, rule) in rules.as_array().unwrap().iter().enumerate() {
        stand_in.add_rule(Rule::parse(rule, Path::new("."), "test", index).unwrap());
    }
    let fixed = FixedHeaders {
        referer: "https://servicewechat.com/wx0/devtools/page-frame.html".into(),
        user_agent: "test".into(),
    };
    (policy, (client(), client()), fixed, stand_in)
}

#[test]
fn a_hop_is_checked_against_the_url_policy_then_answered_by_the_stand_in() {
    let (policy, clients, fixed, stand_in) = hop_exchange(
        r#"[{"url": "https://api.example.com/start", "response": {"status": 418, "headers": {"X-From": "rule"}, "body": "tea"}},
            {"url": "https://api.example.com/broken", "fail": "interrupted"}]"#,
    );
    let exchange = Exchange {
        policy: &policy,
        clients: &clients,
        fixed: &fixed,
        stand_in: Some(&stand_in),
        max_response_bytes: 1024,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (emit, events) = sink();
    let mut profile = Profile::default();

    let listed = request(Method::GET, ResponseKind::Text);
    let hop = Hop::first(&listed).unwrap();
    let answered = runtime
        .block_on(send_hop(&listed, &hop, &exchange, &mut profile, &emit))
        .unwrap_or_else(|failure| panic!("{failure}"));
    assert_eq!(answered.response.status(), 418);
    assert!(profile.request_start > 0.0 && profile.response_start >= profile.request_start);
    assert_eq!(profile.send_bytes_count, b"payload".len() as u64);

    let broken = HttpRequest {
        url: "https://api.example.com/broken".into(),
        ..request(Method::GET, ResponseKind::Text)
    };
    let hop = Hop::first(&broken).unwrap();
    let failure = runtime
        .block_on(send_hop(&broken, &hop, &exchange, &mut profile, &emit))
        .err()
        .unwrap();
    assert_eq!(failure.reason(), "interrupted");

    let unlisted = HttpRequest {
        url: "https://other.example.com/start".into(),
        ..request(Method::GET, ResponseKind::Text)
    };
    let hop = Hop::first(&unlisted).unwrap();
    let failure = runtime
        .block_on(send_hop(&unlisted, &hop, &exchange, &mut profile, &emit))
        .err()
        .unwrap();
    assert!(
        matches!(failure, Failure::UrlNotInDomainList),
        "{failure:?}"
    );
    assert!(
        events
            .lock()
            .unwrap()
            .iter()
            .any(|e| matches!(e, TaskEvent::Hint(_))),
        "a refusal comes with what would allow it"
    );
}
