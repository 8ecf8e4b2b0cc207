-- 002_search.sql — what feed filters and feed caches need: the event span
-- in seconds, categories and sources as rows, the searchable text under
-- FTS5 trigram, and a log of changed postings.  Everything is derived from
-- postings by generated columns and triggers, so every writer keeps it in
-- step without knowing it exists.  Sets PRAGMA user_version = 2.

-- The event as unix seconds, both ends inclusive (from/to match when the
-- range overlaps [span_start, span_end]).  A date alone is a Japan day
-- (00:00:00 to 23:59:59 +09:00), and so is a time without a zone; an end
-- that is missing or unreadable is the start (its whole day when all-day).
ALTER TABLE postings ADD COLUMN span_start INTEGER GENERATED ALWAYS AS (
	CAST(strftime('%s', start) AS INTEGER)
	- CASE WHEN length(start) <= 19 AND substr(start, -1) NOT IN ('Z', 'z')
	  THEN 32400 ELSE 0 END) VIRTUAL;

ALTER TABLE postings ADD COLUMN span_first_end INTEGER GENERATED ALWAYS AS (
	coalesce(
	  CAST(strftime('%s', "end") AS INTEGER)
	  - CASE WHEN length("end") <= 19 AND substr("end", -1) NOT IN ('Z', 'z')
	    THEN 32400 ELSE 0 END
	  + CASE WHEN length("end") = 10 THEN 86399 ELSE 0 END,
	  span_start + CASE WHEN length(start) = 10 THEN 86399 ELSE 0 END)
	) VIRTUAL;

-- A recurring posting is dated at its first occurrence; its span runs to
-- the last one: UNTIL's day, or COUNT occurrences of FREQ x INTERVAL (a
-- bound that may be late, never early), or forever (9999-12-31).
ALTER TABLE postings ADD COLUMN span_end INTEGER GENERATED ALWAYS AS (
	CASE
	WHEN span_first_end IS NULL THEN NULL
	WHEN coalesce(json_extract(doc, '$.recurrence'), '') = ''
	THEN span_first_end
	WHEN instr(upper(json_extract(doc, '$.recurrence')), 'UNTIL=') > 0
	THEN max(span_first_end,
	  CAST(strftime('%s', substr(upper(json_extract(doc, '$.recurrence')),
	    instr(upper(json_extract(doc, '$.recurrence')), 'UNTIL=') + 6, 4)
	    || '-' || substr(upper(json_extract(doc, '$.recurrence')),
	    instr(upper(json_extract(doc, '$.recurrence')), 'UNTIL=') + 10, 2)
	    || '-' || substr(upper(json_extract(doc, '$.recurrence')),
	    instr(upper(json_extract(doc, '$.recurrence')), 'UNTIL=') + 12, 2))
	  AS INTEGER) - 32400 + 86399 + (span_first_end - span_start))
	WHEN instr(upper(json_extract(doc, '$.recurrence')), 'COUNT=') > 0
	THEN span_first_end + coalesce(
	  CAST(strftime('%s', start, '+' || (
	    (max(1, CAST(substr(upper(json_extract(doc, '$.recurrence')),
	      instr(upper(json_extract(doc, '$.recurrence')), 'COUNT=') + 6)
	      AS INTEGER)) - 1)
	    * CASE WHEN instr(upper(json_extract(doc, '$.recurrence')),
	      'INTERVAL=') > 0
	      THEN max(1, CAST(substr(upper(json_extract(doc, '$.recurrence')),
	        instr(upper(json_extract(doc, '$.recurrence')), 'INTERVAL=')
	        + 9) AS INTEGER))
	      ELSE 1 END
	    * CASE WHEN instr(upper(json_extract(doc, '$.recurrence')),
	      'FREQ=WEEKLY') > 0 THEN 7 ELSE 1 END)
	    || CASE
	      WHEN instr(upper(json_extract(doc, '$.recurrence')),
	        'FREQ=YEARLY') > 0 THEN ' years'
	      WHEN instr(upper(json_extract(doc, '$.recurrence')),
	        'FREQ=MONTHLY') > 0 THEN ' months'
	      WHEN instr(upper(json_extract(doc, '$.recurrence')),
	        'FREQ=HOURLY') > 0 THEN ' hours'
	      WHEN instr(upper(json_extract(doc, '$.recurrence')),
	        'FREQ=MINUTELY') > 0 THEN ' minutes'
	      WHEN instr(upper(json_extract(doc, '$.recurrence')),
	        'FREQ=SECONDLY') > 0 THEN ' seconds'
	      ELSE ' days' END) AS INTEGER)
	  - CAST(strftime('%s', start) AS INTEGER), 253402300799)
	ELSE 253402300799
	END) VIRTUAL;

