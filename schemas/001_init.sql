-- 001_init.sql — sources with their health, the entries each source
-- carries, and the published postings.  Applied in one transaction; sets
-- PRAGMA user_version = 1.
--
-- An entry is one source's record of one of its items; a posting is what
-- this instance publishes.  They are separate tables so that later
-- migrations can point several entries (a dedup cluster) at one posting,
-- and hang an outbox off postings(id), without moving data.

CREATE TABLE sources (
	name		TEXT PRIMARY KEY NOT NULL,
	url		TEXT NOT NULL,
	kind		TEXT NOT NULL,
	format		TEXT NOT NULL DEFAULT 'auto',
	interval	INTEGER NOT NULL DEFAULT 300,
	origin		TEXT NOT NULL DEFAULT 'config'
			CHECK (origin IN ('config', 'api')),
	paused		INTEGER NOT NULL DEFAULT 0,
	-- validators for conditional GET
	etag		TEXT,
	last_modified	TEXT,
	-- health, unix seconds (0 never)
	last_attempt	INTEGER NOT NULL DEFAULT 0,
	last_success	INTEGER NOT NULL DEFAULT 0,
	next_poll	INTEGER NOT NULL DEFAULT 0,
	http_status	INTEGER NOT NULL DEFAULT 0,
	error		TEXT,
	error_code	TEXT,
	failures	INTEGER NOT NULL DEFAULT 0,
	fetches		INTEGER NOT NULL DEFAULT 0,
	errors		INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE postings (
	id		TEXT PRIMARY KEY NOT NULL,
	revision	INTEGER NOT NULL CHECK (revision >= 1),
	status		TEXT NOT NULL
			CHECK (status IN ('open', 'closed', 'cancelled',
			    'withdrawn')),
	kind		TEXT,
	date_published	INTEGER NOT NULL,
	date_modified	INTEGER NOT NULL,
	start		TEXT,
	"end"		TEXT,
	area		TEXT,
	-- the posting in the store's JSON form (posting_to_storage_json)
	doc		TEXT NOT NULL CHECK (json_valid(doc))
);

-- Feeds read newest first and page by (date_modified, id).
CREATE INDEX postings_by_modified ON postings (date_modified DESC, id DESC);

CREATE TABLE entries (
	source		TEXT NOT NULL
			REFERENCES sources (name) ON DELETE CASCADE,
	entry_key	TEXT NOT NULL,
	posting_id	TEXT NOT NULL
			REFERENCES postings (id) ON DELETE CASCADE,
	digest		TEXT NOT NULL,
	first_seen	INTEGER NOT NULL,
	last_seen	INTEGER NOT NULL,
	UNIQUE (source, entry_key)
);

CREATE INDEX entries_by_posting ON entries (posting_id);

-- One row of counters that must survive a restart: the generation is a
-- cache key, and a key that repeated after a restart would validate a
-- stale copy.
CREATE TABLE store_state (
	singleton	INTEGER PRIMARY KEY CHECK (singleton = 1),
	generation	INTEGER NOT NULL
);

INSERT INTO store_state (singleton, generation) VALUES (1, 0);
