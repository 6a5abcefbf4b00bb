-- Values the instances of one installation share, such as generated account passwords.
create table oms_setting (
    setting_name   varchar(64)   primary key,
    setting_value  varchar(1000) not null
);
