//! No lost update over HTTP, on both engines: sixteen clients at once
//! record opinions in the same meeting's minutes and rewrite its
//! conclusion, edit the same comments and answer them, each naming the
//! revision it read (`If-Match`), for a bounded number of rounds. Then
//! every change answered 2xx is there and moved the revision by exactly
//! one, every refused one got 409 with the state it lost to and left no
//! trace, and nothing else was answered (no 5xx). Sixteen more take the
//! same report through its life at once (rounds opened and closed,
//! submitted, returned), with the same outcome.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::accounts::{PASSWORD, csrf_of, set_password, sign_in};
use crate::reports::{Setup, setup_on, upload};
use crate::rounds::seat_chair;

const CLIENTS: usize = 16;
const ROUNDS: usize = 6;
const COMMENTS: usize = 3;

/// One change tried: what it named and what it got.
#[derive(Debug, Clone)]
struct Tried {
    /// `meeting`, or the comment's id.
    what: String,
    /// `opinion`, `conclusion`, `edit` or `answer`.
    kind: &'static str,
    /// The text it wrote, unique to it.
    text: String,
    seen: u64,
    status: StatusCode,
    /// The revision answered: the new one (2xx) or the current one (409).
    revision: Option<u64>,
}

type Log = Arc<Mutex<Vec<Tried>>>;

