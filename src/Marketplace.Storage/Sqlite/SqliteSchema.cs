using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

// The whole schema of the embedded store, created idempotently at start-up.
internal static class SqliteSchema
{
    /// <summary>
    /// The usage ledger's tables: in the main database (where a store made before ledger files keeps its usage) and in
    /// each ledger file.
    /// </summary>
    public const string UsageTables = """
        -- Usage ledger. seq is the arrival stamp (SqliteLedgerFile: ordered across a ledger's files) and the rowid,
        -- so every insert appends at the end of the table.
        CREATE TABLE IF NOT EXISTS usage_ledger (
            seq         INTEGER PRIMARY KEY,
            event_id    TEXT NOT NULL,
            contract_id TEXT NOT NULL,
            period      TEXT NOT NULL,
            units       INTEGER NOT NULL,
            occurred_at TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            source      TEXT NOT NULL,
            fingerprint TEXT
        );
        -- The store decides duplicates: an event id that can be sent again (a provider's, a buyer's Idempotency-Key)
        -- is stored once per contract, whatever period it names. Ids the marketplace generated for one request
        -- ('broker': UUIDv7, never sent twice) stay out of this index, so the hot path pays no B-tree insert for it.
        CREATE UNIQUE INDEX IF NOT EXISTS usage_ledger_event ON usage_ledger (contract_id, event_id) WHERE source <> 'broker';
        CREATE INDEX IF NOT EXISTS usage_ledger_by_contract ON usage_ledger (contract_id, period, seq);
        CREATE INDEX IF NOT EXISTS usage_ledger_by_period ON usage_ledger (period, seq);
        CREATE TABLE IF NOT EXISTS usage_totals (
            contract_id TEXT NOT NULL,
            period      TEXT NOT NULL,
            units       INTEGER NOT NULL,
            events      INTEGER NOT NULL,
            PRIMARY KEY (contract_id, period)
        ) WITHOUT ROWID;

        -- Usage per contract and UTC hour of occurrence (IUsageLedger.ReadHoursAsync), written by the group commit in
        -- the transaction of the events it sums, so it never disagrees with the ledger. hour is 'yyyy-MM-ddTHH:00:00Z'.
        CREATE TABLE IF NOT EXISTS usage_hours (
            period      TEXT NOT NULL,
            contract_id TEXT NOT NULL,
            hour        TEXT NOT NULL,
            units       INTEGER NOT NULL,
            events      INTEGER NOT NULL,
            PRIMARY KEY (period, contract_id, hour)
        ) WITHOUT ROWID;
        """;

