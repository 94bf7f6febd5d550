-- Metabase (0.5x) PostgreSQL driver: the connection test and a database sync. Written from
-- src/metabase/driver/postgres.clj (describe-database / describe-fields-sql / describe-fks-sql /
-- describe-indexes-sql, rendered by HoneySQL with ANSI quoting and ? parameters) and
-- sql_jdbc/sync/describe_database.clj (table privileges), and from a PostgreSQL log of a Metabase
-- 0.55.1 session (datafusion-contrib/datafusion-postgres tests/metabase.rs). Metabase talks to
-- the server through pgjdbc, so everything uses the extended protocol; HoneySQL parameters are
-- bound with setObject (strings as varchar, numbers as int8).

-- name: pgjdbc_extra_float_digits
-- source: Metabase 0.55.1 session (PostgreSQL log), pgjdbc connection setup
-- protocol: extended
SET extra_float_digits = 2

-- name: application_name
-- source: Metabase 0.55.1 session (PostgreSQL log)
-- protocol: extended
SET application_name = 'Metabase v0.55.1 [f8f63fdf-d8f8-4573-86ea-4fe4a9548041]'

-- name: isolation_level
-- source: Metabase 0.55.1 session (PostgreSQL log) (c3p0 pool checks the default isolation)
-- protocol: extended
-- expect: rows=1
SHOW TRANSACTION ISOLATION LEVEL

-- name: read_uncommitted
-- source: Metabase 0.55.1 session (PostgreSQL log) (sql-jdbc.execute sets the sync connection read-uncommitted)
-- protocol: extended
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ UNCOMMITTED

-- name: can_connect
-- source: Metabase sql-jdbc.connection/can-connect? (connection test)
-- protocol: extended
-- expect: contains 1
SELECT 1

-- name: timezone
-- source: Metabase postgres.clj driver/db-default-timezone
-- protocol: extended
-- expect: rows=1
show timezone;

-- name: schemas
-- source: pgjdbc PgDatabaseMetaData.getSchemas, called by Metabase driver/syncable-schemas (PostgreSQL 15 log of pgjdbc 42.5)
-- protocol: extended
-- expect: contains public
SELECT nspname AS TABLE_SCHEM, NULL AS TABLE_CATALOG FROM pg_catalog.pg_namespace  WHERE nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_'  OR nspname = (pg_catalog.current_schemas(true))[1]) AND (nspname !~ '^pg_toast_temp_'  OR nspname = replace((pg_catalog.current_schemas(true))[1], 'pg_temp_', 'pg_toast_temp_'))  ORDER BY TABLE_SCHEM

-- name: table_privileges
-- source: Metabase postgres.clj / sql-jdbc describe-database: current-user-table-privileges
-- protocol: extended
-- expect: row schema=public,table=corpus_items,select=t
-- expect: row table=corpus_items_view
with table_privileges as (
 select
   NULL as role,
   t.schemaname as schema,
   t.objectname as table,
   pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'update') as update,
   pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'select') as select,
   pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'insert') as insert,
   pg_catalog.has_table_privilege(     current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'delete') as delete
 from (
   select schemaname, tablename as objectname from pg_catalog.pg_tables
   union
   select schemaname, viewname as objectname from pg_catalog.pg_views
   union
   select schemaname, matviewname as objectname from pg_catalog.pg_matviews
 ) t
 where t.schemaname !~ '^pg_'
   and t.schemaname <> 'information_schema'
   and pg_catalog.has_schema_privilege(current_user, t.schemaname, 'usage')
)
select t.*
from table_privileges t

-- name: describe_database
-- source: Metabase postgres.clj get-tables-sql (describe-database)
-- protocol: extended
-- params: ["0", "^pg_", "information_schema", "public"]
-- types: ["int8", "varchar", "varchar", "varchar"]
-- expect: row schema=public,name=corpus_items,type=TABLE
-- expect: row name=corpus_items_view,type=VIEW
SELECT "n"."nspname" AS "schema", "c"."relname" AS "name", CASE "c"."relkind" WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW' WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE NULL END AS "type", "d"."description" AS "description", "stat"."n_live_tup" AS "estimated_row_count" FROM "pg_catalog"."pg_class" AS "c" INNER JOIN "pg_catalog"."pg_namespace" AS "n" ON "c"."relnamespace" = "n"."oid" LEFT JOIN "pg_catalog"."pg_description" AS "d" ON ("c"."oid" = "d"."objoid") AND ("d"."objsubid" = $1) AND ("d"."classoid" = 'pg_class'::regclass) LEFT JOIN "pg_stat_user_tables" AS "stat" ON ("n"."nspname" = "stat"."schemaname") AND ("c"."relname" = "stat"."relname") WHERE ("c"."relnamespace" = "n"."oid") AND ("n"."nspname" !~ $2) AND ("n"."nspname" <> $3) AND c.relkind in ('r', 'p', 'v', 'f', 'm') AND ("n"."nspname" IN ($4)) ORDER BY "type" ASC, "schema" ASC, "name" ASC