async fn send(s: &Setup, method: Method, path: &str, token: &str, if_match: Option<u64>, body: Option<Value>) -> (StatusCode, Option<u64>, Value) {
    let mut request = s.http.request(method, s.server.url(path)).bearer_auth(token);
    if let Some(seen) = if_match {
        request = request.header("If-Match", format!("\"{seen}\""));
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("an answer");
    let status = response.status();
    let etag = response.headers().get("etag").and_then(|v| v.to_str().ok()).and_then(|v| v.trim_matches('"').parse().ok());
    (status, etag, response.json().await.unwrap_or(Value::Null))
}

/// What a client does in each round, by its number.
async fn client(s: Arc<Setup>, n: usize, meeting: String, agenda_item: String, speaker: String, comments: Vec<String>, log: Log) {
    for round in 0..ROUNDS {
        let (what, kind, path_get, path_change, method, token, text) = match n % 4 {
            0 => ("meeting".to_owned(), "opinion", format!("/api/v1/meetings/{meeting}"), format!("/api/v1/meetings/{meeting}/minutes"), Method::POST, &s.admin_token, format!("Ý kiến của máy khách {n}, vòng {round}.")),
            1 => ("meeting".to_owned(), "conclusion", format!("/api/v1/meetings/{meeting}"), format!("/api/v1/meetings/{meeting}/conclusion"), Method::PUT, &s.admin_token, format!("Kết luận của máy khách {n}, vòng {round}.")),
            2 => {
                let c = &comments[(n + round) % COMMENTS];
                (c.clone(), "edit", format!("/api/v1/comments/{c}"), format!("/api/v1/comments/{c}"), Method::PATCH, &s.member_token, format!("Ý kiến sửa bởi máy khách {n}, vòng {round}."))
            }
            _ => {
                let c = &comments[(n + round) % COMMENTS];
                (c.clone(), "answer", format!("/api/v1/comments/{c}"), format!("/api/v1/comments/{c}/disposition"), Method::PUT, &s.drafter_token, format!("Giải trình của máy khách {n}, vòng {round}."))
            }
        };
        let (status, etag, _) = send(&s, Method::GET, &path_get, token, None, None).await;
        assert_eq!(status, StatusCode::OK);
        let seen = etag.expect("a GET answers with the revision as its ETag");
        let body = match kind {
            "opinion" => json!({ "agenda_item": agenda_item, "speaker": speaker, "summary": text }),
            "conclusion" => json!({ "text": text }),
            "edit" => json!({ "body": text }),
            _ => json!({ "disposition": "explained", "response": text }),
        };
        let (status, etag, answer) = send(&s, method, &path_change, token, Some(seen), Some(body)).await;
        let revision = match status {
            StatusCode::CONFLICT => {
                assert_eq!(answer["error"]["code"], "stale", "{answer}");
                let current = answer["current"]["revision"].as_u64().expect("the current state comes with a 409");
                assert_eq!(etag, Some(current), "and its ETag");
                Some(current)
            }
            _ if status.is_success() => Some(answer["revision"].as_u64().expect("the changed state")),
            _ => None,
        };
        log.lock().expect("log").push(Tried { what, kind, text, seen, status, revision });
    }
}

/// A meeting of the report's committee with the report on its agenda:
/// its id, the agenda item's, its revision, and the member's id.
async fn meeting_with_agenda(s: &Setup) -> (String, String, u64, String) {
    assert_eq!(upload(s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);
    let (_, _, report) = send(s, Method::GET, &format!("/api/v1/reports/{}", s.report), &s.admin_token, None, None).await;
    let (_, _, admin) = send(s, Method::GET, "/api/v1/me", &s.admin_token, None, None).await;
    let (_, _, member) = send(s, Method::GET, "/api/v1/me", &s.member_token, None, None).await;
    let meeting = json!({
        "committee": report["committee"], "title": "Hội nghị Ban Thường vụ Tỉnh ủy",
        "starts_at": "2023-06-27T08:00:00+07:00", "ends_at": "2023-06-27T11:30:00+07:00",
        "place": "Phòng họp số 1", "presiding": admin["id"], "invited": [member["id"]],
    });
    let (status, _, created) = send(s, Method::POST, "/api/v1/meetings", &s.admin_token, None, Some(meeting)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let meeting = created["id"].as_str().expect("id").to_owned();
    let item = json!({ "title": "Báo cáo sơ kết giữa nhiệm kỳ", "presenter": report["body"], "report": s.report, "minutes_allotted": 45 });
    let (status, _, m) = send(s, Method::POST, &format!("/api/v1/meetings/{meeting}/agenda"), &s.admin_token, None, Some(item)).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let agenda_item = m["agenda"][0]["id"].as_str().expect("item").to_owned();
    let revision = m["revision"].as_u64().expect("revision");
    (meeting, agenda_item, revision, member["id"].as_str().expect("member").to_owned())
}

async fn no_lost_update(s: Setup) {
    let (meeting, agenda_item, meeting_start, speaker) = meeting_with_agenda(&s).await;
    let mut comments = Vec::new();
    for k in 0..COMMENTS {
        let body = json!({ "version": 1, "body": format!("Ý kiến ban đầu số {k}.") });
        let (status, _, posted) = send(&s, Method::POST, &format!("/api/v1/reports/{}/comments", s.report), &s.member_token, None, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{posted}");
        assert_eq!(posted["revision"], 0);
        comments.push(posted["id"].as_str().expect("id").to_owned());
    }

    let s = Arc::new(s);
    let log: Log = Arc::default();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|n| tokio::spawn(client(Arc::clone(&s), n, meeting.clone(), agenda_item.clone(), speaker.clone(), comments.clone(), Arc::clone(&log))))
        .collect();
    for c in clients {
        c.await.expect("a client ran to its end");
    }
    let log = log.lock().expect("log").clone();
    assert_eq!(log.len(), CLIENTS * ROUNDS);
    let odd: Vec<&Tried> = log.iter().filter(|t| !t.status.is_success() && t.status != StatusCode::CONFLICT).collect();
    assert!(odd.is_empty(), "every change is answered 2xx or 409: {odd:?}");
    for t in log.iter().filter(|t| t.status == StatusCode::CONFLICT) {
        assert!(t.revision.expect("current") > t.seen, "a refusal says the state moved past what was read: {t:?}");
    }

    // Each thing's accepted changes form one chain: each moved the revision
    // by exactly one from the revision it read, none twice from the same.
    let mut things: BTreeMap<&str, Vec<&Tried>> = BTreeMap::new();
    for t in log.iter().filter(|t| t.status.is_success()) {
        assert_eq!(t.revision, Some(t.seen + 1), "{t:?}");
        things.entry(t.what.as_str()).or_default().push(t);
    }
    for (what, changes) in &mut things {
        changes.sort_by_key(|t| t.seen);
        let start = if *what == "meeting" { meeting_start } else { 0 };
        let seen: Vec<u64> = changes.iter().map(|t| t.seen).collect();
        let chain: Vec<u64> = (start..start + changes.len() as u64).collect();
        assert_eq!(seen, chain, "{what}: every accepted change built on the one before it");
    }
    assert!(things.get("meeting").is_some_and(|c| c.len() > 1), "some minutes were written");

    // The meeting: every accepted opinion is in the minutes, no refused one;
    // the conclusion is the last accepted one.
    let (_, etag, now) = send(&s, Method::GET, &format!("/api/v1/meetings/{meeting}"), &s.admin_token, None, None).await;
    let minutes: Vec<&str> = now["minutes"].as_array().expect("minutes").iter().filter_map(|m| m["summary"].as_str()).collect();
    let meeting_changes = things.get("meeting").cloned().unwrap_or_default();
    let accepted: Vec<&str> = meeting_changes.iter().filter(|t| t.kind == "opinion").map(|t| t.text.as_str()).collect();
    let mut sorted_minutes = minutes.clone();
    sorted_minutes.sort_unstable();
    let mut sorted_accepted = accepted.clone();
    sorted_accepted.sort_unstable();
    assert_eq!(sorted_minutes, sorted_accepted, "every accepted opinion is there, and no other");
    assert_eq!(etag, Some(meeting_start + meeting_changes.len() as u64));
    let last_conclusion = meeting_changes.iter().filter(|t| t.kind == "conclusion").max_by_key(|t| t.seen).map(|t| t.text.as_str());
    assert_eq!(now["conclusion"].as_str(), last_conclusion);

    // Each comment: its text is the last accepted edit's, its answer the
    // last accepted answer's (read by the team: the answers are still drafts).
    for (k, c) in comments.iter().enumerate() {
        let (_, etag, now) = send(&s, Method::GET, &format!("/api/v1/comments/{c}"), &s.drafter_token, None, None).await;
        let changes = things.get(c.as_str()).cloned().unwrap_or_default();
        assert_eq!(etag, Some(changes.len() as u64), "comment {k}");
        let initial = format!("Ý kiến ban đầu số {k}.");
        let last_edit = changes.iter().filter(|t| t.kind == "edit").max_by_key(|t| t.seen).map_or(initial.as_str(), |t| t.text.as_str());
        assert_eq!(now["body"].as_str(), Some(last_edit), "comment {k}");
        let last_answer = changes.iter().filter(|t| t.kind == "answer").max_by_key(|t| t.seen).map(|t| t.text.as_str());
        assert_eq!(now["response"].as_str(), last_answer, "comment {k}");
    }
}

#[tokio::test]
async fn sixteen_clients_editing_and_answering_at_once_lose_no_update_on_sqlite() {
    no_lost_update(setup_on(gopy_tests::Server::start()).await).await;
}

#[tokio::test]
async fn sixteen_clients_editing_and_answering_at_once_lose_no_update_on_postgresql() {
    let Some(db) = gopy_store::testing::TestDatabase::postgres().await else { return };
    no_lost_update(setup_on(gopy_tests::Server::start_with(&[], &[("GOPY__DATABASE__URL", &db.url)])).await).await;
    db.finish().await;
}

/// Sends a change twice: first naming the revision before `revision`
/// (refused: 409 stale, the meeting as it is, nothing written), then
/// `revision` itself (taken, moving it by one). Answers the change's answer.
async fn stale_then_current(s: &Setup, method: Method, path: &str, body: Option<Value>, revision: &mut u64) -> Value {
    let (status, etag, refused) = send(s, method.clone(), path, &s.admin_token, Some(*revision - 1), body.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{path}: {refused}");
    assert_eq!(refused["error"]["code"], "stale", "{path}");
    assert_eq!(refused["current"]["revision"].as_u64(), Some(*revision), "{path}: the meeting as it is");
    assert_eq!(etag, Some(*revision), "{path}");
    let (status, etag, taken) = send(s, method, path, &s.admin_token, Some(*revision), body).await;
    assert!(status.is_success(), "{path}: {status} {taken}");
    assert_eq!(taken["revision"].as_u64(), Some(*revision + 1), "{path}");
    assert_eq!(etag, Some(*revision + 1), "{path}");
    *revision += 1;
    taken
}

#[tokio::test]
async fn every_change_to_a_meeting_in_the_api_honours_if_match() {
    let s = setup_on(gopy_tests::Server::start()).await;
    let (meeting, agenda_item, mut revision, speaker) = meeting_with_agenda(&s).await;
    let (_, _, report) = send(&s, Method::GET, &format!("/api/v1/reports/{}", s.report), &s.admin_token, None, None).await;
    let base = format!("/api/v1/meetings/{meeting}");
    let item = json!({ "title": "Báo cáo kiểm điểm giữa nhiệm kỳ", "presenter": report["body"], "minutes_allotted": 30 });
    stale_then_current(&s, Method::POST, &format!("{base}/agenda"), Some(item), &mut revision).await;
    let attendance = json!([{ "person": speaker, "presence": "present" }]);
    stale_then_current(&s, Method::PUT, &format!("{base}/attendance"), Some(attendance), &mut revision).await;
    let opinion = json!({ "agenda_item": agenda_item, "speaker": speaker, "summary": "Cần nêu rõ 7/24 chỉ tiêu đạt và vượt." });
    let m = stale_then_current(&s, Method::POST, &format!("{base}/minutes"), Some(opinion), &mut revision).await;
    let entry = m["minutes"][0]["id"].as_str().expect("the entry").to_owned();
    stale_then_current(&s, Method::POST, &format!("{base}/minutes/{entry}/comment"), None, &mut revision).await;
    let conclusion = json!({ "text": "Các dự thảo cơ bản đạt yêu cầu." });
    stale_then_current(&s, Method::PUT, &format!("{base}/conclusion"), Some(conclusion), &mut revision).await;
    let action = json!({ "text": "Tổ biên tập tiếp thu đầy đủ ý kiến.", "assignees": [format!("person:{speaker}")], "deadline": "2031-07-15" });
    let m = stale_then_current(&s, Method::POST, &format!("{base}/actions"), Some(action), &mut revision).await;
    let action = m["actions"][0]["id"].as_str().expect("the action").to_owned();
    let done = json!({ "status": "done", "note": "Đã tiếp thu." });
    stale_then_current(&s, Method::PATCH, &format!("{base}/actions/{action}"), Some(done), &mut revision).await;

    // The refused changes left nothing behind.
    let (_, etag, now) = send(&s, Method::GET, &base, &s.admin_token, None, None).await;
    assert_eq!(etag, Some(revision));
    assert_eq!(now["agenda"].as_array().map(Vec::len), Some(2));
    assert_eq!(now["minutes"].as_array().map(Vec::len), Some(1));
    assert!(now["minutes"][0]["comment"].is_string(), "the opinion is a comment once");
    assert_eq!(now["actions"].as_array().map(Vec::len), Some(1));
    assert_eq!(now["actions"][0]["status"], "done");
    let (_, _, comments) = send(&s, Method::GET, &format!("/api/v1/reports/{}/comments", s.report), &s.admin_token, None, None).await;
    let made = comments.to_string().matches("Cần nêu rõ 7/24 chỉ tiêu đạt và vượt.").count();
    assert_eq!(made, 1, "one comment made from the opinion: {comments}");
}

/// One step tried on the report: what it named and what it got.
#[derive(Debug, Clone)]
struct Stepped {
    /// `open_round`, `close_round`, `submit` or `return`.
    action: &'static str,
    /// What makes it unique: the round's deadline, the return's reason.
    mark: String,
    seen: u64,
    status: StatusCode,
    /// The report's revision answered: the new one (2xx) or the current one (409).
    revision: Option<u64>,
    /// The latest round answered, as (number, revision, closed).
    round: Option<(u64, u64, bool)>,
    /// The latest round's deadline answered.
    deadline: Option<String>,
}

/// Takes a step the report's state allows, as read, naming its revision.
async fn stepper(s: Arc<Setup>, n: usize, chair: String, log: Arc<Mutex<Vec<Stepped>>>) {
    let report = format!("/api/v1/reports/{}", s.report);
    for round in 0..ROUNDS {
        let (status, etag, now) = send(&s, Method::GET, &report, &s.admin_token, None, None).await;
        assert_eq!(status, StatusCode::OK);
        let seen = etag.expect("a GET answers with the revision as its ETag");
        assert_eq!(now["revision"].as_u64(), Some(seen));
        let (action, token, body, mark) = match now["status"].as_str().expect("status") {
            "drafting" | "revising" if (n + round) % 3 != 0 => {
                // A deadline a week ahead, its minute and second this try's own.
                let at = time::OffsetDateTime::now_utc().replace_nanosecond(0).expect("a time") + time::Duration::days(7)
                    + time::Duration::minutes(i64::try_from(n).expect("n")) + time::Duration::seconds(i64::try_from(round).expect("round"));
                let deadline = at.format(&time::format_description::well_known::Rfc3339).expect("a time");
                ("open_round", &s.admin_token, json!({ "action": "open_round", "deadline": deadline }), deadline)
            }
            "drafting" | "revising" => ("submit", &s.drafter_token, json!({ "action": "submit" }), String::new()),
            "open_for_comments" => ("close_round", &s.admin_token, json!({ "action": "close_round" }), String::new()),
            "submitted" => {
                let reason = format!("Trả lại bởi máy khách {n}, vòng {round}.");
                ("return", &chair, json!({ "action": "return", "reason": reason }), reason)
            }
            other => panic!("no one approves in this test: {other}"),
        };
        let (status, etag, answer) = send(&s, Method::POST, &format!("{report}/transitions"), token, Some(seen), Some(body)).await;
        let body = match status {
            StatusCode::CONFLICT => {
                assert_eq!(answer["error"]["code"], "stale", "a step chosen from the state read is refused only as stale: {answer}");
                &answer["current"]
            }
            _ => &answer,
        };
        let revision = body["revision"].as_u64();
        if status.is_success() || status == StatusCode::CONFLICT {
            assert_eq!(etag, revision, "the ETag is the revision answered: {answer}");
        }
        let round = body["round"]["number"].as_u64().map(|number| {
            (number, body["round"]["revision"].as_u64().expect("the round's revision"), !body["round"]["closed_at"].is_null())
        });
        let deadline = body["round"]["deadline"].as_str().map(str::to_owned);
        log.lock().expect("log").push(Stepped { action, mark, seen, status, revision, round, deadline });
    }
}

async fn no_lost_step(s: Setup) {
    let chair = seat_chair(&s).await;
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);
    let (_, start, _) = send(&s, Method::GET, &format!("/api/v1/reports/{}", s.report), &s.admin_token, None, None).await;
    let start = start.expect("the report's revision");
    assert_eq!(start, 1, "the version moved it once");

    let s = Arc::new(s);
    let log: Arc<Mutex<Vec<Stepped>>> = Arc::default();
    let clients: Vec<_> = (0..CLIENTS).map(|n| tokio::spawn(stepper(Arc::clone(&s), n, chair.clone(), Arc::clone(&log)))).collect();
    for c in clients {
        c.await.expect("a client ran to its end");
    }
    let log = log.lock().expect("log").clone();
    assert_eq!(log.len(), CLIENTS * ROUNDS);
    let odd: Vec<&Stepped> = log.iter().filter(|t| !t.status.is_success() && t.status != StatusCode::CONFLICT).collect();
    assert!(odd.is_empty(), "every step is answered 2xx or 409: {odd:?}");
    for t in log.iter().filter(|t| t.status == StatusCode::CONFLICT) {
        assert!(t.revision.expect("current") > t.seen, "a refusal says the report moved past what was read: {t:?}");
    }

    // The accepted steps form one chain, each moving the revision by one
    // from the one it read.
    let mut accepted: Vec<&Stepped> = log.iter().filter(|t| t.status.is_success()).collect();
    accepted.sort_by_key(|t| t.seen);
    for t in &accepted {
        assert_eq!(t.revision, Some(t.seen + 1), "{t:?}");
    }
    let seen: Vec<u64> = accepted.iter().map(|t| t.seen).collect();
    assert_eq!(seen, (start..start + accepted.len() as u64).collect::<Vec<_>>(), "every accepted step built on the one before it");
    assert!(accepted.len() > 2, "the report moved: {accepted:?}");

    // Rounds: each accepted opening made the next round at revision 0, each
    // accepted closing closed the round then open and moved it once.
    let mut opened = 0;
    for t in &accepted {
        match t.action {
            "open_round" => {
                opened += 1;
                assert_eq!(t.round, Some((opened, 0, false)), "{t:?}");
                assert_eq!(t.deadline.as_deref(), Some(t.mark.as_str()), "the round opened is this step's own: {t:?}");
            }
            "close_round" => assert_eq!(t.round, Some((opened, 1, true)), "{t:?}"),
            _ => {}
        }
    }

    // The timeline tells exactly the accepted steps, in the same order, and
    // no refused one (a round by its number, a return by its reason); the
    // report is where the last one left it.
    let (status, _, events) = send(&s, Method::GET, &format!("/api/v1/reports/{}/timeline", s.report), &s.admin_token, None, None).await;
    assert_eq!(status, StatusCode::OK);
    let told: Vec<(String, String)> = events
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["action"] == "report.step")
        .map(|e| {
            let details = &e["details"];
            let step = details["step"].as_str().expect("step").to_owned();
            let mark = match step.as_str() {
                "open_round" | "close_round" => details["round"].as_u64().expect("the round").to_string(),
                "return" => details["reason"].as_str().expect("reason").to_owned(),
                _ => String::new(),
            };
            (step, mark)
        })
        .collect();
    let wanted: Vec<(String, String)> = accepted
        .iter()
        .map(|t| {
            let mark = match t.action {
                "open_round" | "close_round" => t.round.map(|(number, _, _)| number.to_string()).unwrap_or_default(),
                _ => t.mark.clone(),
            };
            (t.action.to_owned(), mark)
        })
        .collect();
    assert_eq!(told, wanted, "every accepted step is in the timeline, in order, and no other");
    let (_, etag, now) = send(&s, Method::GET, &format!("/api/v1/reports/{}", s.report), &s.admin_token, None, None).await;
    assert_eq!(etag, Some(start + accepted.len() as u64));
    let last = accepted.last().expect("a step");
    let status_after = match last.action {
        "open_round" => "open_for_comments",
        "submit" => "submitted",
        _ => "revising",
    };
    assert_eq!(now["status"], status_after);
}

#[tokio::test]
async fn sixteen_clients_stepping_one_report_at_once_lose_no_step_on_sqlite() {
    no_lost_step(setup_on(gopy_tests::Server::start()).await).await;
}

#[tokio::test]
async fn sixteen_clients_stepping_one_report_at_once_lose_no_step_on_postgresql() {
    let Some(db) = gopy_store::testing::TestDatabase::postgres().await else { return };
    no_lost_step(setup_on(gopy_tests::Server::start_with(&[], &[("GOPY__DATABASE__URL", &db.url)])).await).await;
    db.finish().await;
}

#[tokio::test]
async fn a_step_form_sent_after_someone_else_changed_the_report_comes_back_with_the_message_and_what_was_typed() {
    let s = setup_on(gopy_tests::Server::start()).await;
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);
    let report_page = s.server.url(&format!("/reports/{}", s.report));
    let page = s.http.get(&report_page).send().await.expect("page").text().await.expect("html");
    let opened_at = hidden_after(&page, "step-form", "revision");
    assert_eq!(opened_at, "1");

    // The drafting team adds a version meanwhile.
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v2.md", "").await.status(), StatusCode::CREATED);

    let deadline = "2031-06-27T08:00";
    let form = |csrf: &str, revision: &str| {
        [("csrf", csrf.to_owned()), ("step", "open_round".to_owned()), ("revision", revision.to_owned()), ("deadline", deadline.to_owned()), ("ballot", "1".to_owned())]
    };
    let path = s.server.url(&format!("/reports/{}/steps", s.report));
    let sent = s.http.post(&path).form(&form(&csrf_of(&page), &opened_at)).send().await.expect("sent");
    assert_eq!(sent.status(), StatusCode::CONFLICT);
    let again = sent.text().await.expect("html");
    assert!(again.contains("Nội dung đã được người khác thay đổi từ lúc bạn mở trang"), "the message");
    assert!(again.contains(&format!("href=\"/reports/{}/versions/2\"", s.report)), "the page shows the report as it now is, version 2 made");
    assert!(again.contains(&format!("value=\"{deadline}\"")), "the deadline typed is kept");
    assert!(again.contains("name=\"ballot\" value=\"1\" checked"), "and the ballot stays ticked");
    let now_at = hidden_after(&again, "step-form", "revision");
    assert_eq!(now_at, "2", "the form now carries the revision it shows");
    let (_, etag, now) = send(&s, Method::GET, &format!("/api/v1/reports/{}", s.report), &s.admin_token, None, None).await;
    assert_eq!((etag, now["status"].as_str()), (Some(2), Some("drafting")), "the refused step left no trace");

    // Sent again from the page as it now is, the round opens on version 2.
    let sent = s.http.post(&path).form(&form(&csrf_of(&again), &now_at)).send().await.expect("sent");
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let (status, _, ballot) = send(&s, Method::GET, &format!("/api/v1/reports/{}/ballot", s.report), &s.admin_token, None, None).await;
    assert_eq!(status, StatusCode::OK, "the round has its ballot: {ballot}");
    let (_, etag, now) = send(&s, Method::GET, &format!("/api/v1/reports/{}", s.report), &s.admin_token, None, None).await;
    assert_eq!((etag, now["status"].as_str()), (Some(3), Some("open_for_comments")));
}

/// The value of the hidden field `name` in the form `form_id` of `html`.
fn hidden(html: &str, form_id: &str, name: &str) -> String {
    hidden_after(html, &format!("id=\"{form_id}\""), name)
}

/// The value of the first hidden field `name` after `marker` in `html`.
fn hidden_after(html: &str, marker: &str, name: &str) -> String {
    let form = &html[html.find(marker).expect("the form")..];
    let marker = format!("name=\"{name}\" value=\"");
    let start = form.find(&marker).map(|i| i + marker.len()).expect("the hidden field");
    form[start..].split('"').next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_minutes_form_sent_after_someone_else_wrote_comes_back_with_the_message_and_what_was_typed() {
    let s = setup_on(gopy_tests::Server::start()).await;
    let (meeting, agenda_item, _, speaker) = meeting_with_agenda(&s).await;
    let page = s.http.get(s.server.url(&format!("/meetings/{meeting}"))).send().await.expect("page").text().await.expect("html");
    let opened_at = hidden(&page, "minutes-form", "revision");
    assert_eq!(hidden(&page, "conclusion-form", "revision"), opened_at);

    // Another secretary records an opinion meanwhile.
    let other = json!({ "agenda_item": agenda_item, "speaker": speaker, "summary": "Ý kiến ghi trước của thư ký khác." });
    let (status, _, _) = send(&s, Method::POST, &format!("/api/v1/meetings/{meeting}/minutes"), &s.admin_token, None, Some(other)).await;
    assert_eq!(status, StatusCode::CREATED);

    let typed = "Cần nêu rõ 7/24 chỉ tiêu đạt & vượt.";
    let csrf = csrf_of(&page);
    let form = [("csrf", csrf.as_str()), ("revision", opened_at.as_str()), ("agenda_item", agenda_item.as_str()), ("speaker", speaker.as_str()), ("summary", typed)];
    let sent = s.http.post(s.server.url(&format!("/meetings/{meeting}/minutes"))).form(&form).send().await.expect("sent");
    assert_eq!(sent.status(), StatusCode::CONFLICT);
    let again = sent.text().await.expect("html");
    assert!(again.contains("Nội dung đã được người khác thay đổi từ lúc bạn mở trang"), "the message");
    assert!(again.contains("Ý kiến ghi trước của thư ký khác."), "the page shows the meeting as it now is");
    assert!(again.contains("Cần nêu rõ 7/24 chỉ tiêu đạt &amp; vượt.</textarea>"), "what was typed is kept");
    let now_at = hidden(&again, "minutes-form", "revision");
    assert_ne!(now_at, opened_at, "the form now carries the revision it shows");

    // Sent again from the page as it now is, the entry is taken.
    let csrf = csrf_of(&again);
    let form = [("csrf", csrf.as_str()), ("revision", now_at.as_str()), ("agenda_item", agenda_item.as_str()), ("speaker", speaker.as_str()), ("summary", typed)];
    let sent = s.http.post(s.server.url(&format!("/meetings/{meeting}/minutes"))).form(&form).send().await.expect("sent");
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let (_, _, now) = send(&s, Method::GET, &format!("/api/v1/meetings/{meeting}"), &s.admin_token, None, None).await;
    assert_eq!(now["minutes"].as_array().map(Vec::len), Some(2));

    // A stale conclusion form likewise keeps its text.
    let csrf = csrf_of(&again);
    let conclusion = "Các dự thảo cơ bản đạt yêu cầu.";
    let form = [("csrf", csrf.as_str()), ("revision", now_at.as_str()), ("conclusion", conclusion)];
    let sent = s.http.post(s.server.url(&format!("/meetings/{meeting}/conclusion"))).form(&form).send().await.expect("sent");
    assert_eq!(sent.status(), StatusCode::CONFLICT);
    let again = sent.text().await.expect("html");
    assert!(again.contains(&format!("{conclusion}</textarea>")), "what was typed is kept");
}

#[tokio::test]
async fn an_answer_form_sent_after_someone_else_answered_comes_back_with_the_message_and_what_was_typed() {
    let s = setup_on(gopy_tests::Server::start()).await;
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);
    let body = json!({ "version": 1, "body": "Đề nghị bổ sung số liệu về chuyển đổi số." });
    let (status, _, posted) = send(&s, Method::POST, &format!("/api/v1/reports/{}/comments", s.report), &s.member_token, None, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{posted}");
    let comment = posted["id"].as_str().expect("id").to_owned();

    // The drafting lead opens the draft in a browser session of their own.
    let lead = gopy_tests::client();
    set_password(&lead, &s.server, &s.drafter_link, PASSWORD).await;
    sign_in(&lead, &s.server, "tbt@tinhuy.vn", PASSWORD).await;
    let version_page = s.server.url(&format!("/reports/{}/versions/1", s.report));
    let page = lead.get(&version_page).send().await.expect("page").text().await.expect("html");
    let answer_form = format!("action=\"/comments/{comment}/disposition\"");
    let opened_at = hidden_after(&page, &answer_form, "revision");
    assert_eq!(opened_at, "0");

    // Another member of the team answers meanwhile, through the API.
    let answer = json!({ "disposition": "accepted", "response": "Đã bổ sung số liệu." });
    let (status, _, _) = send(&s, Method::PUT, &format!("/api/v1/comments/{comment}/disposition"), &s.drafter_token, Some(0), Some(answer)).await;
    assert_eq!(status, StatusCode::OK);

    let typed = "Xin giải trình: số liệu 2023 chưa có & sẽ bổ sung.";
    let form = |csrf: &str, revision: &str| {
        [("csrf", csrf.to_owned()), ("revision", revision.to_owned()), ("version", "1".to_owned()), ("disposition", "explained".to_owned()), ("response", typed.to_owned())]
    };
    let path = s.server.url(&format!("/comments/{comment}/disposition"));
    let sent = lead.post(&path).form(&form(&csrf_of(&page), &opened_at)).send().await.expect("sent");
    assert_eq!(sent.status(), StatusCode::CONFLICT);
    let again = sent.text().await.expect("html");
    assert!(again.contains("Nội dung đã được người khác thay đổi từ lúc bạn mở trang"), "the message");
    assert!(again.contains("Đã bổ sung số liệu."), "the page shows the answer it lost to");
    assert!(again.contains("Xin giải trình: số liệu 2023 chưa có &amp; sẽ bổ sung.</textarea>"), "what was typed is kept");
    assert!(again.contains("value=\"explained\" checked"), "and the choice stays ticked");
    let now_at = hidden_after(&again, &answer_form, "revision");
    assert_eq!(now_at, "1", "the form now carries the revision it shows");

    // Sent again from the page as it now is, the answer is taken.
    let sent = lead.post(&path).form(&form(&csrf_of(&again), &now_at)).send().await.expect("sent");
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    // Read by the team: the answer is a draft until it is published.
    let (_, etag, now) = send(&s, Method::GET, &format!("/api/v1/comments/{comment}"), &s.drafter_token, None, None).await;
    assert_eq!(etag, Some(2));
    assert_eq!(now["response"].as_str(), Some(typed));
}
