-- 004_dedup.sql — deduplication and merging (issue 4): every record a
-- source sends is kept with what it said and the keys it is matched on;
-- records of one real event form a cluster, published as one posting.
--
-- The postings table is not touched here: its INSERTs and UPDATEs stay
-- what they were (a new posting, a published change with revision + 1),
-- because triggers on it feed the outbox.  What deduplication keeps for
-- itself lives in entries and in the tables below.

-- The record as the source sent it, in the store's JSON form (the
-- posting with the source's kind and one ref to the source); NULL for a
-- record of a database before this migration until the store fills it
-- in from its posting.
ALTER TABLE entries ADD COLUMN doc TEXT CHECK (doc IS NULL OR json_valid(doc));
-- The kind of the source when the record came (the merge ranks on it).
ALTER TABLE entries ADD COLUMN kind TEXT;
-- How the record is known within its source: 'guid', 'link' (canonical)
-- or 'content' (dedup_content_key(): "h:" and a hash).
ALTER TABLE entries ADD COLUMN identity TEXT
	CHECK (identity IS NULL OR identity IN ('guid', 'link', 'content'));
-- Matching keys (dedup_key.h): the comparison keys of title and place,
-- the area, the canonical link when it names a page, the federated
-- origin, the content key, and the event in Japan time (days since
-- 1970-01-01; minutes of the day, -1 all-day).
ALTER TABLE entries ADD COLUMN title_key TEXT;
ALTER TABLE entries ADD COLUMN place_key TEXT;
ALTER TABLE entries ADD COLUMN area TEXT;
ALTER TABLE entries ADD COLUMN url_key TEXT;
ALTER TABLE entries ADD COLUMN origin_key TEXT;
ALTER TABLE entries ADD COLUMN content_key TEXT;
ALTER TABLE entries ADD COLUMN start TEXT;
ALTER TABLE entries ADD COLUMN event_day INTEGER;
ALTER TABLE entries ADD COLUMN start_min INTEGER;
ALTER TABLE entries ADD COLUMN end_day INTEGER;
ALTER TABLE entries ADD COLUMN end_min INTEGER;
-- A snapshot source (CSV, iCalendar) lists all it has: missing counts the
-- successful fetches in a row without the record; gone = 1 once it passed
-- withdraw_after, and the record no longer counts for its posting.
ALTER TABLE entries ADD COLUMN missing INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entries ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;
-- Why the record is in its posting: 'first' (it made the posting),
-- 'origin', 'url', 'similar' (with the score and the record it matched),
-- 'legacy' (from before this migration).
ALTER TABLE entries ADD COLUMN match_rule TEXT;
ALTER TABLE entries ADD COLUMN match_score REAL;
ALTER TABLE entries ADD COLUMN match_title REAL;
ALTER TABLE entries ADD COLUMN match_place REAL;
ALTER TABLE entries ADD COLUMN match_source TEXT;
ALTER TABLE entries ADD COLUMN match_key TEXT;

-- Candidates of a record: the live records of its day, of its page, of
-- its origin; a source's own records by content (unstable guids).
CREATE INDEX entries_by_day ON entries (event_day) WHERE gone = 0;
CREATE INDEX entries_by_url ON entries (url_key) WHERE url_key IS NOT NULL;
CREATE INDEX entries_by_origin ON entries (origin_key)
	WHERE origin_key IS NOT NULL;
CREATE INDEX entries_by_content ON entries (source, content_key);

-- One row per posting that records feed.  first_seen orders clusters for
-- the survivor rule (the older survives a merge; then the smaller id);
-- digest is posting_content_digest() of the merged record fields before
-- edits and lifecycle, so the posting changes only when they do;
-- merged_into names the survivor once this posting was merged into it
-- (it is then a withdrawn tombstone with duplicate_of).
CREATE TABLE dedup_clusters (
	posting_id	TEXT PRIMARY KEY NOT NULL
			REFERENCES postings (id) ON DELETE CASCADE,
	first_seen	INTEGER NOT NULL,
	digest		TEXT NOT NULL DEFAULT '',
	merged_into	TEXT
);

-- When a record joined two postings into one: which, when, by which
-- record and why.
CREATE TABLE dedup_merges (
	survivor	TEXT NOT NULL
			REFERENCES postings (id) ON DELETE CASCADE,
	merged		TEXT NOT NULL,
	at		INTEGER NOT NULL,
	source		TEXT NOT NULL,
	entry_key	TEXT NOT NULL,
	rule		TEXT NOT NULL,
	score		REAL
);

CREATE INDEX dedup_merges_by_survivor ON dedup_merges (survivor);

-- How each source's records are known, and why when not by guid: guids
-- that repeat or change fall back to links, links that repeat to content.
CREATE TABLE source_identity (
	source		TEXT PRIMARY KEY NOT NULL
			REFERENCES sources (name) ON DELETE CASCADE,
	mode		TEXT NOT NULL DEFAULT 'guid'
			CHECK (mode IN ('guid', 'link', 'content')),
	reason		TEXT,
	since		INTEGER NOT NULL DEFAULT 0,
	rekeyed		INTEGER NOT NULL DEFAULT 0
);

-- The postings already stored: one cluster each, seen first when its
-- oldest record was.
INSERT INTO dedup_clusters (posting_id, first_seen)
	SELECT posting_id, min(first_seen) FROM entries GROUP BY posting_id;
UPDATE entries SET match_rule = 'legacy';
