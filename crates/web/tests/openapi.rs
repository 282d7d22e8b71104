//! The OpenAPI document changes only on purpose: a change shows up as a snapshot diff to review.

#[test]
fn the_openapi_document_matches_its_snapshot() {
    let doc = serde_json::to_value(goldthread_web::api::openapi_document()).expect("the document serialises");
    insta::assert_json_snapshot!("openapi", doc);
}
