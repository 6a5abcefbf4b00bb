-- One archive entry per request at most, and the record key kept for queued archival.
create unique index ux_archive_request on archived_document (request_id);
alter table omsJobQueueItems add column master_key varchar(50);
