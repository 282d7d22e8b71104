//! The differences between SQLite and PostgreSQL, kept in one place.

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// SQLite files are created when absent (`mode=rwc`) unless the URL says otherwise.
    pub(crate) fn normalise_url(self, url: &str) -> String {
        match self {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        }
    }

    /// SQLite takes one writer at a time, so a small pool; PostgreSQL takes more.
    pub(crate) fn max_connections(self) -> u32 {
        match self {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        }
    }

    /// The statement that opens a transaction that will write. On SQLite it takes the write lock
    /// at once (waiting for it under the busy timeout): a deferred transaction that reads first
    /// and writes later is refused with "database is locked", without waiting, when another
    /// connection commits in between, because its snapshot is then stale.
    pub(crate) fn begin_write(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }

    /// As [`Backend::begin_write`], for a transaction of multi-row inserts of the same shape each
    /// time (a batch of statements). On PostgreSQL the connection otherwise plans every run of a
    /// prepared statement afresh (`force_custom_plan`, for the sake of queries), and planning an
    /// insert of hundreds of rows was a quarter of the server's time in a load; here the plan
    /// is kept once PostgreSQL judges it as good as a fresh one.
    pub(crate) fn begin_batch_write(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN; SET LOCAL plan_cache_mode = auto",
        }
    }

    /// A condition that `key` is one of the values in the JSON array of strings bound at `$n`,
    /// looked up in the key's index one value after another; the statement's text does not
    /// change with the number of values.
    pub(crate) fn one_of(self, key: &str, n: usize) -> String {
        match self {
            Backend::Sqlite => format!("{key} IN (SELECT value FROM json_each(${n}))"),
            Backend::Postgres => format!("{key} = ANY (ARRAY(SELECT json_array_elements_text(${n}::json)))"),
        }
    }

    /// The statement that opens a transaction for reads whose plan does not depend on the values
    /// looked up (one lookup by a unique key per value, say): on PostgreSQL the plan is kept
    /// from one run to the next, as in [`Backend::begin_batch_write`].
    pub(crate) fn begin_kept_plans(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN",
            Backend::Postgres => "BEGIN READ ONLY; SET LOCAL plan_cache_mode = auto",
        }
    }

    /// Statistics and visibility brought up to date (outside a transaction).
    pub fn vacuum_analyse(self) -> &'static str {
        match self {
            Backend::Sqlite => "ANALYZE",
            Backend::Postgres => "VACUUM (ANALYZE)",
        }
    }

    /// Statements run on every new connection.
    ///
    /// SQLite: write-ahead logging so readers do not block the writer; foreign keys enforced;
    /// a busy timeout so writers queue rather than fail; and `synchronous=FULL`, which in WAL
    /// mode syncs the log at every commit, so a transaction that has committed survives a crash
    /// of the process or of the machine (NORMAL would survive only a crash of the process).
    pub(crate) fn connection_setup(self) -> &'static [&'static str] {
        match self {
            Backend::Sqlite => &[
                "PRAGMA journal_mode = WAL",
                "PRAGMA foreign_keys = ON",
                "PRAGMA busy_timeout = 10000",
                "PRAGMA synchronous = FULL",
                // 64 MiB of page cache (the default is 2 MB): the LRS's indexes take writes all
                // over their pages, and with a small cache each transaction reads them back.
                "PRAGMA cache_size = -65536",
                // Pages read through a memory map of the database file, not a read() each: an
                // LRS query reads one page per statement, and a learner's statements lie all over
                // the file. Over 1,000,000 statements, the store's part of a filtered read took
                // 5.6 and 5.9 ms at p99 in two runs, against 7.2 and 8.6 ms without. SQLite maps
                // at most 2 GiB of a file (its default limit), the rest is read as before.
                "PRAGMA mmap_size = 2147418112",
                // No connection copies the log back into the database when it commits: the
                // store's checkpointer does that in the background (see `Store::connect`), so a
                // request never waits for it.
                "PRAGMA wal_autocheckpoint = 0",
                // Temporary files in memory, among them the journal of each statement within a
                // transaction (kept so that a statement that fails can be undone alone): a
                // multi-row insert of a batch copies every page it changes there first, and
                // past 64 KiB SQLite wrote those copies to a file, one write call each.
                "PRAGMA temp_store = MEMORY",
                // Deleted rows are overwritten with zeros, and so are freed pages (among them
                // pages whose rows moved when a page split): an erased agent's statements leave
                // no bytes behind in the file (see `Store::erase_agent`, which also empties the
                // log). Writing a statement deletes nothing; during ingest only the term merger
                // deletes (merged segments), and a full bench/xapi run measured SQLite ingest at
                // 9,430 statements/s with this, against 8,718/s the session before without.
                "PRAGMA secure_delete = ON",
            ],
            // Statements are prepared once per connection; a generic plan chosen after a few runs
            // ignores how selective a filter's values are (an LRS query that drives from one
            // learner's rows would scan every statement instead).
            Backend::Postgres => &["SET plan_cache_mode = force_custom_plan"],
        }
    }

    /// Fills in the few words a migration spells differently per backend.
    pub(crate) fn render_migration(self, sql: &str) -> String {
        let serial_pk = match self {
            Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
            Backend::Postgres => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        };
        let blob = match self {
            Backend::Sqlite => "BLOB",
            Backend::Postgres => "BYTEA",
        };
        sql.replace("{{serial_pk}}", serial_pk).replace("{{blob}}", blob)
    }

    /// The query text for [`Backend::case_study_search`].
    pub(crate) fn search_text(self, terms: &domain::learning::SearchTerms) -> String {
        match self {
            Backend::Sqlite => terms.fts5(),
            Backend::Postgres => terms.tsquery(),
        }
    }

    /// The statement that makes the rest of a transaction read from one snapshot, where reads
    /// do not already (SQLite's transactions read from one snapshot from their first read).
    pub(crate) fn snapshot_reads(self) -> Option<&'static str> {
        match self {
            Backend::Sqlite => None,
            Backend::Postgres => Some("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"),
        }
    }

    /// The placeholders of a multi-row `VALUES` list: `rows` rows of `cols` parameters each.
    ///
    /// SQLite finds the value of a `$N` parameter by scanning the statement's list of parameter
    /// names, so binding a statement with thousands of `$N` parameters takes time quadratic in
    /// their number. Plain `?` parameters have no names and bind in order. PostgreSQL needs `$N`.
    pub(crate) fn values(self, rows: usize, cols: usize) -> String {
        let mut s = String::with_capacity(rows * cols * 5);
        for r in 0..rows {
            if r > 0 {
                s.push(',');
            }
            s.push('(');
            for c in 0..cols {
                if c > 0 {
                    s.push(',');
                }
                match self {
                    Backend::Sqlite => s.push('?'),
                    Backend::Postgres => {
                        s.push('$');
                        s.push_str(&(r * cols + c + 1).to_string());
                    }
                }
            }
            s.push(')');
        }
        s
    }

    /// The most bind parameters one statement may carry, with room to spare.
    pub(crate) fn max_params(self) -> usize {
        match self {
            Backend::Sqlite => 32_000,
            Backend::Postgres => 65_000,
        }
    }

    /// Full-text search over case studies: the FROM clause (case studies as `c`), the condition
    /// matching parameter `$n`, and the ranking expression (smaller is better). Query text comes
    /// from [`Backend::search_text`].
    pub(crate) fn case_study_search(self, n: usize) -> (String, String, String) {
        match self {
            Backend::Sqlite => (
                "case_studies_fts f JOIN case_studies c ON c.seq = f.rowid".to_owned(),
                format!("case_studies_fts MATCH ${n}"),
                "bm25(case_studies_fts, 10.0, 8.0, 1.0, 1.0, 1.0)".to_owned(),
            ),
            Backend::Postgres => (
                "case_studies c".to_owned(),
                format!("c.search @@ to_tsquery('english', ${n})"),
                format!("-ts_rank(c.search, to_tsquery('english', ${n}))"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_lists_number_across_rows_on_postgres_and_are_positional_on_sqlite() {
        assert_eq!(Backend::Postgres.values(2, 2), "($1,$2),($3,$4)");
        assert_eq!(Backend::Sqlite.values(2, 3), "(?,?,?),(?,?,?)");
    }

    #[test]
    fn sqlite_urls_create_their_file() {
        assert_eq!(Backend::Sqlite.normalise_url("sqlite://goldthread.db"), "sqlite://goldthread.db?mode=rwc");
        assert_eq!(Backend::Sqlite.normalise_url("sqlite://x.db?mode=ro"), "sqlite://x.db?mode=ro");
    }

    #[test]
    fn unknown_schemes_are_refused() {
        assert_eq!(Backend::of_url("mysql://x"), None);
        assert_eq!(Backend::of_url("postgresql://x"), Some(Backend::Postgres));
    }
}