-- Filters with one value walk these in feed order.
CREATE INDEX postings_by_kind ON postings (kind, date_modified DESC, id DESC);
CREATE INDEX postings_by_status ON postings
	(status, date_modified DESC, id DESC);
CREATE INDEX postings_by_area ON postings (area, date_modified DESC, id DESC);
CREATE INDEX postings_by_span_start ON postings (span_start);
CREATE INDEX postings_by_span_end ON postings (span_end);

-- Tombstones: a withdrawn posting stays in feeds for 30 days after its
-- date_modified, so that the withdrawal travels; then feeds leave it out
-- (store.h, POSTING_TOMBSTONE_SECONDS) and store_tombstones_purge()
-- deletes it.  This index finds them.
CREATE INDEX postings_tombstones ON postings (date_modified)
	WHERE status = 'withdrawn';

-- Categories and sources of each posting, one row per value
-- (term 'category' or 'source'), from the document.
CREATE TABLE posting_terms (
	term		TEXT NOT NULL,
	value		TEXT NOT NULL,
	posting_id	TEXT NOT NULL,
	PRIMARY KEY (term, value, posting_id)
) WITHOUT ROWID;

CREATE INDEX posting_terms_by_posting ON posting_terms (posting_id);

-- The text q searches: title, summary, place, address, organizer and the
-- content (markup included), lowercased (ASCII), one field per line.  sid
-- is an INTEGER PRIMARY KEY so that VACUUM cannot renumber what the FTS
-- index points at.
CREATE TABLE posting_text (
	sid		INTEGER PRIMARY KEY,
	posting_id	TEXT NOT NULL UNIQUE,
	body		TEXT NOT NULL
);

-- Substrings of 3 characters and more; shorter ones are found with
-- instr() on posting_text (trigrams cannot match them).
CREATE VIRTUAL TABLE posting_fts USING fts5 (body, content = 'posting_text',
	content_rowid = 'sid', tokenize = 'trigram');

CREATE TRIGGER posting_text_ai AFTER INSERT ON posting_text BEGIN
	INSERT INTO posting_fts (rowid, body) VALUES (NEW.sid, NEW.body);
END;

CREATE TRIGGER posting_text_ad AFTER DELETE ON posting_text BEGIN
	INSERT INTO posting_fts (posting_fts, rowid, body)
	    VALUES ('delete', OLD.sid, OLD.body);
END;

CREATE TRIGGER posting_text_au AFTER UPDATE ON posting_text BEGIN
	INSERT INTO posting_fts (posting_fts, rowid, body)
	    VALUES ('delete', OLD.sid, OLD.body);
	INSERT INTO posting_fts (rowid, body) VALUES (NEW.sid, NEW.body);
END;

-- Every change to a posting, in commit order: a feed cache asks which
-- postings changed since it rendered a page, and keeps the page when none
-- of them is on it or could enter it.  The newest 100000 rows are kept;
-- a cache older than that renders again.
CREATE TABLE posting_changes (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	posting_id	TEXT NOT NULL
);

CREATE TRIGGER posting_changes_trim AFTER INSERT ON posting_changes
	WHEN NEW.seq % 1000 = 0 BEGIN
	DELETE FROM posting_changes WHERE seq <= NEW.seq - 100000;
END;

