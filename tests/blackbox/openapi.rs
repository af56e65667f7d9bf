//! The OpenAPI document against the router: every `/api` route the router
//! answers is in the document, and the document lists nothing it does not.

use std::collections::BTreeSet;

use gopy_tests::routes::router_routes;
use gopy_tests::{Server, client};
use serde_json::Value;

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_routes_of_the_router() {
    let server = Server::start();
    let document: Value =
        client().get(server.url("/api/openapi.json")).send().await.expect("document").json().await.expect("JSON");
    let mut documented = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                documented.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    // The health checks are outside /api yet documented, for load balancers.
    let routed: BTreeSet<String> = router_routes()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/") || r.path == "/healthz" || r.path == "/readyz")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(undocumented.is_empty(), "routes the OpenAPI document lacks: {undocumented:#?}");
    assert!(unrouted.is_empty(), "documented routes the router lacks: {unrouted:#?}");
    println!("{} API routes, each routed and documented", routed.len());
}
