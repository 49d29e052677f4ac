-- A marketing subscription remembers the language of the page the person subscribed from: its
-- confirmation mail and the unsubscribe link given for its list mails are in that language
-- while the program still publishes in it, else in the first published language.
--
-- Existing subscriptions get 'en': until now their pages and mails were English only.
ALTER TABLE subscriptions ADD COLUMN lang text NOT NULL DEFAULT 'en';