-- name: enum_types
-- source: Metabase postgres.clj enum-types (before describe-fields)
-- protocol: extended
-- expect: rows=0
SELECT nspname, typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid IN (SELECT DISTINCT enumtypid FROM pg_enum e)

-- name: describe_fields
-- source: Metabase postgres.clj describe-fields-sql (rendered by HoneySQL)
-- protocol: extended
-- params: ["public", "corpus_items", "public", "corpus_items"]
-- types: ["varchar", "varchar", "varchar", "varchar"]
-- expect: row name=id,database-type=int4,pk?=t,database-required=t
-- expect: row name=price,database-type=numeric,pk?=f
-- expect: row name=name,database-type=varchar,database-required=t
-- expect: row name=created,database-type=timestamp
SELECT "c"."column_name" AS "name", CASE WHEN "c"."udt_schema" IN ('public', 'pg_catalog') THEN FORMAT('%s', "c"."udt_name") ELSE FORMAT('"%s"."%s"', "c"."udt_schema", "c"."udt_name") END AS "database-type", "c"."ordinal_position" - 1 AS "database-position", "c"."table_schema" AS "table-schema", "c"."table_name" AS "table-name", "pk"."column_name" IS NOT NULL AS "pk?", COL_DESCRIPTION(CAST(CAST(FORMAT('%I.%I', CAST("c"."table_schema" AS TEXT), CAST("c"."table_name" AS TEXT)) AS REGCLASS) AS OID), "c"."ordinal_position") AS "field-comment", (("column_default" IS NULL) OR (LOWER("column_default") = 'null')) AND ("is_nullable" = 'NO') AND NOT ((("column_default" IS NOT NULL) AND ("column_default" LIKE '%nextval(%')) OR ("is_identity" <> 'NO')) AS "database-required", (("column_default" IS NOT NULL) AND ("column_default" LIKE '%nextval(%')) OR ("is_identity" <> 'NO') AS "database-is-auto-increment" FROM "information_schema"."columns" AS "c" LEFT JOIN (SELECT "tc"."table_schema", "tc"."table_name", "kc"."column_name" FROM "information_schema"."table_constraints" AS "tc" INNER JOIN "information_schema"."key_column_usage" AS "kc" ON ("tc"."constraint_name" = "kc"."constraint_name") AND ("tc"."table_schema" = "kc"."table_schema") AND ("tc"."table_name" = "kc"."table_name") WHERE "tc"."constraint_type" = 'PRIMARY KEY') AS "pk" ON ("c"."table_schema" = "pk"."table_schema") AND ("c"."table_name" = "pk"."table_name") AND ("c"."column_name" = "pk"."column_name") WHERE c.table_schema !~ '^information_schema|catalog_history|pg_' AND ("c"."table_schema" IN ($1)) AND ("c"."table_name" IN ($2)) UNION ALL SELECT "pa"."attname" AS "name", CASE WHEN "ptn"."nspname" IN ('public', 'pg_catalog') THEN FORMAT('%s', "pt"."typname") ELSE FORMAT('"%s"."%s"', "ptn"."nspname", "pt"."typname") END AS "database-type", "pa"."attnum" - 1 AS "database-position", "pn"."nspname" AS "table-schema", "pc"."relname" AS "table-name", FALSE AS "pk?", NULL AS "field-comment", FALSE AS "database-required", FALSE AS "database-is-auto-increment" FROM "pg_catalog"."pg_class" AS "pc" INNER JOIN "pg_catalog"."pg_namespace" AS "pn" ON "pn"."oid" = "pc"."relnamespace" INNER JOIN "pg_catalog"."pg_attribute" AS "pa" ON "pa"."attrelid" = "pc"."oid" INNER JOIN "pg_catalog"."pg_type" AS "pt" ON "pt"."oid" = "pa"."atttypid" INNER JOIN "pg_catalog"."pg_namespace" AS "ptn" ON "ptn"."oid" = "pt"."typnamespace" WHERE ("pc"."relkind" = 'm') AND ("pa"."attnum" >= 1) AND ("pn"."nspname" IN ($3)) AND ("pc"."relname" IN ($4)) ORDER BY "table-schema" ASC, "table-name" ASC, "database-position" ASC

