-- JetBrains DataGrip 2025.2 (and the database tools of IntelliJ IDEA, PyCharm, ...) with pgjdbc:
-- the connection startup as logged by a PostgreSQL server for a DataGrip 2025.2.3 session
-- (published in datafusion-contrib/datafusion-postgres issue 165), and the introspector's
-- database, schema, table, column, index and constraint queries (DataGrip is closed source; the
-- statements are those of DataGrip sessions as reported in public issues: risingwave 14224,
-- doltgresql 791, yugabyte-db 9328, and a JetBrains-IDE compatibility test suite). pgjdbc sends
-- everything with the extended protocol.

-- name: pgjdbc_extra_float_digits
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165)
-- protocol: extended
SET extra_float_digits = 3

-- name: pgjdbc_application_name
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165)
-- protocol: extended
SET application_name = ''

-- name: server_version
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165)
-- protocol: extended
-- expect: match ^PostgreSQL \d+
select version()

-- name: application_name
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165)
-- protocol: extended
SET application_name = 'DataGrip 2025.2.3'

-- name: current_database_and_schemas
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165)
-- protocol: extended
-- expect: row a=pixelsql,b={public}
select current_database() as a, current_schemas(false) as b

-- name: isolation_level
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165)
-- protocol: extended
-- expect: rows=1
SHOW TRANSACTION ISOLATION LEVEL

-- name: current_database_schema_user
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165)
-- protocol: extended
-- expect: contains pixelsql
-- expect: contains public
select current_database(), current_schema(), current_user

-- name: postmaster_start_time
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165)
-- protocol: extended
-- expect: rows=1
select round(extract(epoch from pg_postmaster_start_time() at time zone 'UTC')) as startup_time

-- name: locks_transaction
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165)
-- protocol: extended
-- expect: rows<=1
select L.transactionid::varchar::bigint as transaction_id
from pg_catalog.pg_locks L
where L.transactionid is not null
order by pg_catalog.age(L.transactionid) desc
limit 1

-- name: current_txid
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165)
-- protocol: extended
-- expect: rows=1
select case
  when pg_catalog.pg_is_in_recovery()
    then null
  else
    (pg_catalog.txid_current() % 4294967296)::varchar::bigint
  end as current_txid

-- name: databases
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165)
-- protocol: extended
-- expect: row name=pixelsql,is_template=f
select N.oid::bigint as id,
       datname as name,
       D.description,
       datistemplate as is_template,
       datallowconn as allow_connections,
       pg_catalog.pg_get_userbyid(N.datdba) as "owner"
from pg_catalog.pg_database N
  left join pg_catalog.pg_shdescription D on N.oid = D.objoid
order by case when datname = pg_catalog.current_database() then -1::bigint else N.oid::bigint end

-- name: schemas
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165); also risingwave issue 14224, doltgresql issue 791
-- protocol: extended
-- expect: row name=public
select N.oid::bigint as id,
       N.xmin as state_number,
       nspname as name,
       D.description,
       pg_catalog.pg_get_userbyid(N.nspowner) as "owner"
from pg_catalog.pg_namespace N
  left join pg_catalog.pg_description D on N.oid = D.objoid
order by case when nspname = pg_catalog.current_schema() then -1::bigint else N.oid::bigint end

-- name: pgjdbc_type_is_array
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165) (pgjdbc TypeInfoCache)
-- protocol: extended
-- params: ["28"]
-- types: ["int4"]
-- expect: rows=1
SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid   FROM pg_catalog.pg_type   LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r           from pg_namespace as ns           join ( select s.r, (current_schemas(false))[s.r] as nspname                    from generate_series(1, array_upper(current_schemas(false), 1)) as s(r) ) as r          using ( nspname )        ) as sp     ON sp.nspoid = typnamespace  WHERE pg_type.oid = $1  ORDER BY sp.r, pg_type.oid DESC

-- name: datestyle
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165)
-- protocol: extended
-- expect: match ISO
show DateStyle

