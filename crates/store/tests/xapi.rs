//! The Learning Record Store's storage, on both backends.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on any error it did not expect")]

use domain::ids::OrganisationId;
use goldthread_store::backend_test;
use goldthread_store::xapi::{AttachmentContent, LrsScope, NewStatement, StatementQuery};
use goldthread_store::{Backend, StoreError};
use jiff::Timestamp;
use uuid::Uuid;

fn statement(id: Uuid, stored: &str, verb: &str) -> NewStatement {
    NewStatement {
        id,
        stored: stored.parse::<Timestamp>().unwrap(),
        body: format!("{{\"id\":\"{id}\"}}"),
        terms: vec![format!("v:{verb}"), "a:mbox:mailto:jo@example.org".to_owned()],
        mboxes: Vec::new(),
        attachment_hashes: Vec::new(),
        voids: None,
        targets: None,
        person: None,
        organisation: None,
        definitions: Vec::new(),
        entry: None,
        pending: None,
    }
}

/// The first ten statements of an organisation, oldest first, that meet every filter (each met
/// by any one of its terms).
fn query(org: OrganisationId, terms: Vec<Vec<&str>>) -> StatementQuery {
    StatementQuery {
        scope: LrsScope::Organisation(org),
        terms: terms.into_iter().map(|t| t.into_iter().map(str::to_owned).collect()).collect(),
        since: None,
        until: None,
        ascending: true,
        limit: 10,
        through_seq: None,
        after_seq: None,
    }
}

/// The index rows left in the term index, one per term key and statement: on PostgreSQL the rows
/// of `xapi_postings`; on SQLite, for each word of `xapi_terms`, the statements it is found in.
async fn index_rows(backend: Backend, pool: &sqlx::AnyPool) -> i64 {
    match backend {
        Backend::Postgres => sqlx::query_scalar("SELECT COUNT(*) FROM xapi_postings").fetch_one(pool).await.unwrap(),
        Backend::Sqlite => {
            let mut conn = pool.acquire().await.unwrap();
            sqlx::query("CREATE VIRTUAL TABLE IF NOT EXISTS temp.xapi_words USING fts5vocab(main, xapi_terms, 'row')")
                .execute(&mut *conn)
                .await
                .unwrap();
            sqlx::query_scalar("SELECT CAST(COALESCE(SUM(doc), 0) AS BIGINT) FROM temp.xapi_words")
                .fetch_one(&mut *conn)
                .await
                .unwrap()
        }
    }
}

