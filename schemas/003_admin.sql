-- 003_admin.sql — the admin API: bearer tokens with roles, subscribers,
-- coordinators' edits of postings, and group submissions with their
-- moderation state.
--
-- No token is stored in clear: a token is kept as the hex SHA-256 of its
-- text, and so is a subscriber's private-feed token.  A subscriber's
-- webhook secret must be stored as it is (it keys the HMAC of every
-- delivery); the API shows it once, when it is made.

CREATE TABLE subscribers (
	name		TEXT PRIMARY KEY NOT NULL,
	origin		TEXT NOT NULL DEFAULT 'api'
			CHECK (origin IN ('config', 'api')),
	webhook		TEXT,			-- NULL: pulls its feed only
	secret		TEXT NOT NULL,		-- whsec_..., signs deliveries
	filter		TEXT NOT NULL DEFAULT '',
	disabled	INTEGER NOT NULL DEFAULT 0,
	feed_token	TEXT,			-- SHA-256 hex; NULL: public feed
	created		INTEGER NOT NULL,
	updated		INTEGER NOT NULL,
	secret_rotated	INTEGER NOT NULL	-- when the secret was made
);

CREATE TABLE tokens (
	id		TEXT PRIMARY KEY NOT NULL,
	digest		TEXT NOT NULL UNIQUE,	-- SHA-256 hex of the token
	role		TEXT NOT NULL
			CHECK (role IN ('admin', 'coordinator', 'group',
			    'subscriber')),
	organization	TEXT,
	subscriber	TEXT REFERENCES subscribers (name) ON DELETE CASCADE,
	label		TEXT,
	created		INTEGER NOT NULL,
	revoked		INTEGER NOT NULL DEFAULT 0,	-- 0: valid
	-- Coordinators and groups belong to an organization; a subscriber
	-- token acts for exactly one subscriber.
	CHECK ((role IN ('coordinator', 'group')) =
	    (organization IS NOT NULL)),
	CHECK ((role = 'subscriber') = (subscriber IS NOT NULL))
);

-- Pending and rejected postings never appear in a feed.  Postings from
-- sources are published as they arrive (the moderation queue may later
-- hold those of sources with moderation = on).
ALTER TABLE postings ADD COLUMN moderation TEXT NOT NULL DEFAULT 'published'
	CHECK (moderation IN ('published', 'pending', 'rejected'));

CREATE INDEX postings_in_moderation ON postings (moderation)
	WHERE moderation <> 'published';

-- A posting a registered group submitted through the API.
CREATE TABLE submissions (
	posting_id	TEXT PRIMARY KEY NOT NULL
			REFERENCES postings (id) ON DELETE CASCADE,
	organization	TEXT NOT NULL,		-- the submitting group
	token_id	TEXT NOT NULL,		-- the token that submitted it
	submitted	INTEGER NOT NULL,
	decided		INTEGER NOT NULL DEFAULT 0,
	decided_by	TEXT
);

CREATE INDEX submissions_by_organization ON submissions (organization);

-- A field of a posting edited through the API.  The edit wins over the
-- source until the source changes that field: source_value is what the
-- source said when the edit was made, so a fetch that brings another
-- value drops the edit.
CREATE TABLE posting_overrides (
	posting_id	TEXT NOT NULL
			REFERENCES postings (id) ON DELETE CASCADE,
	field		TEXT NOT NULL,
	value		TEXT NOT NULL CHECK (json_valid(value)),
	source_value	TEXT NOT NULL CHECK (json_valid(source_value)),
	editor		TEXT NOT NULL,
	edited		INTEGER NOT NULL,
	PRIMARY KEY (posting_id, field)
);