-- name: timezones
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165)
-- protocol: extended
-- expect: contains UTC
select name, is_dst from pg_catalog.pg_timezone_names
union distinct
select abbrev as name, is_dst from pg_catalog.pg_timezone_abbrevs

-- name: roles
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165)
-- protocol: extended
-- expect: rows>=1
select R.oid::bigint as role_id, rolname as role_name,
  rolsuper is_super, rolinherit is_inherit,
  rolcreaterole can_createrole, rolcreatedb can_createdb,
  rolcanlogin can_login, rolreplication /* false */ is_replication,
  rolconnlimit conn_limit, rolvaliduntil valid_until,
  rolbypassrls /* false */ bypass_rls, rolconfig config,
  D.description
from pg_catalog.pg_roles R
  left join pg_catalog.pg_shdescription D on D.objoid = R.oid

-- name: role_members
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165)
-- protocol: extended
-- expect: columns id,role_id,admin_option
select member id, roleid role_id, admin_option
from pg_catalog.pg_auth_members order by id, roleid::text

-- name: tablespaces
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165)
-- protocol: extended
-- expect: columns id,name,state_number,owner
select T.oid::bigint as id, T.spcname as name,
       T.xmin as state_number, pg_catalog.pg_get_userbyid(T.spcowner) as owner,
       pg_catalog.pg_tablespace_location(T.oid) /* null */ as location,
       T.spcoptions /* null */ as options,
       D.description as comment
from pg_catalog.pg_tablespace T
  left join pg_catalog.pg_shdescription D on D.objoid = T.oid
--  where pg_catalog.age(T.xmin) <= #TXAGE

-- name: acls
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165)
-- protocol: extended
-- expect: rows>=1
select T.oid as object_id,
       T.spcacl as acl
from pg_catalog.pg_tablespace T
union all
select T.oid as object_id,
       T.datacl as acl
from pg_catalog.pg_database T

-- name: pgjdbc_type_name
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165) (pgjdbc TypeInfoCache)
-- protocol: extended
-- params: ["1034"]
-- types: ["int4"]
-- expect: rows=1
SELECT n.nspname = ANY(current_schemas(true)), n.nspname, t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid WHERE t.oid = $1

-- name: pgjdbc_array_delimiter
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165) (pgjdbc TypeInfoCache)
-- protocol: extended
-- params: ["1034"]
-- types: ["int4"]
-- expect: rows=1
SELECT e.typdelim FROM pg_catalog.pg_type t, pg_catalog.pg_type e WHERE t.oid = $1 and t.typelem = e.oid

-- name: pgjdbc_array_element
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165) (pgjdbc TypeInfoCache)
-- protocol: extended
-- params: ["1034"]
-- types: ["int4"]
-- expect: rows=1
SELECT e.oid, n.nspname = ANY(current_schemas(true)), n.nspname, e.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_type e ON t.typelem = e.oid JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid WHERE t.oid = $1

-- name: ssl_status
-- source: DataGrip 2025.2.3 startup (PostgreSQL log, datafusion-postgres issue 165)
-- protocol: extended
-- expect: rows=1
select ssl from pg_stat_ssl where pid = pg_backend_pid()

-- name: tables
-- source: DataGrip introspector (JetBrains-IDE compatibility queries)
-- protocol: extended
-- expect: row table_kind=r,table_name=corpus_items
-- expect: row table_kind=v,table_name=corpus_items_view
select T.relkind as table_kind, T.relname as table_name, T.oid as table_id
from pg_catalog.pg_class T
where relnamespace = {schema_oid}
  and relkind in ('r', 'm', 'v', 'f', 'p')
order by table_kind, table_id

-- name: columns
-- source: DataGrip introspector (JetBrains-IDE compatibility queries)
-- protocol: extended
-- expect: row table_name=corpus_items,column_name=price,type_spec=numeric(10,2),mandatory=f
-- expect: row table_name=corpus_items,column_name=name,type_spec=character varying(20),mandatory=t
-- expect: row table_name=corpus_items_view,column_name=id
with T as ( select distinct T.oid as table_id, T.relname as table_name
            from pg_catalog.pg_class T, pg_catalog.pg_attribute A
            where T.relnamespace = {schema_oid}
              and T.relkind in ('r', 'm', 'v', 'f', 'p')
              and A.attrelid = T.oid )
