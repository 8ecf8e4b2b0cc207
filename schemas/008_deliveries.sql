-- 008_deliveries.sql — the deliveries of the webhook outbox, made cheap
-- to write: a fan-out to 1,000 endpoints inserts 1,000 rows in one
-- transaction and updates each one when its answer comes (issue 6).
--
-- What 005_outbox.sql made each delivery pay, and what is left:
--
-- * CHECK (status IN (...)): an IN list of more than two constants
--   builds a temporary table each time it is evaluated, so every insert
--   and every status update opened one.  The same three values are now
--   compared one by one.
-- * UNIQUE (webhook_id): an index on a hash, so each insert landed on a
--   random page.  No query looks a delivery up by its webhook-id, and the
--   id is derived from (salt, event, subscriber), which
--   UNIQUE (event_seq, subscriber) already keeps unique.
-- * deliveries_by_status, deliveries_by_subscriber: no query used them
--   (EXPLAIN QUERY PLAN of every query in daemon/store/deliveries.c and
--   outbox.c: the pending ones go through deliveries_due, the API's lists
--   walk the rowid backwards, the purge and the cascades the unique key).
--   The second took one random page per subscriber on every fan-out.
-- * Foreign keys: each insert looked up its event and its subscriber,
--   each attempt its delivery.  The code is the only writer and inserts
--   a delivery in the transaction that read both parents (an attempt only
--   when the update of its delivery changed a row); the cascades are
--   kept by the triggers below.
--
-- AUTOINCREMENT stays: a delivery id is never given again, so an answer
-- that arrives for a deleted delivery can never be written to another.
--
-- SQLite cannot drop a constraint: both tables are made again, rows and
-- the id high-water mark copied.  The migration runs with foreign keys
-- on, so the child table goes first (dropping deliveries would otherwise
-- delete every attempt by cascade).

CREATE TABLE deliveries_008 (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	webhook_id	TEXT NOT NULL,
	event_seq	INTEGER NOT NULL,	-- posting_events (seq)
	subscriber	TEXT NOT NULL,		-- subscribers (name)
	status		TEXT NOT NULL DEFAULT 'pending'
			CHECK (status = 'pending' OR status = 'delivered' OR
			    status = 'failed'),
	tries		INTEGER NOT NULL DEFAULT 0,
	attempts	INTEGER NOT NULL DEFAULT 0,
	created		INTEGER NOT NULL,
	next_attempt	INTEGER NOT NULL,
	last_attempt	INTEGER NOT NULL DEFAULT 0,
	last_status	INTEGER NOT NULL DEFAULT 0,	-- HTTP, 0: none
	last_error	TEXT,
	delivered	INTEGER NOT NULL DEFAULT 0,	-- the 2xx
	UNIQUE (event_seq, subscriber)
);

INSERT INTO deliveries_008 (id, webhook_id, event_seq, subscriber, status,
    tries, attempts, created, next_attempt, last_attempt, last_status,
    last_error, delivered)
	SELECT id, webhook_id, event_seq, subscriber, status, tries,
	    attempts, created, next_attempt, last_attempt, last_status,
	    last_error, delivered FROM deliveries ORDER BY id;

-- The copy's sequence is its largest id; the old table's may be larger
-- (its newest rows deleted).
DELETE FROM sqlite_sequence WHERE name = 'deliveries_008';
INSERT INTO sqlite_sequence (name, seq)
	SELECT 'deliveries_008', max(coalesce((SELECT seq FROM sqlite_sequence
	    WHERE name = 'deliveries'), 0), coalesce((SELECT max(id)
	    FROM deliveries_008), 0));

CREATE TABLE delivery_attempts_008 (
	delivery_id	INTEGER NOT NULL,	-- deliveries (id)
	attempt		INTEGER NOT NULL,		-- 1, 2, ...
	started		INTEGER NOT NULL,		-- ms
	latency_ms	INTEGER NOT NULL,
	http_status	INTEGER NOT NULL,		-- 0: none
	error		TEXT,
	PRIMARY KEY (delivery_id, attempt)
) WITHOUT ROWID;

INSERT INTO delivery_attempts_008 (delivery_id, attempt, started,
    latency_ms, http_status, error)
	SELECT delivery_id, attempt, started, latency_ms, http_status, error
	FROM delivery_attempts;

DROP TABLE delivery_attempts;
DROP TABLE deliveries;
ALTER TABLE deliveries_008 RENAME TO deliveries;
ALTER TABLE delivery_attempts_008 RENAME TO delivery_attempts;

CREATE INDEX deliveries_due ON deliveries (subscriber, next_attempt)
	WHERE status = 'pending';

-- The cascades of the foreign keys, paid on delete instead of on insert.
CREATE TRIGGER deliveries_event_deleted AFTER DELETE ON posting_events
	BEGIN
	DELETE FROM deliveries WHERE event_seq = OLD.seq;
END;

-- Through the unique key, one probe per event, rather than a scan of
-- every delivery (there is no index by subscriber).
CREATE TRIGGER deliveries_subscriber_deleted AFTER DELETE ON subscribers
	BEGIN
	DELETE FROM deliveries WHERE subscriber = OLD.name AND
	    event_seq IN (SELECT seq FROM posting_events);
END;

CREATE TRIGGER delivery_attempts_deleted AFTER DELETE ON deliveries BEGIN
	DELETE FROM delivery_attempts WHERE delivery_id = OLD.id;
END;
