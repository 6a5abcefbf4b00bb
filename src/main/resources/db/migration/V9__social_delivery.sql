-- Facebook and X (Twitter) delivery, kept like SMS and WhatsApp: status, failure, channel, and
-- where a product finds the recipient's id on those networks.
alter table omsJobQueueItems add column facebook_status varchar(16);
alter table omsJobQueueItems add column facebook_failure varchar(500);
alter table omsJobQueueItems add column facebook_channel varchar(32);
alter table omsJobQueueItems add column twitter_status varchar(16);
alter table omsJobQueueItems add column twitter_failure varchar(500);
alter table omsJobQueueItems add column twitter_channel varchar(32);
alter table omsJobQueueItems add column social_recipient varchar(64);
alter table product add column social_id_path varchar(250);