    public const string Create = """
        -- Record store. WITHOUT ROWID keyed (revision_id, seq): a revision's rows are appended in key order
        -- and read back by a range scan of that one B-tree.
        CREATE TABLE IF NOT EXISTS revisions (
            revision_id  TEXT PRIMARY KEY,
            dataset_id   TEXT NOT NULL,
            status       TEXT NOT NULL CHECK (status IN ('staging', 'committed')),
            record_count INTEGER NOT NULL DEFAULT 0,
            created      TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS records (
            revision_id TEXT NOT NULL REFERENCES revisions (revision_id) ON DELETE CASCADE,
            seq         INTEGER NOT NULL,
            subject_id  TEXT,
            json        TEXT NOT NULL,
            PRIMARY KEY (revision_id, seq)
        ) WITHOUT ROWID;
        -- A person's records, for their deletion request; only personal data names a subject.
        CREATE INDEX IF NOT EXISTS records_by_subject ON records (revision_id, subject_id) WHERE subject_id IS NOT NULL;

        -- Catalog. listing_key is an explicit INTEGER PRIMARY KEY because it is the FTS row's rowid:
        -- an implicit rowid may be renumbered by VACUUM, which would silently unlink the two tables.
        CREATE TABLE IF NOT EXISTS catalog_listings (
            listing_key   INTEGER PRIMARY KEY,
            offering_id   TEXT NOT NULL UNIQUE,
            dataset_id    TEXT NOT NULL,
            provider_id   TEXT NOT NULL,
            provider_name TEXT NOT NULL,
            title         TEXT NOT NULL,
            description   TEXT NOT NULL,
            keywords      TEXT NOT NULL,
            themes        TEXT NOT NULL,
            dataset_class TEXT NOT NULL,
            price_model   TEXT NOT NULL,
            is_free       INTEGER NOT NULL,
            price_summary TEXT NOT NULL,
            is_public     INTEGER NOT NULL,
            visible_to    TEXT NOT NULL,
            licence       TEXT NOT NULL,
            updated_at    TEXT NOT NULL,
            price_minor   INTEGER,
            origin        TEXT
        );
        CREATE VIRTUAL TABLE IF NOT EXISTS catalog_fts USING fts5 (
            title, description, keywords, themes, provider_name,
            tokenize = 'unicode61 remove_diacritics 2'
        );
        -- The three browse orders read from indexes, so a page of the catalog without search text reads its own rows
        -- (and those it skips) instead of sorting every listing; each matches its ORDER BY exactly.
        CREATE INDEX IF NOT EXISTS catalog_listings_by_title ON catalog_listings (title COLLATE NOCASE, offering_id);
        CREATE INDEX IF NOT EXISTS catalog_listings_by_newest
            ON catalog_listings (julianday(updated_at) DESC, title COLLATE NOCASE, offering_id);
        -- (catalog_listings_by_price: see CreateOnAddedColumns.)
        -- Listings offered to named buyers only: the few a buyer's facets count one by one.
        CREATE INDEX IF NOT EXISTS catalog_listings_restricted ON catalog_listings (listing_key) WHERE is_public = 0;
        -- How many listings carry each facet value (kind 0 the total, 1 class, 2 theme, 3 provider, 4 price model,
        -- 5 licence), apart for public and restricted listings; kept by every write of a listing, in its transaction,
        -- so the unfiltered catalog's facets are a read of this small table rather than a count of every listing.
        CREATE TABLE IF NOT EXISTS catalog_facet_counts (
            kind      INTEGER NOT NULL,
            value     TEXT NOT NULL,
            is_public INTEGER NOT NULL,
            listings  INTEGER NOT NULL,
            PRIMARY KEY (kind, value, is_public)
        ) WITHOUT ROWID;

        -- Outbox. Instants are UTC round-trip text (fixed width, so text order is time order). Claiming is a
        -- range scan of (status, due_at) that skips rows whose lease is still running; operators list by age.
        CREATE TABLE IF NOT EXISTS outbox (
            id              TEXT PRIMARY KEY,
            kind            TEXT NOT NULL,
            payload         TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            created_at      TEXT NOT NULL,
            due_at          TEXT NOT NULL,
            attempts        INTEGER NOT NULL,
            last_error      TEXT,
            status          TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
            completed_at    TEXT,
            lease_token     TEXT,
            lease_until     TEXT
        );
        CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, due_at);
        CREATE INDEX IF NOT EXISTS outbox_by_age ON outbox (status, created_at, id);
        -- A sweeper of one kind (e.g. the grains' reconciliation) scans only its own due rows.
        CREATE INDEX IF NOT EXISTS outbox_due_by_kind ON outbox (status, kind, due_at);

        -- Indexes of holdings and parties (IndexPorts.cs). Every key starts with the item's creation time
        -- (sort_key = "<UTC instant>|<id>", fixed width), so inserts append at the end of each party's range
        -- instead of landing at random pages, and a page is one range scan after the cursor's key.
        CREATE TABLE IF NOT EXISTS holdings (
            kind        TEXT NOT NULL CHECK (kind IN ('dataset', 'offering')),
            provider_id TEXT NOT NULL,
            sort_key    TEXT NOT NULL,
            item_id     TEXT NOT NULL,
            created_at  TEXT NOT NULL,
            PRIMARY KEY (kind, provider_id, sort_key)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS holdings_all ON holdings (kind, sort_key);
        CREATE TABLE IF NOT EXISTS contract_index (
            sort_key    TEXT PRIMARY KEY,
            contract_id TEXT NOT NULL,
            offering_id TEXT NOT NULL,
            buyer_id    TEXT NOT NULL,
            provider_id TEXT NOT NULL,
            purpose     TEXT NOT NULL,
            status      TEXT NOT NULL,
            created_at  TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS contract_index_by_buyer ON contract_index (buyer_id, sort_key);
        CREATE INDEX IF NOT EXISTS contract_index_by_provider ON contract_index (provider_id, sort_key);
        CREATE INDEX IF NOT EXISTS contract_index_by_offering ON contract_index (offering_id, sort_key);
        CREATE INDEX IF NOT EXISTS contract_index_by_offering_buyer ON contract_index (offering_id, buyer_id, sort_key);
        CREATE TABLE IF NOT EXISTS party_directory (
            sort_key   TEXT PRIMARY KEY,
            party_id   TEXT NOT NULL,
            role       TEXT NOT NULL,
            name       TEXT NOT NULL,
            created_at TEXT NOT NULL
        ) WITHOUT ROWID;

        -- Invoices and credit notes (BillingPorts.cs), keyed like the other indexes by (issue time, id).
        CREATE TABLE IF NOT EXISTS invoice_index (
            sort_key    TEXT PRIMARY KEY,
            invoice_id  TEXT NOT NULL,
            kind        TEXT NOT NULL,
            period      TEXT NOT NULL,
            contract_id TEXT NOT NULL,
            buyer_id    TEXT NOT NULL,
            provider_id TEXT NOT NULL,
            status      TEXT NOT NULL,
            total_minor INTEGER NOT NULL,
            currency    TEXT NOT NULL,
            issued_at   TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS invoice_index_by_period ON invoice_index (period, sort_key);
        CREATE INDEX IF NOT EXISTS invoice_index_by_buyer ON invoice_index (buyer_id, sort_key);
        CREATE INDEX IF NOT EXISTS invoice_index_by_provider ON invoice_index (provider_id, sort_key);
        CREATE INDEX IF NOT EXISTS invoice_index_by_contract ON invoice_index (contract_id, sort_key);

        -- Consent (ConsentPorts.cs). A grant is its JSON (ConsentGrantJson) plus the columns it is found and guarded by:
        -- stored only when its version is newer than the row's, so a late older write cannot undo a withdrawal.
        CREATE TABLE IF NOT EXISTS consent_grants (
            bank_id    TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            record_id  TEXT NOT NULL,
            scope      TEXT NOT NULL,
            version    INTEGER NOT NULL,
            grant_json TEXT NOT NULL,
            PRIMARY KEY (bank_id, subject_id, record_id)
        ) WITHOUT ROWID;
        -- Keyed by person, so a page's people are one seek each into the table itself (their grants side by side);
        -- the version guard finds a record by its id.
        CREATE UNIQUE INDEX IF NOT EXISTS consent_grants_by_record ON consent_grants (record_id);
        CREATE INDEX IF NOT EXISTS consent_grants_by_scope ON consent_grants (bank_id, scope, record_id);
        CREATE TABLE IF NOT EXISTS consent_subjects (
            bank_id               TEXT NOT NULL,
            subject_id            TEXT NOT NULL,
            aggregate_opt_out     INTEGER NOT NULL,
            deletion_requested_at TEXT,
            version               INTEGER NOT NULL,
            PRIMARY KEY (bank_id, subject_id)
        ) WITHOUT ROWID;
        -- The record of provision, append-only. Keyed (event id, subject) so a retried event records nothing twice;
        -- the broker's event ids are time-ordered (UUIDv7), so the key mostly appends. at is UTC round-trip text.
        -- The record of provision, in two parts so a page of 1,000 people writes what they share once: the usage event
        -- (who received, under which contract and purpose, when; keyed by the event id, which grows with time) and one
        -- narrow row per person in it. A person's list reads their index range; a contract's period its events.
        CREATE TABLE IF NOT EXISTS provision_events (
            event_id    TEXT NOT NULL PRIMARY KEY,
            bank_id     TEXT NOT NULL,
            contract_id TEXT NOT NULL,
            buyer_id    TEXT NOT NULL,
            dataset_id  TEXT NOT NULL,
            purpose     TEXT NOT NULL,
            aggregate   INTEGER NOT NULL,
            at          TEXT NOT NULL,
            period      TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS provision_events_by_contract ON provision_events (contract_id, period);
        CREATE INDEX IF NOT EXISTS provision_events_by_at ON provision_events (at);
        CREATE TABLE IF NOT EXISTS provision_subjects (
            event_id          TEXT NOT NULL,
            subject_id        TEXT NOT NULL,
            bank_id           TEXT NOT NULL,
            at                TEXT NOT NULL,
            consent_record_id TEXT NOT NULL,
            items             TEXT NOT NULL,
            records           INTEGER NOT NULL,
            PRIMARY KEY (event_id, subject_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS provision_subjects_by_subject ON provision_subjects (bank_id, subject_id, at, event_id);
        -- Each person's part of the people's share of invoices on personal data (SubjectEarningsPorts.cs).
        CREATE TABLE IF NOT EXISTS subject_earnings (
            bank_id      TEXT NOT NULL,
            subject_id   TEXT NOT NULL,
            period       TEXT NOT NULL,
            invoice_id   TEXT NOT NULL,
            contract_id  TEXT NOT NULL,
            buyer_id     TEXT NOT NULL,
            amount_minor INTEGER NOT NULL,
            currency     TEXT NOT NULL,
            records      INTEGER NOT NULL,
            counted      INTEGER NOT NULL,
            PRIMARY KEY (bank_id, subject_id, period, invoice_id)
        ) WITHOUT ROWID;

        -- Settings fixed when the store was created (e.g. how many files the usage ledger spreads over).
        CREATE TABLE IF NOT EXISTS store_settings (
            name  TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;

        -- Orleans grain state.
        CREATE TABLE IF NOT EXISTS grain_state (
            state_name TEXT NOT NULL,
            grain_id   TEXT NOT NULL,
            etag       INTEGER NOT NULL,
            payload    BLOB NOT NULL,
            PRIMARY KEY (state_name, grain_id)
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Columns added after a table was first created, as (table, column, definition): a database made by an older
    /// build gains them at start-up (SQLite has no ADD COLUMN IF NOT EXISTS); their rows read the column as NULL.
    /// </summary>
    public static readonly (string Table, string Column, string Definition)[] AddedColumns =
    [
        ("catalog_listings", "price_minor", "INTEGER"),
        ("catalog_listings", "origin", "TEXT"),
    ];

    /// <summary>Indexes on columns of <see cref="AddedColumns"/>: created once those exist.</summary>
    public const string CreateOnAddedColumns = """
        CREATE INDEX IF NOT EXISTS catalog_listings_by_price
            ON catalog_listings (price_minor IS NULL, price_minor, title COLLATE NOCASE, offering_id);
        """;

    /// <summary>
    /// Counts the facets of the listings of a database made before <c>catalog_facet_counts</c> existed (its table
    /// is then empty while listings are not); a no-op otherwise.
    /// </summary>
    public static void FillCatalogFacetCounts(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SqliteCatalogIndex.FillFacetCounts;
        command.ExecuteNonQuery();
    }

    /// <summary>Whether the hourly usage table exists yet (false in a database made by an older build, or a new one).</summary>
    public static bool HasUsageHours(SqliteConnection connection, SqliteTransaction transaction) => HasTable(connection, transaction, "usage_hours");

    /// <summary>
    /// Creates the usage ledger's tables in one file (a no-op where they exist), filling the hourly sums when they are
    /// new next to a ledger an older build wrote.
    /// </summary>
    public static void CreateUsageTables(SqliteConnection connection, SqliteTransaction transaction)
    {
        var hadUsageHours = HasUsageHours(connection, transaction);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = UsageTables;
        command.ExecuteNonQuery();
        if (!hadUsageHours)
        {
            FillUsageHours(connection, transaction);
        }
    }

    /// <summary>
    /// How many ledger files the usage ledger spreads over, as recorded when the store was created: 0 means in the main
    /// database itself, where every build before ledger files wrote it, so a database such a build made keeps its rows
    /// where they are and adds to them there. Recorded once, in the start-up transaction, and never changed after:
    /// which file holds an event follows from this count.
    /// </summary>
    /// <param name="hadLedger">Whether the main database held a usage ledger before this start-up created its tables.</param>
    public static int UsageLedgerFiles(SqliteConnection connection, SqliteTransaction transaction, bool hadLedger, int configured)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT value FROM store_settings WHERE name = 'usage_ledger_files'";
        if (command.ExecuteScalar() is string recorded)
        {
            return int.Parse(recorded, System.Globalization.CultureInfo.InvariantCulture);
        }

        var files = hadLedger ? 0 : configured;
        command.CommandText = "INSERT INTO store_settings (name, value) VALUES ('usage_ledger_files', $files)";
        command.Parameters.AddWithValue("$files", files.ToString(System.Globalization.CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
        return files;
    }

    public static bool HasTable(SqliteConnection connection, SqliteTransaction transaction, string table)
    {
        using var probe = connection.CreateCommand();
        probe.Transaction = transaction;
        probe.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $table";
        probe.Parameters.AddWithValue("$table", table);
        return (long)probe.ExecuteScalar()! > 0;
    }

    /// <summary>
    /// Fills the hourly usage table from the ledger when it was just created next to a ledger an older build wrote
    /// (once, in the start-up transaction; a new database has nothing to sum). SQLite's strftime reads the stored
    /// round-trip instants with their offsets and answers UTC, the same hour the writer computes.
    /// </summary>
    public static void FillUsageHours(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var fill = connection.CreateCommand();
        fill.Transaction = transaction;
        fill.CommandText = $"""
            INSERT INTO usage_hours (period, contract_id, hour, units, events)
            SELECT period, contract_id, {HourOf("occurred_at")}, SUM(units), COUNT(*) FROM usage_ledger
            GROUP BY period, contract_id, {HourOf("occurred_at")}
            """;
        fill.ExecuteNonQuery();
    }

    /// <summary>The UTC hour of a stored instant, as the usage_hours table keys it.</summary>
    public static string HourOf(string column) => $"strftime('%Y-%m-%dT%H:00:00Z', {column})";

    public static void AddMissingColumns(SqliteConnection connection, SqliteTransaction transaction)
    {
        foreach (var (table, column, definition) in AddedColumns)
        {
            using var probe = connection.CreateCommand();
            probe.Transaction = transaction;
            probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info($table) WHERE name = $column";
            probe.Parameters.AddWithValue("$table", table);
            probe.Parameters.AddWithValue("$column", column);
            if ((long)probe.ExecuteScalar()! == 0)
            {
                using var alter = connection.CreateCommand();
                alter.Transaction = transaction;
                alter.CommandText = $"ALTER TABLE {table} ADD COLUMN {column} {definition}";
                alter.ExecuteNonQuery();
            }
        }
    }
}
