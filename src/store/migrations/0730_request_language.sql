-- A data subject request remembers the language of the privacy-center page it was made on;
-- every mail to the person about it is written in that language while the program still
-- publishes in it (notice.languages), else in the first published language.
--
-- Existing requests get 'en': until now the privacy center and its mails were English only, so
-- English is what those people used and were written to. Where the program no longer
-- publishes in English, their later mails come in its first published language.
ALTER TABLE dsr_requests ADD COLUMN lang text NOT NULL DEFAULT 'en';
