-- 005_outbox.sql — real-time push (issue 6): the durable webhook outbox
-- and its deliveries, secret rotation with an overlap, the WebSub hub's
-- subscriptions, and this instance's own subscriptions to the hubs of its
-- sources.
--
-- The outbox is filled by triggers on postings, so that an event is
-- written in the transaction of the change that caused it, whoever wrote
-- the posting (the fetch path, the API's edits and withdrawals, the
-- moderation queue): a crash can never keep the change and lose the
-- event, or the reverse.  Only published postings emit events.  A posting
-- that becomes published (moderation pending -> published) is "created"
-- for every subscriber, since none could see it before.

-- A random salt per database: webhook-ids derived from (salt, event,
-- subscriber) stay stable for one delivery but never repeat the ids of
-- another database, whose event numbers start at 1 again.
CREATE TABLE outbox_state (
	singleton	INTEGER PRIMARY KEY CHECK (singleton = 1),
	salt		TEXT NOT NULL
);

INSERT INTO outbox_state (singleton, salt)
	VALUES (1, lower(hex(randomblob(16))));

-- One row per published change (and per ping).  doc is the posting as
-- committed; old_doc what subscribers knew before an update (a change
-- that takes a posting out of a subscriber's filter still reaches that
-- subscriber).  The dispatcher (daemon/outbox.c) renders the body once
-- into payload, fans the event out into deliveries and sets dispatched,
-- in one transaction.  created_ms is the wall clock of the commit.
CREATE TABLE posting_events (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	type		TEXT NOT NULL
			CHECK (type IN ('posting.created', 'posting.updated',
			    'posting.withdrawn', 'ping')),
	posting_id	TEXT,			-- NULL for a ping
	revision	INTEGER,
	doc		TEXT,
	old_doc		TEXT,
	created_ms	INTEGER NOT NULL,
	dispatched	INTEGER NOT NULL DEFAULT 0,
	payload		TEXT			-- the webhook body, once made
);

CREATE INDEX posting_events_undispatched ON posting_events (seq)
	WHERE dispatched = 0;
CREATE INDEX posting_events_by_time ON posting_events (created_ms);

