-- SMS and WhatsApp: a text template per version, where a product finds the phone number, and the
-- outcome of each text delivery per request (the rendered text is kept as a .txt output).
alter table template_version add column message_text text;
alter table product add column phone_path varchar(250);
alter table omsJobQueueItems add column message_path_name varchar(1024);
alter table omsJobQueueItems add column phone_recipient varchar(32);
alter table omsJobQueueItems add column message_status varchar(16);
alter table omsJobQueueItems add column message_failure varchar(500);
alter table omsJobQueueItems add column message_channel varchar(32);
alter table omsJobQueueItems add column whatsapp_status varchar(16);
alter table omsJobQueueItems add column whatsapp_failure varchar(500);
alter table omsJobQueueItems add column whatsapp_channel varchar(32);
