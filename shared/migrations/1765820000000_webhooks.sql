-- Up Migration
-- Events for other systems (issue 11). `events` is a transactional outbox: a row is written in the same transaction
-- as the change that causes it (a record archived, a dossier complete or waiting for review, a record disposed, a
-- fixity check failed), so an event exists if and only if its change was committed. Only
-- shared/src/repositories/events.repository.ts writes it (the webhooks relay marks rows dispatched through it).
CREATE TABLE events (
  id bigserial PRIMARY KEY,                       -- allocation order; per dossier also commit order (events.repository.ts)
  webhook_id text NOT NULL UNIQUE,                -- the Standard Webhooks `webhook-id`: the same on every attempt
  type text NOT NULL CHECK (type IN ('record.archived', 'dossier.completed', 'dossier.needs-review', 'record.disposed', 'fixity.failed')),
  unit_id uuid NOT NULL REFERENCES units(id),     -- who may hear of it: keys that may read this unit
  dossier_id uuid REFERENCES dossiers(id),
  dossier_code text,                              -- the order stream: deliveries keep the order per dossier
  record_id uuid,
  data jsonb NOT NULL,                            -- the payload's `data`: codes and ids, never personal data
  occurred_at timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz                       -- set when the relay has made its deliveries
);
CREATE INDEX events_undispatched ON events (id) WHERE dispatched_at IS NULL;
CREATE INDEX events_dossier ON events (dossier_id, type);

-- A system's subscription: events of these types, for what its API key may read, to this URL, signed with this
-- secret (Standard Webhooks, `whsec_…`, shown once). Written by services/webhooks/src/webhooks.repository.ts.
CREATE TABLE webhook_subscriptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  api_key_id uuid NOT NULL REFERENCES api_keys(id),
  url text NOT NULL,
  event_types text[] NOT NULL CHECK (cardinality(event_types) > 0),
  secret text NOT NULL,
  description text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_by text,
  deleted_at timestamptz
);
CREATE INDEX webhook_subscriptions_key ON webhook_subscriptions (api_key_id) WHERE deleted_at IS NULL;

-- One event to one subscription: the delivery log. Written by services/webhooks/src/webhooks.repository.ts.
CREATE TABLE webhook_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  subscription_id uuid NOT NULL REFERENCES webhook_subscriptions(id),
  event_id bigint NOT NULL REFERENCES events(id),
  stream text NOT NULL,                           -- the dossier's code (or the event's own id): in order within it
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
  attempts int NOT NULL DEFAULT 0,
  last_status int,                                -- the receiver's last HTTP status (null: no answer)
  last_error text,
  last_attempt_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subscription_id, event_id)
);
CREATE INDEX webhook_deliveries_stream ON webhook_deliveries (subscription_id, stream, event_id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, created_at DESC);

-- Down Migration
DROP TABLE webhook_deliveries, webhook_subscriptions, events;
