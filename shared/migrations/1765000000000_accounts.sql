-- Up Migration
-- The access layer: units form a tree; people sign in with a password (or, later, OpenID Connect) and hold roles
-- at units; systems hold API keys limited to units and scopes. Secrets are stored only as hashes.

ALTER TABLE units
  ADD COLUMN parent_id uuid REFERENCES units(id),
  ADD COLUMN kind text CHECK (kind IN ('province', 'district', 'ward', 'department', 'other')),
  ADD CONSTRAINT units_not_own_parent CHECK (parent_id IS DISTINCT FROM id);
CREATE INDEX units_parent ON units (parent_id);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username text NOT NULL,
  unit_id uuid REFERENCES units(id),          -- NULL for the global admin
  display_name text NOT NULL,
  password_hash text,                         -- Argon2id PHC string; NULL: signs in by OpenID Connect only
  password_changed_at timestamptz,
  disabled_at timestamptz,
  -- Repeated failures lock the sign-in (login_throttle keeps the count for every name tried, known or not, so
  -- a lockout answers alike for both); these mirror it for the person's own row, for the people list.
  failed_logins int NOT NULL DEFAULT 0,
  locked_until timestamptz,
  oidc_subject text UNIQUE,                   -- issuer + subject of a central sign-on identity, when linked
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username ON users (lower(username));

CREATE TABLE user_roles (
  user_id uuid NOT NULL REFERENCES users(id),
  role text NOT NULL CHECK (role IN ('clerk', 'archivist', 'archive-lead', 'unit-admin', 'auditor', 'admin')),
  unit_id uuid REFERENCES units(id),
  granted_by text NOT NULL,
  granted_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'admin') = (unit_id IS NULL))  -- admin holds everything everywhere; every other role at a unit
);
CREATE UNIQUE INDEX user_roles_once ON user_roles (user_id, role, coalesce(unit_id, '00000000-0000-0000-0000-000000000000'));

-- Web sign-in sessions. The cookie carries a random id; only its SHA-256 is stored.
CREATE TABLE sessions (
  id_sha256 text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id),
  csrf_token text NOT NULL,
  via text NOT NULL CHECK (via IN ('password', 'oidc')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Sign-in attempts per name (consecutive failures → lockout) and per address + name (rate limit). Keys are
-- SHA-256 of the name or address + name, so the table lists no usernames nor addresses.
CREATE TABLE login_throttle (
  key_sha256 text PRIMARY KEY,
  attempts int NOT NULL,
  window_started_at timestamptz NOT NULL DEFAULT now(),
  blocked_until timestamptz
);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  owner_unit_id uuid NOT NULL REFERENCES units(id),
  unit_ids uuid[] NOT NULL CHECK (cardinality(unit_ids) > 0),
  scopes text[] NOT NULL CHECK (cardinality(scopes) > 0),
  key_sha256 text NOT NULL UNIQUE,            -- only the hash is kept; the key is shown once
  key_prefix text NOT NULL,                   -- its first characters, to tell keys apart in a list
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX api_keys_owner ON api_keys (owner_unit_id);

-- Down Migration
DROP TABLE api_keys, login_throttle, sessions, user_roles, users;
ALTER TABLE units DROP COLUMN kind, DROP COLUMN parent_id;