CREATE TRIGGER posting_events_ai AFTER INSERT ON postings
	WHEN NEW.moderation = 'published' BEGIN
	INSERT INTO posting_events (type, posting_id, revision, doc,
	    created_ms)
	VALUES (CASE WHEN NEW.status = 'withdrawn' THEN 'posting.withdrawn'
	    ELSE 'posting.created' END, NEW.id, NEW.revision, NEW.doc,
	    CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER posting_events_au AFTER UPDATE ON postings
	WHEN NEW.moderation = 'published' AND
	    (OLD.moderation IS NOT 'published' OR NEW.revision > OLD.revision)
	BEGIN
	INSERT INTO posting_events (type, posting_id, revision, doc, old_doc,
	    created_ms)
	VALUES (CASE
	    WHEN OLD.moderation IS NOT 'published' THEN
		CASE WHEN NEW.status = 'withdrawn' THEN 'posting.withdrawn'
		ELSE 'posting.created' END
	    WHEN NEW.status = 'withdrawn' AND OLD.status <> 'withdrawn'
	    THEN 'posting.withdrawn'
	    ELSE 'posting.updated' END,
	    NEW.id, NEW.revision, NEW.doc,
	    CASE WHEN OLD.moderation = 'published' THEN OLD.doc END,
	    CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

-- One event to one subscriber.  webhook_id is the Standard Webhooks id,
-- the same for every attempt and every redelivery.  tries counts the
-- attempts of the current round (a redelivery starts a new one) and
-- picks the next retry delay; attempts counts them all.  Times in ms.
CREATE TABLE deliveries (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	webhook_id	TEXT NOT NULL UNIQUE,
	event_seq	INTEGER NOT NULL
			REFERENCES posting_events (seq) ON DELETE CASCADE,
	subscriber	TEXT NOT NULL
			REFERENCES subscribers (name) ON DELETE CASCADE,
	status		TEXT NOT NULL DEFAULT 'pending'
			CHECK (status IN ('pending', 'delivered', 'failed')),
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

CREATE INDEX deliveries_due ON deliveries (subscriber, next_attempt)
	WHERE status = 'pending';
CREATE INDEX deliveries_by_subscriber ON deliveries (subscriber, id);
CREATE INDEX deliveries_by_status ON deliveries (status, id);

-- Every attempt: when, how long, what came back.
CREATE TABLE delivery_attempts (
	delivery_id	INTEGER NOT NULL
			REFERENCES deliveries (id) ON DELETE CASCADE,
	attempt		INTEGER NOT NULL,		-- 1, 2, ...
	started		INTEGER NOT NULL,		-- ms
	latency_ms	INTEGER NOT NULL,
	http_status	INTEGER NOT NULL,		-- 0: none
	error		TEXT,
	PRIMARY KEY (delivery_id, attempt)
) WITHOUT ROWID;

-- The endpoint's health.  failing_since: the first failed attempt since
-- the last success (ms, 0: not failing).  A subscriber the delivery
-- disabled (410, or failing too long) says why.  A rotated secret is
-- kept as previous_secret: deliveries carry both signatures while the
-- overlap lasts (secret_rotated + secret_overlap).
ALTER TABLE subscribers ADD COLUMN previous_secret TEXT;
ALTER TABLE subscribers ADD COLUMN failing_since INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscribers ADD COLUMN disabled_reason TEXT;
ALTER TABLE subscribers ADD COLUMN disabled_at INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER subscribers_secret_rotated AFTER UPDATE OF secret
	ON subscribers WHEN OLD.secret IS NOT NEW.secret BEGIN
	UPDATE subscribers SET previous_secret = OLD.secret
	    WHERE name = NEW.name;
END;

CREATE TRIGGER subscribers_enabled AFTER UPDATE OF disabled ON subscribers
	WHEN NEW.disabled = 0 AND OLD.disabled <> 0 BEGIN
	UPDATE subscribers SET disabled_reason = NULL, disabled_at = 0,
	    failing_since = 0 WHERE name = NEW.name;
END;

-- The WebSub hub: one row per (callback, topic).  pending marks a
-- subscription that has a change to receive (attempts and next_attempt
-- drive its retries); etag is what the callback last received.  Times
-- are unix seconds.
CREATE TABLE hub_subscriptions (
	callback	TEXT NOT NULL,
	topic		TEXT NOT NULL,
	callback_host	TEXT NOT NULL,
	secret		TEXT,
	algorithm	TEXT NOT NULL DEFAULT 'sha256'
			CHECK (algorithm IN ('sha1', 'sha256', 'sha384',
			    'sha512')),
	lease_seconds	INTEGER NOT NULL,
	created		INTEGER NOT NULL,
	expires		INTEGER NOT NULL,
	pending		INTEGER NOT NULL DEFAULT 0,
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_attempt	INTEGER NOT NULL DEFAULT 0,
	delivered_etag	TEXT,
	last_error	TEXT,
	PRIMARY KEY (callback, topic)
);

CREATE INDEX hub_subscriptions_by_topic ON hub_subscriptions (topic);
CREATE INDEX hub_subscriptions_by_host ON hub_subscriptions (callback_host);
CREATE INDEX hub_subscriptions_by_expiry ON hub_subscriptions (expires);

-- What each topic last looked like to the hub (the representation's
-- ETag): a restart compares before it distributes.
CREATE TABLE hub_topics (
	topic		TEXT PRIMARY KEY NOT NULL,
	etag		TEXT NOT NULL
);

-- This instance as a WebSub subscriber of its sources' hubs (push in).
-- state: subscribing (asked, waiting for the hub's verification), active
-- (verified, lease running), unsubscribed, failed (the hub refused; the
-- source is polled).  Times are unix seconds.
CREATE TABLE websub_in (
	source		TEXT PRIMARY KEY NOT NULL
			REFERENCES sources (name) ON DELETE CASCADE,
	hub		TEXT NOT NULL,
	topic		TEXT NOT NULL,
	secret		TEXT NOT NULL,
	state		TEXT NOT NULL
			CHECK (state IN ('subscribing', 'active',
			    'unsubscribed', 'failed')),
	lease_expires	INTEGER NOT NULL DEFAULT 0,
	requested	INTEGER NOT NULL DEFAULT 0,
	last_push	INTEGER NOT NULL DEFAULT 0,
	pushes		INTEGER NOT NULL DEFAULT 0,
	error		TEXT
);
