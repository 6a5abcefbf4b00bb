-- OAuth mode: client applications registered per cabinet, and the application a session was
-- opened for (null for plain sessionId sessions). An OAuth session keeps its row here, keyed by
-- the SHA-256 of the token's id (jti), so that disconnecting revokes the token on every instance.
create table oms_application (
    app_id      varchar(64)   primary key,
    cabinet_id  bigint        not null references cabinet (id),
    name        varchar(100)  not null,
    created_at  timestamp with time zone not null
);
create index ix_application_cabinet on oms_application (cabinet_id);

alter table oms_session add column app_id varchar(64);
