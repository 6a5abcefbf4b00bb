-- A small customer table that the sample product PRINT1 reads through its configured query
-- (processUsingDB, masterKey = customer_no).
create table sample_customer (
    customer_no     varchar(50)   primary key,
    title           varchar(16),
    first_name      varchar(64)   not null,
    last_name       varchar(64)   not null,
    address_line1   varchar(128)  not null,
    address_line2   varchar(128),
    city            varchar(64)   not null,
    postal_code     varchar(16)   not null,
    country         varchar(64)   not null,
    policy_number   varchar(32)   not null,
    premium_amount  decimal(12, 2) not null,
    currency        varchar(3)    not null,
    renewal_date    date          not null
);

insert into sample_customer values
 ('1', 'Ms', 'Clara', 'Jensen', '14 Harbour Lane', 'Flat 3', 'Bristol', 'BS1 4QA', 'United Kingdom',
  'HOM-2024-0001', 1249.50, 'EUR', date '2025-03-01'),
 ('2', 'Mr', 'Tomas', 'Okafor', '7 Rue des Lilas', null, 'Lyon', '69003', 'France',
  'CAR-2024-0417', 684.20, 'EUR', date '2025-06-15'),
 ('3', 'Dr', 'Priya', 'Raman', '221 Lakeview Road', 'Suite 12', 'Pune', '411001', 'India',
  'LIF-2023-1188', 2310.00, 'EUR', date '2025-01-20');