select T.table_id, T.table_name,
       C.attnum as column_position,
       C.attname as column_name,
       C.xmin as column_state_number,
       C.atttypmod as type_mod,
       C.attndims as dimensions_number,
       pg_catalog.format_type(C.atttypid, C.atttypmod) as type_spec,
       C.atttypid as type_id,
       C.attnotnull as mandatory,
       pg_catalog.pg_get_expr(D.adbin, D.adrelid) /* D.adsrc */ as column_default_expression,
       not C.attislocal as column_is_inherited,
       C.attisdropped as column_is_dropped
from T
  join pg_catalog.pg_attribute C on T.table_id = C.attrelid
  left join pg_catalog.pg_attrdef D on (C.attrelid, C.attnum) = (D.adrelid, D.adnum)
where attnum > 0
order by table_id, attnum

-- name: indexes
-- source: DataGrip introspector (JetBrains-IDE compatibility queries)
-- protocol: extended
-- expect: row index_name=corpus_items_name_idx,is_unique=f,is_primary=f
-- expect: row is_primary=t
select tab.oid table_id,
       tab.relkind table_kind,
       ind_stor.relname index_name,
       ind_head.indexrelid index_id,
       ind_head.indisunique is_unique,
       ind_head.indisprimary is_primary,
       opcmethod as access_method_id
from pg_catalog.pg_class tab
     join pg_catalog.pg_index ind_head on ind_head.indrelid = tab.oid
     join pg_catalog.pg_class ind_stor
          on tab.relnamespace = ind_stor.relnamespace and ind_stor.oid = ind_head.indexrelid
     left join pg_catalog.pg_opclass on pg_opclass.oid = ANY(indclass)
where tab.relnamespace = {schema_oid}
  and tab.relkind in ('r', 'm', 'v', 'p')
  and ind_stor.relkind in ('i', 'I')

-- name: constraints
-- source: DataGrip introspector (JetBrains-IDE compatibility queries)
-- protocol: extended
-- expect: row con_kind=p,con_columns={1}
select T.oid table_id,
       relkind table_kind,
       C.oid::bigint con_id,
       conname con_name,
       contype con_kind,
       C.conkey as con_columns
from pg_catalog.pg_constraint C
     join pg_catalog.pg_class T on C.conrelid = T.oid
where relkind in ('r', 'v', 'f', 'p')
  and relnamespace = {schema_oid}
  and contype in ('p', 'u', 'f', 'c', 'x')
  and connamespace = {schema_oid}

-- name: sequences
-- source: DataGrip introspector (JetBrains-IDE compatibility queries)
-- protocol: extended
-- expect: columns sequence_name,sequence_id
select cls.relname as sequence_name, sq.seqrelid as sequence_id
from pg_catalog.pg_sequence sq
     join pg_catalog.pg_class cls on sq.seqrelid = cls.oid
where cls.relnamespace = {schema_oid}

-- name: access_methods
-- source: DataGrip introspector (JetBrains-IDE compatibility queries)
-- protocol: extended
-- expect: contains btree
select A.oid as access_method_id,
       A.amname as access_method_name,
       A.amhandler::oid as handler_id,
       A.amtype as access_method_type
from pg_am A
     join pg_proc P on A.amhandler::oid = P.oid
     join pg_namespace N on P.pronamespace = N.oid

-- name: extensions
-- source: DataGrip introspector (JetBrains-IDE compatibility queries)
-- protocol: extended
-- expect: columns id,name,version
select E.oid as id, extname as name, extversion as version
from pg_catalog.pg_extension E
     join pg_namespace N on E.extnamespace = N.oid

-- name: languages
-- source: DataGrip introspector (JetBrains-IDE compatibility queries)
-- protocol: extended
-- expect: contains sql
select l.oid as id, lanname as name
from pg_catalog.pg_language l
order by lanname