backend_test!(statements_of_different_months_are_stored_queried_and_ids_stay_unique, |db| {
    let store = &db.store;
    let org = OrganisationId::from_uuid(Uuid::from_u128(9));
    let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
    let mut first = statement(a, "2026-10-31T23:59:59Z", "completed");
    first.organisation = Some(org);
    let mut second = statement(b, "2026-11-01T00:00:00Z", "completed");
    second.organisation = Some(org);
    store.insert_statements(&[first.clone(), second], &[]).await.unwrap();
    if store.backend() == Backend::Postgres {
        assert_eq!(
            store.statement_partitions().await.unwrap(),
            ["xapi_statements_y2026m10", "xapi_statements_y2026m11"],
            "one partition per month, so that old months can be detached"
        );
    }
    let page = store
        .query_statements(&query(org, vec![vec!["a:mbox:mailto:jo@example.org"], vec!["v:completed"]]))
        .await
        .unwrap();
    assert_eq!(page.statements.iter().map(|s| s.id).collect::<Vec<_>>(), [a, b]);
    // The same id again, in another month, is refused across partitions and stores nothing.
    let mut again = statement(a, "2026-12-01T00:00:00Z", "completed");
    again.organisation = Some(org);
    assert!(matches!(store.insert_statements(&[again], &[]).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.statements_by_id(&[a]).await.unwrap().len(), 1);
});

backend_test!(index_rows_from_before_migration_8_are_moved_to_postings_on_start, |db| {
    let store = &db.store;
    let org = OrganisationId::from_uuid(Uuid::from_u128(9));
    let query = |terms: Vec<Vec<&str>>| query(org, terms);
    // A statement as an older goldthread stored it: its terms as text in xapi_index.
    let old = Uuid::from_u128(41);
    // It and another agent's statement carry the same attachment.
    let other = Uuid::from_u128(42);
    let sha2 = "a".repeat(64);
    let attachment =
        AttachmentContent { sha2: sha2.clone(), content_type: "text/plain".to_owned(), content: b"x".to_vec() };
    let mut legacy = statement(old, "2026-11-02T09:00:00Z", "completed");
    let mut others = statement(other, "2026-11-02T09:00:01Z", "completed");
    for s in [&mut legacy, &mut others] {
        s.organisation = Some(org);
        s.terms = Vec::new();
        s.body = format!("{{\"id\":\"{}\",\"attachments\":[{{\"sha2\":\"{sha2}\"}}]}}", s.id);
    }
    store.insert_statements(&[legacy, others], &[attachment]).await.unwrap();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    sqlx::query("DELETE FROM xapi_attachment_uses").execute(&pool).await.unwrap();
    pool.close().await;
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    let seq: i64 = sqlx::query_scalar("SELECT seq FROM xapi_statements WHERE id = $1")
        .bind(old.to_string())
        .fetch_one(&pool)
        .await
        .unwrap();
    // (xapi_index, made by migration 6, is kept empty once its rows have moved.)
    let other_seq: i64 = sqlx::query_scalar("SELECT seq FROM xapi_statements WHERE id = $1")
        .bind(other.to_string())
        .fetch_one(&pool)
        .await
        .unwrap();
    for (term, seq) in [
        ("a:mbox:mailto:old@example.org", seq),
        ("v:completed", seq),
        ("v:completed", other_seq),
        ("o:https://elearning.example/1", seq),
        ("a:mbox:mailto:other@example.org", other_seq),
    ] {
        sqlx::query("INSERT INTO xapi_index (term, statement_seq) VALUES ($1, $2)")
            .bind(term)
            .bind(seq)
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
    assert!(store.query_statements(&query(vec![vec!["v:completed"]])).await.unwrap().statements.is_empty());

    store.migrate().await.unwrap();
    let found = store
        .query_statements(&query(vec![vec!["a:mbox:mailto:old@example.org"], vec!["o:https://elearning.example/1"]]))
        .await
        .unwrap();
    assert_eq!(found.statements.iter().map(|s| s.id).collect::<Vec<_>>(), [old]);
    let by_agent_and_verb =
        store.query_statements(&query(vec![vec!["av:mbox:mailto:old@example.org|completed"]])).await.unwrap();
    assert_eq!(by_agent_and_verb.statements.iter().map(|s| s.id).collect::<Vec<_>>(), [old]);
    // The mbox behind its mbox_sha1sum is known, so an erasure by the sum finds the statement.
    let sum = domain::xapi::MboxSha1Sum::of(&domain::xapi::Mbox::parse("mailto:old@example.org").unwrap());
    let (statements, _) =
        store.erase_agent(&[format!("mbox_sha1sum:{}", sum.as_str())], None, Timestamp::now()).await.unwrap();
    assert_eq!(statements, 1);
    assert_eq!(
        store.attachments(std::slice::from_ref(&sha2)).await.unwrap().len(),
        1,
        "the other statement still uses it"
    );
    let (statements, _) =
        store.erase_agent(&["mbox:mailto:other@example.org".to_owned()], None, Timestamp::now()).await.unwrap();
    assert_eq!(statements, 1);
    assert!(store.attachments(&[sha2]).await.unwrap().is_empty(), "no statement uses it now");
    // xapi_index is empty, and a second start has nothing to move.
    store.migrate().await.unwrap();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM xapi_index").fetch_one(&pool).await.unwrap();
    assert_eq!(left, 0);
    // The erasures found the moved index rows by the keys kept beside each statement's id.
    assert_eq!(index_rows(store.backend(), &pool).await, 0, "no index row of an erased statement is left");
    pool.close().await;
});

backend_test!(a_statement_ref_carries_its_targets_terms_and_an_erasure_takes_every_index_row, |db| {
    let store = &db.store;
    let org = OrganisationId::from_uuid(Uuid::from_u128(9));
    let ids = |page: goldthread_store::xapi::StatementPage| page.statements.iter().map(|s| s.id).collect::<Vec<_>>();
    let gone = "a:mbox:mailto:gone@example.org";
    let (a, b, c, d) = (Uuid::from_u128(81), Uuid::from_u128(82), Uuid::from_u128(83), Uuid::from_u128(84));
    let mut first = statement(a, "2026-11-04T09:00:00Z", "completed");
    first.terms = vec![gone.to_owned(), "v:completed".to_owned()];
    first.organisation = Some(org);
    store.insert_statements(&[first], &[]).await.unwrap();
    // b targets a, stored before; c, later in the same batch, targets b; d targets c, which comes
    // after it in the batch. Each carries the terms of the whole chain.
    let mut later = Vec::new();
    for (id, target, secs) in [(d, c, 1), (b, a, 2), (c, b, 3)] {
        let mut s = statement(id, &format!("2026-11-04T10:00:0{secs}Z"), "experienced");
        s.terms = vec!["a:mbox:mailto:kept@example.org".to_owned(), format!("v:experienced-{secs}")];
        s.targets = Some(target);
        s.organisation = Some(org);
        later.push(s);
    }
    store.insert_statements(&later, &[]).await.unwrap();
    assert_eq!(ids(store.query_statements(&query(org, vec![vec![gone]])).await.unwrap()), [a, d, b, c]);
    assert_eq!(ids(store.query_statements(&query(org, vec![vec!["v:experienced-2"]])).await.unwrap()), [d, b, c]);
    assert_eq!(ids(store.query_statements(&query(org, vec![vec!["v:experienced-1"]])).await.unwrap()), [d]);
    // A StatementRef to itself, or a loop within a batch, ends.
    let (e, f) = (Uuid::from_u128(85), Uuid::from_u128(86));
    let mut looping = Vec::new();
    for (id, target) in [(e, f), (f, e)] {
        let mut s = statement(id, "2026-11-04T11:00:00Z", "looped");
        s.targets = Some(target);
        s.organisation = Some(org);
        looping.push(s);
    }
    store.insert_statements(&looping, &[]).await.unwrap();
    assert_eq!(ids(store.query_statements(&query(org, vec![vec!["v:looped"]])).await.unwrap()), [e, f]);

    // Erasing the agent of a takes a and every statement that carries its terms, with all their
    // index rows; the looping pair stays, with theirs.
    let (erased, _) =
        store.erase_agent(&["mbox:mailto:gone@example.org".to_owned()], None, Timestamp::now()).await.unwrap();
    assert_eq!(erased, 4);
    assert!(ids(store.query_statements(&query(org, vec![vec!["a:mbox:mailto:kept@example.org"]])).await.unwrap())
        .iter()
        .all(|id| [e, f].contains(id)));
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    // e and f: each has its two terms (jo's mbox and the verb), the same two.
    assert_eq!(index_rows(store.backend(), &pool).await, 4, "only the looping pair's index rows are left");
    pool.close().await;
});

backend_test!(activity_definitions_are_kept_latest_first_and_read_many_at_once, |db| {
    let store = &db.store;
    let course = "https://example.org/course/1".to_owned();
    // Written as JSON text in the lookup: a character beyond ASCII is kept as it is.
    let module = "https://example.org/course/1/modùle/2".to_owned();
    let mut first = statement(Uuid::from_u128(71), "2026-11-03T09:00:00Z", "completed");
    first.definitions = vec![
        (course.clone(), serde_json::json!({"name": {"en-GB": "Leading teams"}})),
        (module.clone(), serde_json::json!({"name": {"en-GB": "Module 2"}})),
    ];
    let mut second = statement(Uuid::from_u128(72), "2026-11-03T09:00:01Z", "completed");
    second.definitions = vec![(course.clone(), serde_json::json!({"name": {"en-GB": "Leading teams well"}}))];
    store.insert_statements(&[first], &[]).await.unwrap();
    store.insert_statements(&[second], &[]).await.unwrap();
    // More ids than one lookup takes, most of them unknown.
    let mut ids: Vec<String> = (0..150).map(|i| format!("https://example.org/unknown/{i}")).collect();
    ids.push(r#"https://example.org/"quoted"\back"#.to_owned());
    ids.push(module.clone());
    ids.push(course.clone());
    let found = store.activity_definitions(&ids).await.unwrap();
    assert_eq!(found.len(), 2, "only the activities with a definition: {found:?}");
    assert_eq!(found[&course], r#"{"name":{"en-GB":"Leading teams well"}}"#, "the latest definition");
    assert_eq!(found[&module], r#"{"name":{"en-GB":"Module 2"}}"#);
    assert_eq!(store.activity_definition(&course).await.unwrap().as_deref(), Some(found[&course].as_str()));
    assert!(store.activity_definitions(&[]).await.unwrap().is_empty());
});

backend_test!(each_backend_keeps_the_term_index_in_its_own_form, |db| {
    let store = &db.store;
    store.insert_statements(&[statement(Uuid::from_u128(81), "2026-11-04T09:00:00Z", "completed")], &[]).await.unwrap();
    // After a load: statistics and (on PostgreSQL) the visibility map, as autovacuum would.
    store.analyse().await.unwrap();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    match store.backend() {
        // Migration 9: the key's index carries the time stored, so a walk reads no table row.
        Backend::Postgres => {
            let definition: String = sqlx::query_scalar("SELECT pg_get_indexdef('xapi_postings_pkey'::regclass)")
                .fetch_one(&pool)
                .await
                .unwrap();
            assert!(definition.ends_with("(term_key, statement_seq) INCLUDE (stored)"), "{definition}")
        }
        // Migration 11: a full-text index of words without positions, whose deleted documents
        // leave it at once, in place of the table of index rows.
        Backend::Sqlite => {
            let tables: Vec<(String, String)> = sqlx::query_as(
                "SELECT name, sql FROM sqlite_master WHERE name IN ('xapi_terms', 'xapi_postings') ORDER BY name",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            assert_eq!(tables.len(), 1, "{tables:?}");
            let (name, sql) = &tables[0];
            assert_eq!(name, "xapi_terms");
            for part in ["fts5", "detail = none", "content = ''"] {
                assert!(sql.contains(part), "{sql}");
            }
            let secure: i64 = sqlx::query_scalar("SELECT v FROM xapi_terms_config WHERE k = 'secure-delete'")
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!(secure, 1);
        }
    }
    pool.close().await;
});

backend_test!(statements_stored_before_migrations_10_and_11_keep_their_term_keys, |db| {
    let store = &db.store;
    let org = OrganisationId::from_uuid(Uuid::from_u128(9));
    let (old, other) = (Uuid::from_u128(91), Uuid::from_u128(92));
    let mut first = statement(old, "2026-11-05T09:00:00Z", "completed");
    first.terms = vec!["a:mbox:mailto:gone@example.org".to_owned(), "v:completed".to_owned(), "r:reg-1".to_owned()];
    let mut second = statement(other, "2026-11-05T09:00:01Z", "completed");
    for s in [&mut first, &mut second] {
        s.organisation = Some(org);
    }
    store.insert_statements(&[first, second], &[]).await.unwrap();
    // The store as migration 9 left it: no keys beside the ids, and the index by statement. On
    // SQLite, the index rows go back into xapi_postings (migration 8's form), from the keys
    // migration 10 keeps, and migration 11 runs again after 10.
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    if store.backend() == Backend::Sqlite {
        let kept: Vec<(i64, i64, Vec<u8>)> =
            sqlx::query_as("SELECT seq, stored, term_keys FROM xapi_statement_ids").fetch_all(&pool).await.unwrap();
        for sql in [
            "DROP TABLE xapi_terms",
            "CREATE TABLE xapi_postings (term_key BLOB NOT NULL, statement_seq INTEGER NOT NULL, stored BIGINT NOT NULL, \
             PRIMARY KEY (term_key, statement_seq)) WITHOUT ROWID",
            "DELETE FROM schema_migrations WHERE version = 11",
        ] {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        for (seq, stored, keys) in kept {
            for key in keys.chunks(16) {
                sqlx::query("INSERT INTO xapi_postings (term_key, statement_seq, stored) VALUES ($1, $2, $3)")
                    .bind(key.to_vec())
                    .bind(seq)
                    .bind(stored)
                    .execute(&pool)
                    .await
                    .unwrap();
            }
        }
    }
    for sql in [
        "ALTER TABLE xapi_statement_ids DROP COLUMN term_keys",
        "CREATE INDEX xapi_postings_statement ON xapi_postings(statement_seq)",
        "DELETE FROM schema_migrations WHERE version = 10",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    pool.close().await;

    store.migrate().await.unwrap();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    let lengths: Vec<i64> = sqlx::query_scalar("SELECT length(term_keys) FROM xapi_statement_ids ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(lengths, [3 * 16, 2 * 16], "each statement's keys, sixteen bytes each");
    // A StatementRef to the old statement takes its keys; an erasure of its agent takes both, with
    // every index row of theirs.
    let mut pointing = statement(Uuid::from_u128(93), "2026-11-05T10:00:00Z", "experienced");
    pointing.targets = Some(old);
    pointing.organisation = Some(org);
    store.insert_statements(&[pointing], &[]).await.unwrap();
    let found = store.query_statements(&query(org, vec![vec!["r:reg-1"]])).await.unwrap();
    assert_eq!(found.statements.len(), 2);
    let (erased, _) =
        store.erase_agent(&["mbox:mailto:gone@example.org".to_owned()], None, Timestamp::now()).await.unwrap();
    assert_eq!(erased, 2);
    assert_eq!(index_rows(store.backend(), &pool).await, 2, "only the other statement's two index rows are left");
    pool.close().await;
});

backend_test!(definitions_a_server_knows_are_written_only_once_committed_and_still_change, |db| {
    let store = &db.store;
    let course = "https://example.org/course/9".to_owned();
    let english =
        serde_json::json!({"name": {"en-GB": "Leading teams"}, "type": "http://adlnet.gov/expapi/activities/course"});
    let with = |id: u128, at: &str, definition: &serde_json::Value| {
        let mut s = statement(Uuid::from_u128(id), at, "completed");
        s.definitions = vec![(course.clone(), definition.clone())];
        s
    };
    let stored = || async {
        store
            .activity_definition(&course)
            .await
            .unwrap()
            .map(|d| serde_json::from_str::<serde_json::Value>(&d).unwrap())
    };
    let first = statement(Uuid::from_u128(91), "2026-11-05T09:00:00Z", "completed");
    store.insert_statements(std::slice::from_ref(&first), &[]).await.unwrap();
    // A batch refused as a whole (one of its ids is stored already) leaves no definition behind;
    // the next batch that carries it writes it.
    let refused = store.insert_statements(&[with(92, "2026-11-05T09:00:01Z", &english), first], &[]).await;
    assert!(matches!(refused, Err(StoreError::Conflict(_))), "{refused:?}");
    assert_eq!(stored().await, None);
    store.insert_statements(&[with(93, "2026-11-05T09:00:02Z", &english)], &[]).await.unwrap();
    assert_eq!(stored().await, Some(english.clone()), "written by the next batch that carries it");
    // Sent again as it is: nothing changes.
    store.insert_statements(&[with(94, "2026-11-05T09:00:03Z", &english)], &[]).await.unwrap();
    assert_eq!(stored().await, Some(english.clone()));
    // A new language is added to what is stored; another type replaces it, and the first
    // definition sent again (the type it had) replaces that in turn.
    let french = serde_json::json!({"name": {"fr-FR": "Diriger des équipes"}});
    store.insert_statements(&[with(95, "2026-11-05T09:00:04Z", &french)], &[]).await.unwrap();
    let both = serde_json::json!({"name": {"en-GB": "Leading teams", "fr-FR": "Diriger des équipes"}, "type": "http://adlnet.gov/expapi/activities/course"});
    assert_eq!(stored().await, Some(both));
    let module = serde_json::json!({"type": "http://adlnet.gov/expapi/activities/module"});
    store.insert_statements(&[with(96, "2026-11-05T09:00:05Z", &module)], &[]).await.unwrap();
    assert_eq!(stored().await.unwrap()["type"], "http://adlnet.gov/expapi/activities/module");
    store.insert_statements(&[with(97, "2026-11-05T09:00:06Z", &english)], &[]).await.unwrap();
    let now = stored().await.unwrap();
    assert_eq!(now["type"], "http://adlnet.gov/expapi/activities/course", "the later definition is kept: {now}");
    assert_eq!(now["name"]["fr-FR"], "Diriger des équipes", "and the languages gathered before");
});

backend_test!(an_mbox_named_again_after_its_erasure_is_found_again_by_its_sha1sum, |db| {
    let store = &db.store;
    let mbox = domain::xapi::Mbox::parse("mailto:twice@example.org").unwrap();
    let sum = format!("mbox_sha1sum:{}", domain::xapi::MboxSha1Sum::of(&mbox).as_str());
    let naming = |id: u128, at: &str| {
        let mut s = statement(Uuid::from_u128(id), at, "completed");
        s.terms = vec!["a:mbox:mailto:twice@example.org".to_owned()];
        s.mboxes = vec![(sum.clone(), "mbox:mailto:twice@example.org".to_owned())];
        s
    };
    for (round, id) in [101u128, 102].into_iter().enumerate() {
        store.insert_statements(&[naming(id, "2026-11-06T09:00:00Z")], &[]).await.unwrap();
        // The erasure is asked for by the sum, so it finds the statement only through the pair
        // kept for the mbox: the second round fails if the pair was not written again.
        let (statements, _) = store.erase_agent(std::slice::from_ref(&sum), None, Timestamp::now()).await.unwrap();
        assert_eq!(statements, 1, "round {round}");
    }
});

backend_test!(the_term_index_is_merged_apart_from_the_writes_and_still_finds_everything, |db| {
    let store = &db.store;
    let org = OrganisationId::from_uuid(Uuid::from_u128(9));
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    if store.backend() == Backend::Sqlite {
        // Migration 11: no write merges the index (the store's merger does, between requests).
        let automerge: i64 =
            sqlx::query_scalar("SELECT v FROM xapi_terms_config WHERE k = 'automerge'").fetch_one(&pool).await.unwrap();
        assert_eq!(automerge, 0);
    }
    // Twelve single-statement writes: on SQLite twelve segments, left for the merger.
    for i in 0..12u128 {
        let mut s = statement(Uuid::from_u128(200 + i), &format!("2026-11-06T09:00:{i:02}Z"), "completed");
        s.organisation = Some(org);
        store.insert_statements(&[s], &[]).await.unwrap();
    }
    // Merging here, beside the store's own merger, comes to an end.
    let mut merges = 0;
    while store.merge_terms().await.unwrap() {
        merges += 1;
        assert!(merges < 1000, "merging ends");
    }
    let mut q = query(org, vec![vec!["v:completed"], vec!["a:mbox:mailto:jo@example.org"]]);
    q.limit = 100;
    let found = store.query_statements(&q).await.unwrap();
    assert_eq!(found.statements.len(), 12, "every statement is found after the merges");
    assert_eq!(index_rows(store.backend(), &pool).await, 24);
    pool.close().await;
});

/// Every byte of a SQLite store's files (the database and its log), as text where it is text.
fn sqlite_file_text(url: &str) -> String {
    let path = url.trim_start_matches("sqlite://");
    let mut bytes = std::fs::read(path).unwrap();
    bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
    String::from_utf8_lossy(&bytes).into_owned()
}

// SQLite only: it reads the store's files. PostgreSQL keeps a deleted row's bytes in its table's
// pages until VACUUM and later writes reuse the space (and in its log until that is recycled),
// which no query of the store can see and this test cannot read.
#[tokio::test]
async fn an_erasure_on_sqlite_leaves_none_of_the_agents_bytes_in_the_database_files() {
    let db = goldthread_store::testing::TestDb::sqlite().await;
    let store = &db.store;
    let org = OrganisationId::from_uuid(Uuid::from_u128(9));
    let gone = "rowan.erasable-7f3a@example.org";
    let padding = "x".repeat(600);
    // Their statements among others', in many batches, so that the tables' pages split and
    // their rows move between pages as the store grows.
    for batch in 0..40u128 {
        let mut statements = Vec::new();
        for i in 0..25u128 {
            let n = batch * 25 + i;
            let theirs = n % 3 == 0;
            let who = if theirs { gone.to_owned() } else { format!("kept-{n}@example.org") };
            let id = Uuid::from_u128(10_000 + n);
            let mut s = statement(id, "2026-11-07T09:00:00Z", "experienced");
            s.body = format!("{{\"id\":\"{id}\",\"actor\":{{\"mbox\":\"mailto:{who}\"}},\"note\":\"{padding}\"}}");
            s.terms = vec![format!("a:mbox:mailto:{who}"), "v:experienced".to_owned()];
            s.mboxes = vec![(format!("mbox_sha1sum:{n:040}"), format!("mbox:mailto:{who}"))];
            s.organisation = Some(org);
            statements.push(s);
        }
        store.insert_statements(&statements, &[]).await.unwrap();
    }
    assert!(sqlite_file_text(&db.url).contains(gone), "their address is in the files before the erasure");

    let (erased, _) = store.erase_agent(&[format!("mbox:mailto:{gone}")], None, Timestamp::now()).await.unwrap();
    assert_eq!(erased, 334);
    let text = sqlite_file_text(&db.url);
    assert!(!text.contains(gone), "nothing of their address is left in the database or its log");
    assert!(text.contains("kept-1@example.org"), "the others' statements are still there");
    db.finish().await;
}

backend_test!(activities_are_matched_to_catalogue_resources_a_batch_at_a_time, |db| {
    use domain::ids::ResourceId;
    use domain::learning::{EstimatedMinutes, ResourceKind, Summary, Title};
    use goldthread_store::learning::ResourceFields;

    let store = &db.store;
    let fields = |title: &str, url: Option<&str>| ResourceFields {
        title: Title::parse(title).unwrap(),
        summary: Summary::parse("A course for leaders.").unwrap(),
        kind: ResourceKind::Course,
        url: url.map(str::to_owned),
        body: None,
        estimated: EstimatedMinutes::new(30).unwrap(),
        levels: Vec::new(),
        sectors: Vec::new(),
        behaviours: Vec::new(),
        publisher: None,
        review_on: None,
    };
    let rid = |n: u128| ResourceId::from_uuid(Uuid::from_u128(n));
    let at = |s: i64| Timestamp::from_second(1_780_000_000 + s).unwrap();
    // Two resources share a URL: the one created first is the match, whatever its id.
    store.create_resource(rid(9), &fields("First", Some("https://example.org/shared")), None, at(0)).await.unwrap();
    store.create_resource(rid(1), &fields("Second", Some("https://example.org/shared")), None, at(5)).await.unwrap();
    store.create_resource(rid(3), &fields("Own", Some("https://example.org/own")), None, at(1)).await.unwrap();
    // An id with letters in it, to be written in either case.
    let urn_id = rid(0xfeed_face_cafe);
    store.create_resource(urn_id, &fields("No address", None), None, at(2)).await.unwrap();

    let urn = format!("urn:goldthread:resource:{urn_id}");
    let upper = format!("urn:goldthread:resource:{}", urn_id.to_string().to_uppercase());
    assert_ne!(urn, upper);
    let missing = format!("urn:goldthread:resource:{}", rid(77));
    let asked = [
        "https://example.org/shared",
        "https://example.org/own",
        "https://example.org/shared",
        urn.as_str(),
        upper.as_str(),
        missing.as_str(),
        "urn:goldthread:resource:not-an-id",
        "https://example.org/unknown",
    ];
    let found = store.resources_for_activities(&asked).await.unwrap();
    assert_eq!(found.len(), 4, "{found:?}");
    assert_eq!(found.get("https://example.org/shared"), Some(&rid(9)));
    assert_eq!(found.get("https://example.org/own"), Some(&rid(3)));
    // A URN names its resource whatever the case of its id, and is answered as it was sent.
    assert_eq!(found.get(urn.as_str()), Some(&urn_id));
    assert_eq!(found.get(upper.as_str()), Some(&urn_id));
    assert!(store.resources_for_activities(&[]).await.unwrap().is_empty());
});

backend_test!(postings_a_stopped_server_left_queued_are_written_before_a_query_or_an_erasure, |db| {
    // On PostgreSQL a batch's postings are queued in its transaction and written after it is
    // acknowledged. A server that stops in between leaves them queued: here the first store is
    // closed (its writer with it), the postings it wrote are taken out and queued again, and a
    // second store, as after a restart, must find every statement by its terms.
    let org = OrganisationId::from_uuid(Uuid::from_u128(9));
    // Sixteen statements: a batch whose postings are queued (a smaller one's are written with it).
    let kept: Vec<Uuid> = (0..15).map(|i| Uuid::from_u128(300 + i)).collect();
    let gone = Uuid::from_u128(399);
    let mut batch: Vec<NewStatement> = kept
        .iter()
        .enumerate()
        .map(|(i, id)| statement(*id, &format!("2026-11-07T09:00:{i:02}Z"), "completed"))
        .collect();
    let mut theirs = statement(gone, "2026-11-07T09:00:59Z", "completed");
    theirs.terms = vec!["v:completed".to_owned(), "a:mbox:mailto:gone@example.org".to_owned()];
    batch.push(theirs);
    for s in &mut batch {
        s.organisation = Some(org);
    }
    db.store.insert_statements(&batch, &[]).await.unwrap();
    db.store.write_waiting_postings().await.unwrap();
    db.store.close().await;
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    assert_eq!(index_rows(db.store.backend(), &pool).await, 32, "every posting is written");

    let requeue = || async {
        if db.store.backend() == Backend::Postgres {
            sqlx::query("DELETE FROM xapi_postings").execute(&pool).await.unwrap();
            sqlx::query(
                "INSERT INTO xapi_unindexed (first_seq, keys, seqs, times) SELECT seq, term_keys, \
                 array_to_string(array_fill(seq, ARRAY[octet_length(term_keys) / 16]), ','), \
                 array_to_string(array_fill(stored, ARRAY[octet_length(term_keys) / 16]), ',') FROM xapi_statement_ids",
            )
            .execute(&pool)
            .await
            .unwrap();
            assert_eq!(index_rows(Backend::Postgres, &pool).await, 0);
        }
    };
    let queued = || async {
        match db.store.backend() {
            Backend::Postgres => {
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM xapi_unindexed").fetch_one(&pool).await.unwrap()
            }
            Backend::Sqlite => 0,
        }
    };
    requeue().await;
    let restarted = goldthread_store::Store::connect(&db.url).await.unwrap();
    restarted.migrate().await.unwrap();
    let mut q = query(org, vec![vec!["v:completed"], vec!["a:mbox:mailto:jo@example.org"]]);
    q.limit = 100;
    let found: Vec<Uuid> = restarted.query_statements(&q).await.unwrap().statements.iter().map(|s| s.id).collect();
    assert_eq!(found, kept, "a query finds the statements whose postings were queued");
    assert_eq!(queued().await, 0, "and has written them");
    assert_eq!(index_rows(db.store.backend(), &pool).await, 32);

    // An erasure finds the agent's statements by their postings, queued ones included.
    requeue().await;
    let (erased, _) =
        restarted.erase_agent(&["mbox:mailto:gone@example.org".to_owned()], None, Timestamp::now()).await.unwrap();
    assert_eq!(erased, 1);
    assert_eq!(queued().await, 0);
    assert_eq!(index_rows(db.store.backend(), &pool).await, 30, "the others' postings are left");
    pool.close().await;
    restarted.close().await;
});
