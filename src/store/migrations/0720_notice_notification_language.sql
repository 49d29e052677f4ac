-- Notice-change notifications are written in the subscriber's language: the log records which.
--
-- The subscriber's language needs no new column: notice_subscribers.lang (0210) has held the
-- language of the page they subscribed from, and it now chooses their notification's language
-- too. Existing subscribers keep what is stored: the language they subscribed in, or 'en' for
-- addresses added before 0210, i.e. English, what they got before. A version not published in
-- that language is mailed in its first published language instead.
ALTER TABLE notice_notifications ADD COLUMN lang text;

-- Until now every notification was written in English.
UPDATE notice_notifications SET lang = 'en' WHERE status = 'sent';