CREATE TRIGGER postings_search_ai AFTER INSERT ON postings BEGIN
	INSERT OR IGNORE INTO posting_terms (term, value, posting_id)
	    SELECT 'category', value, NEW.id
	    FROM json_each(NEW.doc, '$.category') WHERE type = 'text';
	INSERT OR IGNORE INTO posting_terms (term, value, posting_id)
	    SELECT 'source', json_extract(value, '$.source'), NEW.id
	    FROM json_each(NEW.doc, '$.sources')
	    WHERE json_extract(value, '$.source') IS NOT NULL;
	INSERT INTO posting_text (posting_id, body) VALUES (NEW.id, lower(
	    coalesce(json_extract(NEW.doc, '$.title'), '') || char(10) ||
	    coalesce(json_extract(NEW.doc, '$.summary'), '') || char(10) ||
	    coalesce(json_extract(NEW.doc, '$.place'), '') || char(10) ||
	    coalesce(json_extract(NEW.doc, '$.address'), '') || char(10) ||
	    coalesce(json_extract(NEW.doc, '$.organizer.name'), '') ||
	    char(10) ||
	    coalesce(json_extract(NEW.doc, '$.content_html'), '')));
	INSERT INTO posting_changes (posting_id) VALUES (NEW.id);
END;

CREATE TRIGGER postings_search_au AFTER UPDATE ON postings BEGIN
	DELETE FROM posting_terms WHERE posting_id = OLD.id;
	INSERT OR IGNORE INTO posting_terms (term, value, posting_id)
	    SELECT 'category', value, NEW.id
	    FROM json_each(NEW.doc, '$.category') WHERE type = 'text';
	INSERT OR IGNORE INTO posting_terms (term, value, posting_id)
	    SELECT 'source', json_extract(value, '$.source'), NEW.id
	    FROM json_each(NEW.doc, '$.sources')
	    WHERE json_extract(value, '$.source') IS NOT NULL;
	DELETE FROM posting_text WHERE posting_id = OLD.id;
	INSERT INTO posting_text (posting_id, body) VALUES (NEW.id, lower(
	    coalesce(json_extract(NEW.doc, '$.title'), '') || char(10) ||
	    coalesce(json_extract(NEW.doc, '$.summary'), '') || char(10) ||
	    coalesce(json_extract(NEW.doc, '$.place'), '') || char(10) ||
	    coalesce(json_extract(NEW.doc, '$.address'), '') || char(10) ||
	    coalesce(json_extract(NEW.doc, '$.organizer.name'), '') ||
	    char(10) ||
	    coalesce(json_extract(NEW.doc, '$.content_html'), '')));
	INSERT INTO posting_changes (posting_id) VALUES (OLD.id);
	INSERT INTO posting_changes (posting_id)
	    SELECT NEW.id WHERE NEW.id <> OLD.id;
END;

CREATE TRIGGER postings_search_ad AFTER DELETE ON postings BEGIN
	DELETE FROM posting_terms WHERE posting_id = OLD.id;
	DELETE FROM posting_text WHERE posting_id = OLD.id;
	INSERT INTO posting_changes (posting_id) VALUES (OLD.id);
END;

-- The postings already stored.
INSERT OR IGNORE INTO posting_terms (term, value, posting_id)
	SELECT 'category', j.value, p.id
	FROM postings p, json_each(p.doc, '$.category') j
	WHERE j.type = 'text';
INSERT OR IGNORE INTO posting_terms (term, value, posting_id)
	SELECT 'source', json_extract(j.value, '$.source'), p.id
	FROM postings p, json_each(p.doc, '$.sources') j
	WHERE json_extract(j.value, '$.source') IS NOT NULL;
INSERT INTO posting_text (posting_id, body)
	SELECT id, lower(
	    coalesce(json_extract(doc, '$.title'), '') || char(10) ||
	    coalesce(json_extract(doc, '$.summary'), '') || char(10) ||
	    coalesce(json_extract(doc, '$.place'), '') || char(10) ||
	    coalesce(json_extract(doc, '$.address'), '') || char(10) ||
	    coalesce(json_extract(doc, '$.organizer.name'), '') || char(10) ||
	    coalesce(json_extract(doc, '$.content_html'), ''))
	FROM postings;
