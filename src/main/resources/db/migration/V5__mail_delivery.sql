-- Channel settings (JSON; secrets inside are encrypted), where a product finds its recipient and
-- the subject of its mails, and the outcome of synchronous mail delivery per request.
alter table channel add column settings text;
alter table product add column recipient_path varchar(250);
alter table product add column mail_subject varchar(250);
alter table omsJobQueueItems add column mail_status varchar(16);
alter table omsJobQueueItems add column mail_failure varchar(500);

-- The sample customers get e-mail addresses, so that PRINT1 letters can be mailed.
alter table sample_customer add column email varchar(254);
update sample_customer set email = 'clara.jensen@example.com' where customer_no = '1';
update sample_customer set email = 'tomas.okafor@example.com' where customer_no = '2';
update sample_customer set email = 'priya.raman@example.com' where customer_no = '3';