-- name: describe_fks
-- source: Metabase postgres.clj describe-fks-sql (rendered by HoneySQL)
-- protocol: extended
-- params: ["corpus_items", "public"]
-- types: ["varchar", "varchar"]
-- expect: rows=0
SELECT "fk_ns"."nspname" AS "fk-table-schema", "fk_table"."relname" AS "fk-table-name", "fk_column"."attname" AS "fk-column-name", "pk_ns"."nspname" AS "pk-table-schema", "pk_table"."relname" AS "pk-table-name", "pk_column"."attname" AS "pk-column-name" FROM "pg_constraint" AS "c" INNER JOIN "pg_class" AS "fk_table" ON "c"."conrelid" = "fk_table"."oid" INNER JOIN "pg_namespace" AS "fk_ns" ON "c"."connamespace" = "fk_ns"."oid" INNER JOIN "pg_attribute" AS "fk_column" ON "c"."conrelid" = "fk_column"."attrelid" INNER JOIN "pg_class" AS "pk_table" ON "c"."confrelid" = "pk_table"."oid" INNER JOIN "pg_namespace" AS "pk_ns" ON "pk_table"."relnamespace" = "pk_ns"."oid" INNER JOIN "pg_attribute" AS "pk_column" ON "c"."confrelid" = "pk_column"."attrelid" WHERE fk_ns.nspname !~ '^information_schema|catalog_history|pg_' AND ("c"."contype" = 'f'::char) AND ("fk_column"."attnum" = ANY(c.conkey)) AND ("pk_column"."attnum" = ANY(c.confkey)) AND ("fk_table"."relname" IN ($1)) AND ("fk_ns"."nspname" IN ($2)) ORDER BY "fk-table-schema" ASC, "fk-table-name" ASC

-- name: describe_indexes
-- source: Metabase postgres.clj describe-indexes-sql (rendered by HoneySQL)
-- protocol: extended
-- params: ["public", "corpus_items", "1"]
-- types: ["varchar", "varchar", "int8"]
-- expect: row table-name=corpus_items,field-name=id
-- expect: row table-name=corpus_items,field-name=name
SELECT "tmp"."table-schema", "tmp"."table-name", TRIM(BOTH '"' FROM PG_CATALOG.PG_GET_INDEXDEF("tmp"."ci_oid", "tmp"."pos", FALSE)) AS "field-name" FROM (SELECT "n"."nspname" AS "table-schema", "ct"."relname" AS "table-name", "ci"."oid" AS "ci_oid", (INFORMATION_SCHEMA._PG_EXPANDARRAY("i"."indkey")).n AS "pos" FROM "pg_catalog"."pg_class" AS "ct" INNER JOIN "pg_catalog"."pg_namespace" AS "n" ON "ct"."relnamespace" = "n"."oid" INNER JOIN "pg_catalog"."pg_index" AS "i" ON "ct"."oid" = "i"."indrelid" INNER JOIN "pg_catalog"."pg_class" AS "ci" ON "ci"."oid" = "i"."indexrelid" WHERE (PG_CATALOG.PG_GET_EXPR("i"."indpred", "i"."indrelid") IS NULL) AND n.nspname !~ '^information_schema|catalog_history|pg_' AND ("n"."nspname" IN ($1)) AND ("ct"."relname" IN ($2))) AS "tmp" WHERE "tmp"."pos" = $3

-- name: read_committed
-- source: Metabase 0.55.1 session (PostgreSQL log)
-- protocol: extended
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED

-- name: fingerprint_sample
-- source: Metabase sync fingerprinting: a limited sample of the table, as its query processor writes it
-- protocol: extended
-- expect: rows=3
SELECT "public"."corpus_items"."id" AS "id", "public"."corpus_items"."name" AS "name", "public"."corpus_items"."price" AS "price", "public"."corpus_items"."created" AS "created", "public"."corpus_items"."active" AS "active" FROM "public"."corpus_items" LIMIT 10000
