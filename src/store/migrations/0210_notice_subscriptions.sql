-- Subscribing to notice changes is confirmed by email (double opt-in), and every mail can end it.

ALTER TABLE notice_subscribers
  ADD COLUMN status text NOT NULL DEFAULT 'confirmed'
    CHECK (status IN ('pending', 'confirmed', 'unsubscribed')),
  -- The language of the page they subscribed from: their confirmation mail and links use it.
  ADD COLUMN lang text NOT NULL DEFAULT 'en',
  -- sha256 of the one-time confirmation token; cleared once used.
  ADD COLUMN token_hash text,
  ADD COLUMN confirmation_sent_at timestamptz,
  ADD COLUMN confirmed_at timestamptz,
  ADD COLUMN unsubscribed_at timestamptz;

-- Addresses added before confirmation existed keep receiving what they asked for (every mail
-- now has a link to stop); from now on a new subscriber waits for their confirmation.
ALTER TABLE notice_subscribers ALTER COLUMN status SET DEFAULT 'pending';

CREATE INDEX notice_subscribers_token ON notice_subscribers (workspace_id, token_hash);

-- A notification owed to someone who unsubscribed before it went out is cancelled, not sent.
ALTER TABLE notice_notifications DROP CONSTRAINT notice_notifications_status_check;
ALTER TABLE notice_notifications ADD CONSTRAINT notice_notifications_status_check
  CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled'));
