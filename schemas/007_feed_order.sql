-- Feeds list postings by their last change at this instance: newest
-- date_modified first, and within one second the later change first.
-- seq grows at every write of a posting (the triggers below), so a posting
-- that changes always comes out on top of the first page, and a first
-- page that did not change (an ETag answered 304) means that no posting of
-- the feed did — what a neighbour paging through the feed relies on.
-- Before, ties within a second were broken by id, which let a change
-- fall behind postings of the same second on a later page.
ALTER TABLE postings ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;

-- The search rows follow a posting's document, not its place in the
-- order: the update that only moves seq leaves them alone.
DROP TRIGGER postings_search_au;
CREATE TRIGGER postings_search_au AFTER UPDATE ON postings
WHEN NEW.seq = OLD.seq
BEGIN
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

-- The postings already stored, in no particular order within a second.
UPDATE postings SET seq = rowid;

CREATE INDEX postings_by_seq ON postings (seq);

CREATE TRIGGER postings_seq_on_insert AFTER INSERT ON postings
BEGIN
	UPDATE postings SET seq = (SELECT max(seq) FROM postings) + 1
	WHERE rowid = NEW.rowid;
END;

-- The trigger's own UPDATE leaves seq changed, so it does not fire again
-- (and recursive_triggers is off).
CREATE TRIGGER postings_seq_on_update AFTER UPDATE ON postings
WHEN NEW.seq = OLD.seq
BEGIN
	UPDATE postings SET seq = (SELECT max(seq) FROM postings) + 1
	WHERE rowid = NEW.rowid;
END;

DROP INDEX postings_by_modified;
DROP INDEX postings_by_kind;
DROP INDEX postings_by_status;
DROP INDEX postings_by_area;
CREATE INDEX postings_by_modified ON postings (date_modified DESC, seq DESC);
CREATE INDEX postings_by_kind ON postings (kind, date_modified DESC, seq DESC);
CREATE INDEX postings_by_status ON postings
	(status, date_modified DESC, seq DESC);
CREATE INDEX postings_by_area ON postings
	(area, date_modified DESC, seq DESC);
