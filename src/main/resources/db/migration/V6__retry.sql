-- What a retry needs to deliver a request's mail again: the recipient the first attempt used and
-- the extra attachment the request named.
alter table omsJobQueueItems add column mail_recipient varchar(320);
alter table omsJobQueueItems add column attachments_location varchar(100);
