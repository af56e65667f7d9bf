//! Every route, for every kind of person, against the table of what each
//! may do: on the demo's story (one Standing Committee with every role) and
//! a second committee whose chair tries the first one's real ids.
//!
//! The table's rows are written here by hand, one per request, and the
//! router's own routes (read from its source) must each have a row, so a
//! new route without one fails this test. Each row's outcome string has one
//! letter per person, in the order of [`PEOPLE`]:
//!
//! - `A` allowed: the request got past the access check (2xx, a redirect
//!   elsewhere than sign-in, or a refusal of the input: 400, 409, 410, 422);
//! - `F` forbidden (403); `N` not found (404: what another committee's ids
//!   get, so a refusal does not even say they exist);
//! - `S` sign in first (a redirect to `/sign-in`, or 401 from the API).
//!
//! Writes send input that passes the edge's rules and that the use cases
//! refuse after the access check where they can (a name taken, a term that
//! ends before it starts, a person who does not exist), so the walk changes
//! little; the few that do
//! change state (withdraw, mark held, approve) come after the rows that
//! need the state before them. Every HTML page the walk sees is checked for
//! POST forms without a CSRF token, and every page form post is sent once
//! more without its token, which must be refused.

use std::collections::{BTreeMap, BTreeSet};

use gopy_tests::routes::router_routes;
use gopy_tests::{Server, client, run_gopy};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use serde_json::Value;

use crate::accounts::csrf_of;

const PASSWORD: &str = "gopy-demo-2023";
const DEMO_DATABASE: (&str, &str) = ("GOPY__DATABASE__URL", "sqlite://data/demo.db");

/// Who walks, and the email they sign in with (empty: nobody signed in).
const PEOPLE: [(&str, &str); 10] = [
    ("admin", "quantri@tinhuy.vn"),
    ("secretariat (also the committee's secretary)", "vanphong@tinhuy.vn"),
    ("committee secretary", "thuky@tinhuy.vn"),
    ("chair", "bithu@tinhuy.vn"),
    ("vice chair", "phobithu@tinhuy.vn"),
    ("member", "uyvien@tinhuy.vn"),
    ("drafting lead", "tuyengiao@tinhuy.vn"),
    ("drafter", "bientap@tinhuy.vn"),
    ("chair of another committee", "ngoai@tinhuy.vn"),
    ("signed out", ""),
];

/// One request of the walk: the router's method and pattern it exercises,
/// the path with `{placeholders}` for the story's ids, the body (a form's
/// fields after its token, or JSON for the API; `multipart` for an upload,
/// `multipart:name=value&…` with its text fields)
/// and the outcome for each person.
struct Row {
    method: &'static str,
    pattern: &'static str,
    path: &'static str,
    body: &'static str,
    expect: &'static str,
}

const fn row(method: &'static str, pattern: &'static str, path: &'static str, body: &'static str, expect: &'static str) -> Row {
    Row { method, pattern, path, body, expect }
}

/// The same path as the pattern.
const fn at(method: &'static str, pattern: &'static str, body: &'static str, expect: &'static str) -> Row {
    Row { method, pattern, path: pattern, body, expect }
}

