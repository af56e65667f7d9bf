//! The routes of the router, read from its source (`web/src/routes`), so a
//! test can check that every route has a row in its table: axum cannot list
//! a built router's routes, and a list kept by hand beside it would drift.
//!
//! The reader knows the router's one shape: `.route("PATH", get(..).post(..))`
//! calls, in `mod.rs` and in the API routers nested under `/api`, whose
//! paths start with `/v1` or `/openapi`.

use std::path::PathBuf;

/// One method on one route pattern, e.g. `("POST", "/reports/{id}/versions")`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Route {
    pub method: String,
    pub path: String,
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn routes_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web/src/routes")
}

/// Every method and path the router answers, sorted.
pub fn router_routes() -> Vec<Route> {
    let mut routes = Vec::new();
    let mut files = Vec::new();
    rust_files(&routes_dir(), &mut files);
    files.sort();
    for file in files {
        let source = std::fs::read_to_string(&file).expect("a route file");
        for (path, methods) in route_calls(&source) {
            // The API routers are nested under /api; their paths say so by their start.
            let full = if path.starts_with("/v1") || path.starts_with("/openapi") { format!("/api{path}") } else { path };
            for method in methods {
                routes.push(Route { method: method.to_uppercase(), path: full.clone() });
            }
        }
    }
    routes.sort();
    routes.dedup();
    assert!(routes.len() > 50, "the router's source was not read: {routes:?}");
    routes
}

/// The `.rs` files under `dir`, at any depth: routes are grouped by feature
/// in folders (`routes/reports/pages.rs`).
fn rust_files(dir: &std::path::Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("web/src/routes") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The `.route("PATH", METHODS)` calls of one file.
fn route_calls(source: &str) -> Vec<(String, Vec<&'static str>)> {
    let mut calls = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find(".route(\"") {
        let after = &rest[at + ".route(\"".len()..];
        let end = after.find('"').expect("a closed path");
        let path = after[..end].to_owned();
        // The method routers run to the parenthesis closing `.route(`.
        let mut depth = 1usize;
        let mut close = end;
        for (i, c) in after[end..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        close = end + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let expr = &after[end + 1..close];
        let methods = METHODS
            .into_iter()
            .filter(|m| {
                expr.match_indices(&format!("{m}(")).any(|(i, _)| {
                    i == 0 || !expr[..i].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
            })
            .collect();
        calls.push((path, methods));
        rest = &after[close..];
    }
    calls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_calls_are_read_with_every_method() {
        let source = r#".route("/a/{id}", get(x::a).post(b))
            .route("/v1/c", axum::routing::patch(c))
            .route("/d", get(target).put(d))"#;
        let calls = route_calls(source);
        assert_eq!(calls, vec![
            ("/a/{id}".to_owned(), vec!["get", "post"]),
            ("/v1/c".to_owned(), vec!["patch"]),
            ("/d".to_owned(), vec!["get", "put"]),
        ]);
    }
}
