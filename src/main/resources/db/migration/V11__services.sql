-- The asynchronous services of each cabinet (OMSServiceManager): the desired number of workers
-- lives here, so every instance follows it and it survives restarts.
create table oms_service (
    cabinet_id       bigint       not null references cabinet (id),
    id               bigint       not null,
    name             varchar(64)  not null,
    service_type     varchar(64)  not null,
    channel_name     varchar(32),
    work_kind        varchar(16),
    desired_count    integer      not null default 0,
    processed_count  bigint       not null default 0,
    updated_at       timestamp with time zone not null,
    constraint pk_oms_service primary key (cabinet_id, id)
);