//                      admin, secretariat, committee secretary, chair, vice chair,
//                      member, drafting lead, drafter, another committee's chair, signed out
#[rustfmt::skip]
const TABLE: &[Row] = &[
    // Public pages. Setup is over once there is an admin: it sends everyone to sign in.
    at("GET", "/healthz", "", "AAAAAAAAAA"),
    at("GET", "/readyz", "", "AAAAAAAAAA"),
    at("GET", "/", "", "AAAAAAAAAA"),
    row("GET", "/language/{code}", "/language/en", "", "AAAAAAAAAA"),
    row("GET", "/static/{*file}", "/static/gopy.css", "", "AAAAAAAAAA"),
    at("GET", "/sign-in", "", "AAAAAAAAAA"),
    at("POST", "/sign-in", "email=&password=", "AAAAAAAAAA"),
    at("GET", "/setup", "", "SSSSSSSSSS"),
    at("POST", "/setup", "", "AAAAAAAAAA"),
    row("GET", "/set-password/{secret}", "/set-password/{unknown}", "", "AAAAAAAAAA"),
    row("POST", "/set-password/{secret}", "/set-password/{unknown}", "password=", "AAAAAAAAAA"),
    // One's own account; another person's session or token, by its real id, is not found.
    at("GET", "/account", "", "AAAAAAAAAS"),
    at("POST", "/account/profile", "name=", "AAAAAAAAAS"),
    at("POST", "/account/password", "current=&password=", "AAAAAAAAAS"),
    at("POST", "/account/notifications", "", "AAAAAAAAAS"),
    row("POST", "/account/sessions/{id}/end", "/account/sessions/{others_session}/end", "", "NNNNNNNNNS"),
    at("POST", "/account/tokens", "name=", "AAAAAAAAAS"),
    row("POST", "/account/tokens/{id}/revoke", "/account/tokens/{others_token}/revoke", "", "NNNNNNNNNS"),
    // Organising.
    at("GET", "/admin/people", "", "AAFFFFFFFS"),
    at("POST", "/admin/people", "email=&name=", "AAFFFFFFFS"),
    // Importing a list: without a file, who may import is told the file is missing (422).
    at("GET", "/admin/people/import", "", "AAFFFFFFFS"),
    at("POST", "/admin/people/import", "multipart", "AAFFFFFFFS"),
    at("POST", "/admin/people/import/store", "multipart", "AAFFFFFFFS"),
    row("GET", "/admin/people/{id}", "/admin/people/{person}", "", "AAFFFFFFFS"),
    row("POST", "/admin/people/{id}", "/admin/people/{person}", "name=", "AAFFFFFFFS"),
    row("POST", "/admin/people/{id}/roles", "/admin/people/{person}/roles", "", "AFFFFFFFFS"),
    row("POST", "/admin/people/{id}/reset-link", "/admin/people/{person}/reset-link", "", "AAFFFFFFFS"),
    at("GET", "/admin/bodies", "", "AAAAAAAAAS"),
    at("POST", "/admin/bodies", "name=Ban Tổ chức Tỉnh ủy", "AAFFFFFFFS"),
    at("GET", "/admin/terms", "", "AAFFFFFFFS"),
    at("POST", "/admin/terms", "name=Nhiệm kỳ thử&starts_on=2025-10-01&ends_on=2020-10-01", "AAFFFFFFFS"),
    at("GET", "/admin/mail", "", "AFFFFFFFFS"),
    row("POST", "/admin/mail/{id}/resend", "/admin/mail/{unknown}/resend", "", "NFFFFFFFFS"),
    // The working-day calendar: read by who sets deadlines, kept by the admin.
    at("GET", "/admin/holidays", "", "AAFFFFFFFS"),
    at("POST", "/admin/holidays", "date=2030-09-02&kind=day_off", "AFFFFFFFFS"),
    row("POST", "/admin/holidays/{day}/remove", "/admin/holidays/2099-01-05/remove", "", "NFFFFFFFFS"),
    // A committee is asked about by its id alone: the refusal is the same for any id.
    at("GET", "/committees", "", "AAAAAAAAAS"),
    at("POST", "/committees", "name=Ban Thường vụ Tỉnh ủy khóa XI", "AAFFFFFFFS"),
    row("GET", "/committees/{id}", "/committees/{committee}", "", "AAAAAAFFFS"),
    row("POST", "/committees/{id}/members", "/committees/{committee}/members", "person={member}&role=member", "AAAFFFFFFS"),
    // Meetings changed on their page, on input that passes the edge, so
    // that the access check decides (the item is changed to what it is).
    row("POST", "/meetings/{id}/details", "/meetings/{meeting}/details", "title=Họp thử&starts_at=2023-06-27T08:00&ends_at=2023-06-27T11:00&place=Phòng họp&presiding=0190a8b0-0000-7000-8000-000000000000", "AAAFFFNNNS"),
    row("POST", "/meetings/{id}/agenda/{item}", "/meetings/{meeting}/agenda/{item}", "title=Mục thử&presenter={body}&minutes_allotted=10", "AAAFFFNNNS"),
    row("POST", "/meetings/{id}/agenda/{item}/move", "/meetings/{meeting}/agenda/{item}/move", "to=1", "AAAFFFNNNS"),
    row("POST", "/meetings/{id}/agenda/{item}/remove", "/meetings/{meeting}/agenda/{unknown}/remove", "", "AAAFFFNNNS"),
    // The bodies consulted on the self-assessment: its register, letters and
    // comment forms (a letter or a form without its fields is refused after
    // the check); Word review comments, recorded by the secretariat.
    row("GET", "/reports/{id}/consultation", "/reports/{assessment}/consultation", "", "AAAAAANNNS"),
    row("POST", "/reports/{id}/consultation/letters", "/reports/{assessment}/consultation/letters", "multipart:body={unknown}&number=12-CV&signed_on=2023-06-30&signer=Người ký", "AAFFFFNNNS"),
    row("POST", "/reports/{id}/consultation/no-comment", "/reports/{assessment}/consultation/no-comment", "body={unknown}", "AAFFFFNNNS"),
    row("GET", "/reports/{id}/consultation/letters/{letter}", "/reports/{assessment}/consultation/letters/{unknown}", "", "NNNNNNNNNS"),
    // A form upload without its file is refused after the check: who may
    // not upload learns nothing of what the upload needs.
    row("POST", "/reports/{id}/consultation/forms", "/reports/{assessment}/consultation/forms", "multipart", "AAFFFFNNNS"),
    row("GET", "/reports/{id}/consultation/forms/{body}", "/reports/{assessment}/consultation/forms/{unknown}", "", "NNNNNNNNNS"),
    row("GET", "/reports/{id}/word-comments", "/reports/{assessment}/word-comments", "", "AAAFFFNNNS"),
    row("POST", "/reports/{id}/word-comments", "/reports/{assessment}/word-comments", "multipart:body={unknown}", "AAAFFFNNNS"),
    row("GET", "/reports/{id}/word-comments/{import}", "/reports/{assessment}/word-comments/{unknown}", "", "NNNNNNNNNS"),
    row("POST", "/reports/{id}/word-comments/{import}", "/reports/{assessment}/word-comments/{unknown}", "", "NNNFFFNNNS"),
    // Reports and their versions.
    at("GET", "/reports", "", "AAAAAAAAAS"),
    at("POST", "/reports", "title=Báo cáo thử&kind={kind}&body={body}&committee={committee}", "AAFFFFFFFS"),
    row("GET", "/reports/{id}", "/reports/{report}", "", "AAAAAAAANS"),
    row("POST", "/reports/{id}/versions", "/reports/{report}/versions", "multipart", "AAFFFFAANS"),
    row("GET", "/reports/{id}/versions/{number}", "/reports/{report}/versions/2", "", "AAAAAAAANS"),
    row("GET", "/reports/{id}/versions/{number}/{file}", "/reports/{report}/versions/2/export.docx", "", "AAAAAAAANS"),
    row("GET", "/reports/{id}/versions/{number}/{file}", "/reports/{report}/versions/1/export.md", "", "AAAAAAAANS"),
    row("GET", "/reports/{id}/diff", "/reports/{report}/diff?from=1&to=2", "", "AAAAAAAANS"),
    row("GET", "/reports/{id}/versions/{number}/indicators", "/reports/{report}/versions/2/indicators", "", "AAAAAAAANS"),
    row("GET", "/reports/{id}/versions/{number}/indicators/{chart}", "/reports/{report}/versions/2/indicators/0.svg", "", "AAAAAAAANS"),
    // Indicators are the secretariat's, asked of Gopy as a whole: refused alike for any
    // report; the drafting team records the results its version reports.
    row("POST", "/reports/{id}/versions/{number}/indicators/adopt", "/reports/{report}/versions/2/indicators/adopt", "", "AAFFFFFFFS"),
    row("POST", "/reports/{id}/versions/{number}/indicators/direction", "/reports/{report}/versions/2/indicators/direction", "indicator={indicator}&direction={direction}", "AAFFFFFFNS"),
    row("POST", "/reports/{id}/versions/{number}/indicators/record", "/reports/{report}/versions/2/indicators/record", "as_of=2023-06-30", "AAFFFFAANS"),
    row("GET", "/api/v1/reports/{id}/versions/{number}/indicators", "/api/v1/reports/{report}/versions/2/indicators", "", "AAAAAAAANS"),
    row("POST", "/api/v1/reports/{id}/versions/{number}/indicators/adoption", "/api/v1/reports/{report}/versions/2/indicators/adoption", "{}", "AAFFFFFFFS"),
    row("POST", "/api/v1/reports/{id}/versions/{number}/indicators/results", "/api/v1/reports/{report}/versions/2/indicators/results", r#"{"as_of":"2023-06-30"}"#, "AAFFFFAANS"),
    // Comments and their dispositions.
    row("GET", "/reports/{id}/comments", "/reports/{report}/comments", "", "AAAAAAAANS"),
    row("POST", "/reports/{id}/comments", "/reports/{report}/comments", "version=2&body=Ý kiến thử", "AAAAAAFFNS"),
    row("GET", "/reports/{id}/events", "/reports/{report}/events", "", "AAAAAAAANS"),
    row("GET", "/reports/{id}/versions/{number}/passages/{block}/threads", "/reports/{report}/versions/2/passages/whole/threads", "", "AAAAAAAANS"),
    row("GET", "/reports/{id}/dispositions", "/reports/{report}/dispositions", "", "AAAAAAAANS"),
    // The answer desk: the drafting team answers, its lead publishes; the
    // secretariat sees the drafts.
    row("GET", "/reports/{id}/answers", "/reports/{report}/answers", "", "AAFFFFAANS"),
    row("POST", "/reports/{id}/answers/groups", "/reports/{report}/answers/groups", "comment={unknown}", "FFFFFFAANS"),
    row("POST", "/reports/{id}/answers/groups/{group}/split", "/reports/{report}/answers/groups/{unknown}/split", "comment={unknown}", "FFFFFFNNNS"),
    row("POST", "/reports/{id}/answers/groups/{group}/answer", "/reports/{report}/answers/groups/{unknown}/answer", "disposition=explained&response=x", "FFFFFFNNNS"),
    row("POST", "/reports/{id}/answers/apply", "/reports/{report}/answers/apply", "template={unknown}&comment={unknown}", "FFFFFFAANS"),
    row("POST", "/reports/{id}/answers/save", "/reports/{report}/answers/save", "", "FFFFFFAANS"),
    row("POST", "/reports/{id}/answers/templates", "/reports/{report}/answers/templates", "name=Mẫu thử&disposition=accepted&text={khong_co}", "FFFFFFAANS"),
    row("POST", "/reports/{id}/answers/templates/{template}/delete", "/reports/{report}/answers/templates/{unknown}/delete", "", "FFFFFFNNNS"),
    row("POST", "/reports/{id}/answers/publish", "/reports/{report}/answers/publish", "", "FFFFFFAFNS"),
    row("GET", "/reports/{id}/{file}", "/reports/{report}/dispositions.docx", "", "AAAAAAAANS"),
    // The change table (the drafting team decides links and technical
    // edits, on a passage that did not change: refused after the check) and
    // what is still disputed (a disagreement without a reason, a deadline in
    // the past, a decision on a comment not disputed: refused after it).
    row("GET", "/reports/{id}/changes", "/reports/{report}/changes", "", "AAAAAAAANS"),
    row("POST", "/reports/{id}/changes/{to}/links", "/reports/{report}/changes/2/links", "passage=bkhongdoi&action=technical", "FFFFFFAANS"),
    row("GET", "/reports/{id}/changes/{to}/{file}", "/reports/{report}/changes/2/bang-so-sanh.docx", "", "AAAAAAAANS"),
    row("GET", "/reports/{id}/changes/{to}/{file}", "/reports/{report}/changes/2/bang-so-sanh.xlsx", "", "AAAAAAAANS"),
    row("GET", "/reports/{id}/disputes", "/reports/{report}/disputes", "", "AAAAAAAANS"),
    row("POST", "/reports/{id}/disputes/deadline", "/reports/{report}/disputes/deadline", "deadline=2020-01-01T08:00", "AAFFFFFFNS"),
    row("POST", "/reports/{id}/disputes/{comment}/stance", "/reports/{report}/disputes/{comment}/stance", "stance=disagree&reason=", "FFFFFAFFNS"),
    row("POST", "/reports/{id}/disputes/{comment}/decision", "/reports/{report}/disputes/{comment}/decision", "decision=Giữ nguyên", "FFFAFFFFNS"),
    row("GET", "/reports/{id}/{file}", "/reports/{report}/dispositions.xlsx", "", "AAAAAAAANS"),
    row("GET", "/reports/{id}/{file}", "/reports/{report}/dispositions.csv", "", "AAAAAAAANS"),
    row("GET", "/comments/{id}/card", "/comments/{comment}/card", "", "AAAAAAAANS"),
    row("GET", "/comments/{id}/history", "/comments/{comment}/history", "", "AAAFFFFFNS"),
    row("POST", "/comments/{id}/replies", "/comments/{comment}/replies", "body=Trả lời thử", "AAAAAAAANS"),
    row("POST", "/comments/{id}/edit", "/comments/{comment}/edit", "body=Ý kiến đã sửa", "FFFFFAFFNS"),
    row("POST", "/comments/{id}/disposition", "/comments/{comment}/disposition", "disposition=explained&response=Giải trình thử", "FFFFFFAANS"),
    // Rounds, ballots and approval.
    row("POST", "/reports/{id}/steps", "/reports/{report}/steps", "step=close_round", "AAFFFFFFNS"),
    row("POST", "/reports/{id}/ballot", "/reports/{report}/ballot", "vote=agree", "FAAAAAFFNS"),
    row("GET", "/reports/{id}/timeline", "/reports/{report}/timeline", "", "AAAAAAAANS"),
    at("GET", "/dashboard", "", "AAFAFFFFAS"),
    at("GET", "/api/v1/dashboard", "", "AAFAFFFFAS"),
    row("GET", "/search", "/search?q=tham+nhung", "", "AAAAAAAAAS"),
    // Meetings: the drafting team is not of the committee, so its meetings are not found for them.
    at("GET", "/meetings", "", "AAAAAAAAAS"),
    at("POST", "/meetings", "committee={committee}&title=Họp thử&starts_at=2023-07-20T08:00&ends_at=2023-07-20T11:00&place=Hội trường&presiding={person}", "AAAFFFFFFS"),
    row("GET", "/meetings/{id}", "/meetings/{meeting}", "", "AAAAAANNNS"),
    row("GET", "/meetings/{id}/{file}", "/meetings/{meeting}/bien-ban.docx", "", "AAAAAANNNS"),
    row("GET", "/meetings/{id}/{file}", "/meetings/{meeting}/thong-bao-ket-luan.docx", "", "AAAAAANNNS"),
    row("GET", "/meetings/{id}/{file}", "/meetings/{meeting}/meeting.ics", "", "AAAAAANNNS"),
    row("GET", "/api/v1/meetings/{id}/files/{file}", "/api/v1/meetings/{meeting}/files/bien-ban.docx", "", "AAAAAANNNS"),
    row("GET", "/api/v1/meetings/{id}/files/{file}", "/api/v1/meetings/{meeting}/files/meeting.ics", "", "AAAAAANNNS"),
    row("POST", "/meetings/{id}/agenda", "/meetings/{meeting}/agenda", "title=Mục thử&presenter={body}&minutes_allotted=10", "AAAFFFNNNS"),
    row("POST", "/meetings/{id}/attendance", "/meetings/{meeting}/attendance", "", "AAAFFFNNNS"),
    row("POST", "/meetings/{id}/minutes", "/meetings/{meeting}/minutes", "agenda_item={item}&speaker={member}&summary=Ý kiến thử", "AAAFFFNNNS"),
    row("POST", "/meetings/{id}/minutes/{entry}/comment", "/meetings/{meeting}/minutes/{entry}/comment", "", "AAAFFFNNNS"),
    row("POST", "/meetings/{id}/conclusion", "/meetings/{meeting}/conclusion", "conclusion=Kết luận thử", "AAFAFFNNNS"),
    row("POST", "/meetings/{id}/actions", "/meetings/{meeting}/actions", "text=Việc thử&bodies={body}&deadline=2099-07-30", "AAFAFFNNNS"),
    row("POST", "/meetings/{id}/actions/{action}", "/meetings/{meeting}/actions/{action}", "status=done&note=Xong", "AAAAFFNNNS"),
    at("GET", "/follow-up", "", "AAAAAAAAAS"),
    // The API.
    at("GET", "/api/v1", "", "AAAAAAAAAA"),
    at("GET", "/api/openapi.json", "", "AAAAAAAAAA"),
    at("GET", "/api/v1/me", "", "AAAAAAAAAS"),
    at("GET", "/api/v1/me/work", "", "AAAAAAAAAS"),
    at("GET", "/api/v1/me/account", "", "AAAAAAAAAS"),
    at("PATCH", "/api/v1/me/account", r#"{"name":"","language":"vi"}"#, "AAAAAAAAAS"),
    at("PUT", "/api/v1/me/mail-choices", r#"{"choices":[]}"#, "AAAAAAAAAS"),
    at("POST", "/api/v1/me/tokens", r#"{"name":""}"#, "AAAAAAAAAS"),
    row("DELETE", "/api/v1/me/tokens/{id}", "/api/v1/me/tokens/{others_token}", "", "NNNNNNNNNS"),
    row("DELETE", "/api/v1/me/sessions/{id}", "/api/v1/me/sessions/{others_session}", "", "NNNNNNNNNS"),
    at("GET", "/api/v1/holidays", "", "AAFFFFFFFS"),
    at("POST", "/api/v1/holidays", r#"{"date":"2030-09-02","kind":"day_off"}"#, "AFFFFFFFFS"),
    row("DELETE", "/api/v1/holidays/{date}", "/api/v1/holidays/2099-01-05", "", "NFFFFFFFFS"),
    at("GET", "/api/v1/reports", "", "AAAAAAAAAS"),
    at("POST", "/api/v1/reports", r#"{"kind":"{kind}","title":"Báo cáo thử","term":null,"body":"{body}","committee":"{committee}","drafters":["{member}"],"lead":"{member}"}"#, "AAFFFFFFFS"),
    row("GET", "/api/v1/reports/{id}", "/api/v1/reports/{report}", "", "AAAAAAAANS"),
    row("POST", "/api/v1/reports/{id}/versions", "/api/v1/reports/{report}/versions", r#"{"markdown":""}"#, "AAFFFFAANS"),
    row("GET", "/api/v1/reports/{id}/versions/{number}", "/api/v1/reports/{report}/versions/2", "", "AAAAAAAANS"),
    row("GET", "/api/v1/reports/{id}/versions/{number}/{file}", "/api/v1/reports/{report}/versions/2/export.docx", "", "AAAAAAAANS"),
    row("GET", "/api/v1/reports/{id}/diff", "/api/v1/reports/{report}/diff?from=1&to=2", "", "AAAAAAAANS"),
    row("GET", "/api/v1/reports/{id}/comments", "/api/v1/reports/{report}/comments", "", "AAAAAAAANS"),
    row("GET", "/api/v1/reports/{id}/versions/{number}/passages/{block}/threads", "/api/v1/reports/{report}/versions/2/passages/whole/threads", "", "AAAAAAAANS"),
    row("POST", "/api/v1/reports/{id}/comments", "/api/v1/reports/{report}/comments", r#"{"version":2,"body":"Ý kiến thử"}"#, "AAAAAAFFNS"),
    row("GET", "/api/v1/reports/{id}/dispositions", "/api/v1/reports/{report}/dispositions", "", "AAAAAAAANS"),
    row("GET", "/api/v1/reports/{id}/answers", "/api/v1/reports/{report}/answers", "", "AAFFFFAANS"),
    row("POST", "/api/v1/reports/{id}/answers", "/api/v1/reports/{report}/answers", r#"{"answers":[{"comment":"{unknown}","disposition":"accepted"}]}"#, "FFFFFFAANS"),
    row("POST", "/api/v1/reports/{id}/answers/preview", "/api/v1/reports/{report}/answers/preview", r#"{"template":"{unknown}","comments":["{unknown}"]}"#, "FFFFFFAANS"),
    row("POST", "/api/v1/reports/{id}/answers/publish", "/api/v1/reports/{report}/answers/publish", "", "FFFFFFAFNS"),
    row("POST", "/api/v1/reports/{id}/groups", "/api/v1/reports/{report}/groups", r#"{"comments":["{unknown}"]}"#, "FFFFFFAANS"),
    row("POST", "/api/v1/reports/{id}/groups/{group}/split", "/api/v1/reports/{report}/groups/{unknown}/split", r#"{"comments":["{unknown}"]}"#, "FFFFFFNNNS"),
    row("PUT", "/api/v1/reports/{id}/groups/{group}/answer", "/api/v1/reports/{report}/groups/{unknown}/answer", r#"{"disposition":"explained","response":"x"}"#, "FFFFFFNNNS"),
    row("POST", "/api/v1/reports/{id}/answer-templates", "/api/v1/reports/{report}/answer-templates", r#"{"name":" ","disposition":"accepted","text":"x"}"#, "FFFFFFAANS"),
    row("DELETE", "/api/v1/reports/{id}/answer-templates/{template}", "/api/v1/reports/{report}/answer-templates/{unknown}", "", "FFFFFFNNNS"),
    row("GET", "/api/v1/reports/{id}/changes", "/api/v1/reports/{report}/changes", "", "AAAAAAAANS"),
    row("PUT", "/api/v1/reports/{id}/changes/{to}/links", "/api/v1/reports/{report}/changes/2/links", r#"{"passage":"bkhongdoi","comment":"{comment}","linked":true}"#, "FFFFFFAANS"),
    row("PUT", "/api/v1/reports/{id}/changes/{to}/technical", "/api/v1/reports/{report}/changes/2/technical", r#"{"passage":"bkhongdoi","technical":true}"#, "FFFFFFAANS"),
    row("GET", "/api/v1/reports/{id}/disputes", "/api/v1/reports/{report}/disputes", "", "AAAAAAAANS"),
    row("PUT", "/api/v1/reports/{id}/disputes/deadline", "/api/v1/reports/{report}/disputes/deadline", r#"{"deadline":"2020-01-01T08:00:00+07:00"}"#, "AAFFFFFFNS"),
    row("PUT", "/api/v1/comments/{id}/stance", "/api/v1/comments/{comment}/stance", r#"{"stance":"disagree"}"#, "FFFFFAFFNS"),
    row("PUT", "/api/v1/comments/{id}/decision", "/api/v1/comments/{comment}/decision", r#"{"decision":"Giữ nguyên"}"#, "FFFAFFFFNS"),
    row("GET", "/api/v1/reports/{id}/{file}", "/api/v1/reports/{report}/dispositions.xlsx", "", "AAAAAAAANS"),
    row("GET", "/api/v1/reports/{id}/{file}", "/api/v1/reports/{report}/dispositions.csv", "", "AAAAAAAANS"),
    row("POST", "/api/v1/comments/{id}/replies", "/api/v1/comments/{comment}/replies", r#"{"body":"Trả lời thử"}"#, "AAAAAAAANS"),
    row("GET", "/api/v1/comments/{id}", "/api/v1/comments/{comment}", "", "AAAAAAAANS"),
    row("GET", "/api/v1/comments/{id}/history", "/api/v1/comments/{comment}/history", "", "AAAFFFFFNS"),
    row("PATCH", "/api/v1/comments/{id}", "/api/v1/comments/{comment}", r#"{"body":"Ý kiến đã sửa lần nữa"}"#, "FFFFFAFFNS"),
    row("PUT", "/api/v1/comments/{id}/disposition", "/api/v1/comments/{comment}/disposition", r#"{"disposition":"explained","response":"Giải trình thử"}"#, "FFFFFFAANS"),
    row("POST", "/api/v1/reports/{id}/transitions", "/api/v1/reports/{report}/transitions", r#"{"action":"close_round"}"#, "AAFFFFFFNS"),
    row("GET", "/api/v1/reports/{id}/ballot", "/api/v1/reports/{report}/ballot", "", "AAAAAAAANS"),
    row("PUT", "/api/v1/reports/{id}/ballot", "/api/v1/reports/{report}/ballot", r#"{"vote":"agree"}"#, "FAAAAAFFNS"),
    row("GET", "/api/v1/reports/{id}/timeline", "/api/v1/reports/{report}/timeline", "", "AAAAAAAANS"),
    row("GET", "/api/v1/search", "/api/v1/search?q=tham+nhung", "", "AAAAAAAAAS"),
    at("GET", "/api/v1/meetings", "", "AAAAAAAAAS"),
    at("POST", "/api/v1/meetings", r#"{"committee":"{committee}","title":"Họp thử","starts_at":"2023-07-20T08:00:00+07:00","ends_at":"2023-07-20T11:00:00+07:00","place":"Hội trường","presiding":"{person}","invited":[]}"#, "AAAFFFFFFS"),
    row("GET", "/api/v1/meetings/{id}", "/api/v1/meetings/{meeting}", "", "AAAAAANNNS"),
    row("PATCH", "/api/v1/meetings/{id}", "/api/v1/meetings/{meeting}", r#"{"details":{"committee":"{committee}","title":"Họp thử","starts_at":"2023-06-27T08:00:00+07:00","ends_at":"2023-06-27T11:00:00+07:00","place":"Hội trường","presiding":"{chair}","invited":[]}}"#, "AAAFFFNNNS"),
    row("POST", "/api/v1/meetings/{id}/agenda", "/api/v1/meetings/{meeting}/agenda", r#"{"title":"Mục thử","presenter":"{body}","report":null,"minutes_allotted":10}"#, "AAAFFFNNNS"),
    row("PUT", "/api/v1/meetings/{id}/attendance", "/api/v1/meetings/{meeting}/attendance", "[]", "AAAFFFNNNS"),
    row("POST", "/api/v1/meetings/{id}/minutes", "/api/v1/meetings/{meeting}/minutes", r#"{"agenda_item":"{item}","speaker":"{member}","summary":"Ý kiến thử"}"#, "AAAFFFNNNS"),
    row("POST", "/api/v1/meetings/{id}/minutes/{entry}/comment", "/api/v1/meetings/{meeting}/minutes/{entry}/comment", "{}", "AAAFFFNNNS"),
    row("PUT", "/api/v1/meetings/{id}/conclusion", "/api/v1/meetings/{meeting}/conclusion", r#"{"text":"Kết luận thử"}"#, "AAFAFFNNNS"),
    row("POST", "/api/v1/meetings/{id}/actions", "/api/v1/meetings/{meeting}/actions", r#"{"text":"Việc thử","deadline":"2099-07-30","assignees":["body:{body}"]}"#, "AAFAFFNNNS"),
    row("PATCH", "/api/v1/meetings/{id}/actions/{action}", "/api/v1/meetings/{meeting}/actions/{action}", r#"{"status":"open","note":null}"#, "AAAAFFNNNS"),
    at("GET", "/api/v1/action-items", "", "AAAAAAAAAS"),
    row("PATCH", "/api/v1/meetings/{id}/agenda/{item}", "/api/v1/meetings/{meeting}/agenda/{item}", r#"{"position":1}"#, "AAAFFFNNNS"),
    row("DELETE", "/api/v1/meetings/{id}/agenda/{item}", "/api/v1/meetings/{meeting}/agenda/{unknown}", "", "AAAFFFNNNS"),
    row("GET", "/api/v1/reports/{id}/consultation", "/api/v1/reports/{assessment}/consultation", "", "AAAAAANNNS"),
    // The upload is read before any check: a body that is not multipart is refused as such.
    row("POST", "/api/v1/reports/{id}/word-comments", "/api/v1/reports/{assessment}/word-comments", "{}", "AAAAAAAAAS"),
    row("GET", "/api/v1/reports/{id}/word-comments/{import}", "/api/v1/reports/{assessment}/word-comments/{unknown}", "", "NNNNNNNNNS"),
    row("POST", "/api/v1/reports/{id}/word-comments/{import}/store", "/api/v1/reports/{assessment}/word-comments/{unknown}/store", "", "NNNFFFNNNS"),
    // The organisation. Bodies pass the edge's checks, so what refuses
    // them is the access check or, after it, the domain (a name taken, a
    // term ending before it starts, a seat already held, no such person).
    at("GET", "/api/v1/bodies", "", "AAAAAAAAAS"),
    at("POST", "/api/v1/bodies", r#"{"name":"Ban Tổ chức Tỉnh ủy"}"#, "AAFFFFFFFS"),
    at("GET", "/api/v1/terms", "", "AAFFFFFFFS"),
    at("POST", "/api/v1/terms", r#"{"name":"Nhiệm kỳ thử","starts_on":"2025-10-01","ends_on":"2020-10-01"}"#, "AAFFFFFFFS"),
    at("GET", "/api/v1/committees", "", "AAAAAAAAAS"),
    at("POST", "/api/v1/committees", r#"{"name":"Ban Thường vụ Tỉnh ủy khóa XI"}"#, "AAFFFFFFFS"),
    row("GET", "/api/v1/committees/{id}", "/api/v1/committees/{committee}", "", "AAAAAAFFFS"),
    row("POST", "/api/v1/committees/{id}/members", "/api/v1/committees/{committee}/members", r#"{"person":"{member}","role":"member"}"#, "AAAFFFFFFS"),
    at("GET", "/api/v1/people", "", "AAFFFFFFFS"),
    at("GET", "/api/v1/mail", "", "AFFFFFFFFS"),
    row("POST", "/api/v1/mail/{id}/resend", "/api/v1/mail/{unknown}/resend", "", "NFFFFFFFFS"),
    at("POST", "/api/v1/people", r#"{"email":"uyvien@tinhuy.vn","name":"Người thử"}"#, "AAFFFFFFFS"),
    // A dry run (the default) of a body that is no list: 422 for who may import.
    at("POST", "/api/v1/people/import", "{}", "AAFFFFFFFS"),
    row("GET", "/api/v1/people/{id}", "/api/v1/people/{person}", "", "AAFFFFFFFS"),
    row("PUT", "/api/v1/people/{id}", "/api/v1/people/{unknown}", r#"{"title":null,"body":null,"active":true}"#, "NNFFFFFFFS"),
    row("PUT", "/api/v1/people/{id}/roles/{role}", "/api/v1/people/{unknown}/roles/admin", "", "NFFFFFFFFS"),
    row("DELETE", "/api/v1/people/{id}/roles/{role}", "/api/v1/people/{unknown}/roles/admin", "", "NFFFFFFFFS"),
    // State changes, after the rows that read the state before them.
    row("POST", "/comments/{id}/withdraw", "/comments/{comment}/withdraw", "", "AAFFFAFFNS"),
    row("POST", "/meetings/{id}/held", "/meetings/{meeting}/held", "", "AAAFFFNNNS"),
    row("POST", "/meetings/{id}/approve", "/meetings/{meeting}/approve", "", "AAFAFFNNNS"),
    // Last: these end the walker's session (they sign in again after);
    // ending all one's sessions leads to the sign-in page.
    // Once held, a meeting cannot be called off: refused after the check.
    row("POST", "/meetings/{id}/cancel", "/meetings/{meeting}/cancel", "reason=Trùng lịch", "AAAFFFNNNS"),
    row("POST", "/api/v1/meetings/{id}/cancellation", "/api/v1/meetings/{meeting}/cancellation", r#"{"reason":"Trùng lịch"}"#, "AAAFFFNNNS"),
    at("POST", "/account/sessions/end-all", "", "SSSSSSSSSS"),
    at("POST", "/sign-out", "", "AAAAAAAAAS"),
];

/// A row's outcome letter for a response.
fn outcome(status: StatusCode, location: Option<&str>) -> char {
    match status.as_u16() {
        401 => 'S',
        300..=399 if location.is_some_and(|l| l.starts_with("/sign-in")) => 'S',
        403 => 'F',
        404 => 'N',
        200..=399 | 400 | 409 | 410 | 422 => 'A',
        429 => 'R',
        500..=599 => 'E',
        _ => '?',
    }
}

/// One person walking: their client and the token their forms carry.
struct Walker {
    email: &'static str,
    http: reqwest::Client,
    csrf: String,
}

impl Walker {
    async fn start(server: &Server, email: &'static str) -> Self {
        let http = client();
        let page = http.get(server.url("/sign-in")).send().await.expect("sign-in page").text().await.expect("html");
        let csrf = csrf_of(&page);
        let mut walker = Self { email, http, csrf };
        walker.sign_in(server).await;
        walker
    }

    async fn sign_in(&mut self, server: &Server) {
        if self.email.is_empty() {
            return;
        }
        let done = self
            .http
            .post(server.url("/sign-in"))
            .form(&[("csrf", self.csrf.as_str()), ("email", self.email), ("password", PASSWORD), ("next", "/account")])
            .send()
            .await
            .expect("sign in");
        assert_eq!(done.status(), StatusCode::SEE_OTHER, "{} signs in", self.email);
        // Signing in rotates the session; the CSRF cookie stays.
        let page = self.http.get(server.url("/account")).send().await.expect("account").text().await.expect("html");
        self.csrf = csrf_of(&page);
    }

    async fn send(&self, server: &Server, method: &str, path: &str, body: &str, with_token: bool) -> reqwest::Response {
        let url = server.url(path);
        let method: reqwest::Method = method.parse().expect("a method");
        let request = self.http.request(method.clone(), url);
        let request = if path.starts_with("/api/") {
            if method == reqwest::Method::GET { request } else { request.header(CONTENT_TYPE, "application/json").body(body.to_owned()) }
        } else if method == reqwest::Method::GET {
            request
        } else if let Some(fields) = body.strip_prefix("multipart") {
            // `multipart:body=…&number=…`: the upload's text fields that pass the edge.
            let mut form = reqwest::multipart::Form::new().text("markdown", "").text("source", "write");
            for (name, value) in fields.trim_start_matches(':').split('&').filter(|f| !f.is_empty()).map(|f| f.split_once('=').unwrap_or((f, ""))) {
                form = form.text(name.to_owned(), value.to_owned());
            }
            if with_token {
                form = form.text("csrf", self.csrf.clone());
            }
            request.multipart(form)
        } else {
            let mut fields: Vec<(&str, &str)> = body.split('&').filter(|f| !f.is_empty()).map(|f| f.split_once('=').unwrap_or((f, ""))).collect();
            if with_token {
                fields.push(("csrf", &self.csrf));
            }
            request.form(&fields)
        };
        request.send().await.expect("the request is answered")
    }
}

/// The story's ids, read through the API as the secretariat sees them.
async fn story_ids(server: &Server, secretariat: &Walker, member: &str, committee: &str, person: &str) -> BTreeMap<&'static str, String> {
    let get = |path: String| async move {
        let response = secretariat.http.get(server.url(&path)).send().await.expect(&path);
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response.json::<Value>().await.expect("JSON")
    };
    let reports = get("/api/v1/reports".to_owned()).await;
    let report = reports
        .as_array()
        .expect("reports")
        .iter()
        .find(|r| r["title"].as_str().is_some_and(|t| t.contains("sơ kết giữa nhiệm kỳ")))
        .expect("the mid-term review")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    // The self-assessment, whose round consults two bodies.
    let assessment = reports
        .as_array()
        .expect("reports")
        .iter()
        .find(|r| r["title"].as_str().is_some_and(|t| t.contains("kiểm điểm giữa nhiệm kỳ")))
        .expect("the self-assessment")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let review = get(format!("/api/v1/reports/{report}/comments")).await;
    // A comment of the member's, so its author's column shows who may change it.
    let comment = review["threads"]
        .as_array()
        .expect("threads")
        .iter()
        .map(|t| &t["comment"])
        .find(|c| c["author"] == member && c["recorded_by"].is_null())
        .expect("a comment of the member's")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let meetings = get("/api/v1/meetings".to_owned()).await;
    let meeting = meetings[0]["id"].as_str().expect("a meeting").to_owned();
    let detail = get(format!("/api/v1/meetings/{meeting}")).await;
    let text = |v: &Value| v.as_str().expect("an id").to_owned();
    let detail_report = get(format!("/api/v1/reports/{report}")).await;
    // The indicator forms carry an indicator's id and the directions it may take.
    let page = secretariat.http.get(server.url(&format!("/reports/{report}/versions/2/indicators"))).send().await.expect("indicators");
    let page = page.text().await.expect("html");
    let after = |marker: &str| page.split(marker).nth(1).and_then(|r| r.split('"').next()).map(str::to_owned);
    let indicator = after("name=\"indicator\" value=\"").expect("an indicator on the page");
    let direction = after("<option value=\"").expect("a direction");
    BTreeMap::from([
        ("{report}", report),
        ("{assessment}", assessment),
        ("{comment}", comment),
        ("{meeting}", meeting),
        ("{entry}", text(&detail["minutes"][0]["id"])),
        ("{item}", text(&detail["agenda"][0]["id"])),
        ("{action}", text(&detail["actions"][0]["id"])),
        ("{chair}", text(&detail["presiding"])),
        ("{body}", text(&detail_report["body"])),
        ("{kind}", text(&detail_report["kind"])),
        ("{indicator}", indicator),
        ("{direction}", direction),
        ("{committee}", committee.to_owned()),
        ("{member}", member.to_owned()),
        ("{person}", person.to_owned()),
        ("{unknown}", "0190f5c4-0000-7000-8000-000000000000".to_owned()),
    ])
}

fn fill(text: &str, ids: &BTreeMap<&'static str, String>) -> String {
    ids.iter().fold(text.to_owned(), |text, (key, id)| text.replace(key, id))
}

/// `gopy user add` on the demo's database, and the password set from its link.
async fn add_person(server: &Server, email: &str, name: &str) {
    let output = run_gopy(server.dir.path(), &["user", "add", "--email", email, "--name", name], &[DEMO_DATABASE]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let link = stdout.lines().find_map(|l| l.find("/set-password/").map(|i| l[i..].trim().to_owned())).expect("a link");
    let done = crate::accounts::set_password(&client(), server, &link, PASSWORD).await;
    assert_eq!(done.status(), StatusCode::OK, "{email} sets a password");
}

async fn id_of(walker: &Walker, server: &Server) -> String {
    let me: Value = walker.http.get(server.url("/api/v1/me")).send().await.expect("me").json().await.expect("JSON");
    me["id"].as_str().expect("id").to_owned()
}

/// The admin's form post, which must be taken.
async fn admin_posts(admin: &Walker, server: &Server, path: &str, fields: &str) -> String {
    let response = admin.send(server, "POST", path, fields, true).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path} {fields}");
    response.headers()[LOCATION].to_str().expect("location").to_owned()
}

/// The POST forms of a page that carry no CSRF token.
fn forms_without_token(html: &str) -> Vec<String> {
    let lower = html.to_lowercase();
    let mut missing = Vec::new();
    let mut rest = lower.as_str();
    while let Some(start) = rest.find("<form") {
        let form = &rest[start..];
        let end = form.find("</form>").unwrap_or(form.len());
        let form = &form[..end];
        let tag_end = form.find('>').unwrap_or(form.len());
        if form[..tag_end].contains("method=\"post\"") && !form.contains("name=\"csrf\"") {
            missing.push(form[..tag_end + 1].to_owned());
        }
        rest = &rest[start + end.max(5)..];
    }
    missing
}

#[tokio::test]
async fn every_route_for_every_person_matches_the_table_and_another_committee_sees_nothing() {
    // Every route of the router has a row, and every row a route.
    let routed: BTreeSet<(String, String)> = router_routes().into_iter().map(|r| (r.method, r.path)).collect();
    let tabled: BTreeSet<(String, String)> = TABLE.iter().map(|r| (r.method.to_owned(), r.pattern.to_owned())).collect();
    let untabled: Vec<_> = routed.difference(&tabled).collect();
    let unrouted: Vec<_> = tabled.difference(&routed).collect();
    assert!(untabled.is_empty(), "routes without a row in the access table: {untabled:#?}");
    assert!(unrouted.is_empty(), "rows for routes the router lacks: {unrouted:#?}");

    let server = Server::demo();

    // Beside the demo's people: a committee secretary who is not of the
    // secretariat, a person for the admin pages to act on, and a second
    // committee whose chair walks with the first one's ids.
    add_person(&server, "thuky@tinhuy.vn", "Mai Văn Thư").await;
    add_person(&server, "ngoai@tinhuy.vn", "Kiều Văn Ngoại").await;
    add_person(&server, "nguoi@tinhuy.vn", "Tạ Thị Người").await;
    let admin = Walker::start(&server, "quantri@tinhuy.vn").await;
    let chair = Walker::start(&server, "bithu@tinhuy.vn").await;
    let me: Value = chair.http.get(server.url("/api/v1/me")).send().await.expect("me").json().await.expect("JSON");
    let committee = me["memberships"][0]["committee"].as_str().expect("the chair's committee").to_owned();
    let secretary = Walker::start(&server, "thuky@tinhuy.vn").await;
    let outsider = Walker::start(&server, "ngoai@tinhuy.vn").await;
    let person = Walker::start(&server, "nguoi@tinhuy.vn").await;
    admin_posts(&admin, &server, &format!("/committees/{committee}/members"), &format!("person={}&role=secretary", id_of(&secretary, &server).await)).await;
    let other = admin_posts(&admin, &server, "/committees", "name=Ban Chấp hành Đảng bộ huyện").await;
    admin_posts(&admin, &server, &format!("{other}/members"), &format!("person={}&role=chair", id_of(&outsider, &server).await)).await;
    // Another person's session and token, for the walkers to try to end.
    let output = run_gopy(server.dir.path(), &["token", "create", "--email", "nguoi@tinhuy.vn", "--name", "script"], &[DEMO_DATABASE]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let account = person.http.get(server.url("/account")).send().await.expect("account").text().await.expect("html");
    let id_after = |marker: &str| account.split(marker).nth(1).and_then(|r| r.split('/').next()).map(str::to_owned);
    let others_session = id_after("/account/sessions/").expect("a session of theirs");
    let others_token = id_after("/account/tokens/").expect("a token of theirs");
    assert!(uuid::Uuid::parse_str(&others_session).is_ok() && uuid::Uuid::parse_str(&others_token).is_ok(), "{others_session} {others_token}");
    let person_id = id_of(&person, &server).await;
    drop((chair, secretary, outsider));

    let mut walkers = Vec::new();
    for (_, email) in PEOPLE {
        walkers.push(Walker::start(&server, email).await);
    }
    let member = id_of(&walkers[5], &server).await;
    let mut ids = story_ids(&server, &walkers[1], &member, &committee, &person_id).await;
    ids.insert("{others_session}", others_session);
    ids.insert("{others_token}", others_token);


    let mut mismatches = Vec::new();
    let mut observed = Vec::new();
    let mut checked = 0;
    for row in TABLE {
        assert_eq!(row.expect.len(), PEOPLE.len(), "{} {}", row.method, row.path);
        let path = fill(row.path, &ids);
        let body = fill(row.body, &ids);
        let mut got = String::new();
        // Another committee's chair and the signed-out walk first: if they
        // were let through, their attempt would not have changed anything yet.
        let order: Vec<usize> = (0..PEOPLE.len()).rev().collect();
        let mut letters = vec![' '; PEOPLE.len()];
        for &who in &order {
            let walker = &mut walkers[who];
            let response = walker.send(&server, row.method, &path, &body, true).await;
            let status = response.status();
            let location = response.headers().get(LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let letter = outcome(status, location.as_deref());
            letters[who] = letter;
            checked += 1;
            let html = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("text/html"));
            if html && row.method == "GET" {
                let page = response.text().await.expect("html");
                for form in forms_without_token(&page) {
                    mismatches.push(format!("{} {path} as {}: a POST form without a CSRF token: {form}", row.method, PEOPLE[who].0));
                }
            }
            let expected = row.expect.as_bytes()[who] as char;
            if letter != expected {
                mismatches.push(format!(
                    "{} {path} as {}: expected {expected}, got {letter} ({status}{})",
                    row.method,
                    PEOPLE[who].0,
                    location.map(|l| format!(" to {l}")).unwrap_or_default()
                ));
            }
            if row.pattern == "/account/sessions/end-all" || row.pattern == "/sign-out" {
                walker.sign_in(&server).await;
            }
        }
        got.extend(letters);
        observed.push(format!("{} {} -> {got}", row.method, row.path));
        // A page's form post without its token is refused, even for one who may.
        if row.method == "POST" && !row.path.starts_with("/api/") {
            if let Some(who) = row.expect.find('A').filter(|&w| !PEOPLE[w].1.is_empty()) {
                let response = walkers[who].send(&server, row.method, &path, &body, false).await;
                checked += 1;
                if response.status() != StatusCode::FORBIDDEN {
                    mismatches.push(format!("POST {path} without a CSRF token as {}: {} instead of 403", PEOPLE[who].0, response.status()));
                }
            }
        }
    }
    println!("observed:\n{}", observed.join("\n"));
    println!(
        "access walk: {} rows over {} routes x {} people = {checked} requests checked",
        TABLE.len(),
        routed.len(),
        PEOPLE.len()
    );
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
}
