-- psqlODBC (the PostgreSQL ODBC driver, which Tableau and Excel use): connecting, then what
-- Tableau's connection dialog asks through ODBC catalog calls -- SQLTables (schemas, tables),
-- SQLColumns, SQLPrimaryKeys, SQLStatistics -- its temp-table capability probe and a data
-- fetch through a cursor (UseDeclareFetch). Written from postgresql-interfaces/psqlodbc
-- connection.c (CC_send_settings, CC_lookup_lo) and info.c (PGAPI_Tables, PGAPI_Columns,
-- PGAPI_PrimaryKeys, PGAPI_Statistics) as they render against a server with
-- standard_conforming_strings on (no E'' literals; LIKE patterns keep backslash escapes).
-- psqlODBC sends catalog queries without parameters through the simple protocol.

-- name: connect_settings
-- source: psqlODBC connection.c CC_send_settings (driver defaults, one message)
-- protocol: simple
-- expect: rows=1
SET DateStyle = 'ISO';SET extra_float_digits = 2;show transaction_isolation

-- name: large_object_type
-- source: psqlODBC connection.c CC_lookup_lo
-- protocol: simple
-- expect: rows=0
select oid, typbasetype from pg_type where typname = 'lo'

-- name: client_encoding
-- source: psqlODBC connection.c CC_lookup_characterset
-- protocol: simple
-- expect: contains UTF8
select pg_client_encoding()

-- name: server_version
-- source: Tableau "PostgreSQL" ODBC connection: server version for capability checks
-- protocol: simple
-- expect: match ^PostgreSQL \d+
select version()

-- name: tables_list_schemas
-- source: psqlODBC info.c PGAPI_Tables with SQL_ALL_SCHEMAS (Tableau schema list)
-- protocol: simple
-- expect: contains public
-- expect: absent pg_catalog
select NULL, nspname, NULL from pg_catalog.pg_namespace n where true and nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'pg_temp_1') order by nspname

-- name: tables_in_schema
-- source: psqlODBC info.c PGAPI_Tables (schema "public", all tables, search pattern)
-- protocol: simple
-- expect: row relname=corpus_items,nspname=public,relkind=r
-- expect: row relname=corpus_items_view,relkind=v
select relname, nspname, relkind from pg_catalog.pg_class c, pg_catalog.pg_namespace n where relkind in ('r', 'v', 'm', 'f', 'p') and nspname like 'public' and nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'pg_temp_1') and n.oid = relnamespace order by nspname, relname

-- name: tables_by_escaped_name
-- source: psqlODBC info.c PGAPI_Tables with a table-name pattern (underscores escaped by adjustLikePattern)
-- protocol: simple
-- expect: rows=1
-- expect: contains corpus_items
select relname, nspname, relkind from pg_catalog.pg_class c, pg_catalog.pg_namespace n where relkind in ('r', 'v', 'm', 'f', 'p') and nspname like 'public' and relname like 'corpus\_items' and nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'pg_temp_1') and n.oid = relnamespace order by nspname, relname

-- name: columns
-- source: psqlODBC info.c PGAPI_Columns (table corpus_items, schema public, all columns)
-- protocol: simple
-- expect: rows=5
-- expect: row attname=name,typname=varchar,atttypmod=24,attnotnull=t
-- expect: row attname=price,typname=numeric,atttypmod=655366
-- expect: row attname=id,typname=int4,attnum=1
select n.nspname, c.relname, a.attname, a.atttypid, t.typname, a.attnum, a.attlen, a.atttypmod, a.attnotnull, c.relhasrules, c.relkind, c.oid, pg_get_expr(d.adbin, d.adrelid), case t.typtype when 'd' then t.typbasetype else 0 end, t.typtypmod, 0, attidentity, c.relhassubclass from (((pg_catalog.pg_class c inner join pg_catalog.pg_namespace n on n.oid = c.relnamespace and c.relname like 'corpus\_items' and n.nspname like 'public') inner join pg_catalog.pg_attribute a on (not a.attisdropped) and a.attnum > 0 and a.attrelid = c.oid) inner join pg_catalog.pg_type t on t.oid = a.atttypid) left outer join pg_attrdef d on a.atthasdef and d.adrelid = a.attrelid and d.adnum = a.attnum order by n.nspname, c.relname, attnum

-- name: special_columns
-- source: psqlODBC info.c PGAPI_SpecialColumns (is the table a view?)
-- protocol: simple
-- expect: row relkind=r
select c.relhasrules, c.relkind, 0 as relhasoids from pg_catalog.pg_namespace u, pg_catalog.pg_class c where u.oid = c.relnamespace and c.relname = 'corpus_items' and u.nspname = 'public'

-- name: primary_keys
-- source: psqlODBC info.c PGAPI_PrimaryKeys
-- protocol: simple
-- expect: rows=1
-- expect: row attname=id,attnum=1
select ta.attname, ia.attnum, ic.relname, n.nspname, tc.relname from pg_catalog.pg_attribute ta, pg_catalog.pg_attribute ia, pg_catalog.pg_class tc, pg_catalog.pg_index i, pg_catalog.pg_namespace n, pg_catalog.pg_class ic where tc.relname = 'corpus_items' AND n.nspname = 'public' AND tc.oid = i.indrelid AND n.oid = tc.relnamespace AND i.indisprimary = 't' AND ia.attrelid = i.indexrelid AND ta.attrelid = i.indrelid AND ta.attnum = i.indkey[ia.attnum-1] AND (NOT ta.attisdropped) AND (NOT ia.attisdropped) AND ic.oid = i.indexrelid order by ia.attnum

-- name: statistics_indexes
-- source: psqlODBC info.c PGAPI_Statistics (indexes of the table)
-- protocol: simple
-- expect: rows=2
-- expect: row relname=corpus_items_name_idx,indkey=2,indisunique=f,amname=btree
select c.relname, i.indkey, i.indisunique, i.indisclustered, a.amname, c.relhasrules, n.nspname, c.oid, 0, i.indoption from pg_catalog.pg_index i, pg_catalog.pg_class c, pg_catalog.pg_class d, pg_catalog.pg_am a, pg_catalog.pg_namespace n where d.relname = 'corpus_items' and n.nspname = 'public' and n.oid = d.relnamespace and d.oid = i.indrelid and i.indexrelid = c.oid and c.relam = a.oid order by i.indisprimary desc, i.indisunique, n.nspname, c.relname

-- name: temp_table_probe
-- source: Tableau connection probe for temporary-table support (sent through the ODBC driver)
-- protocol: simple
CREATE LOCAL TEMPORARY TABLE "#Tableau_1_Connect" ("COL" INTEGER) ON COMMIT PRESERVE ROWS

-- name: temp_table_probe_drop
-- source: Tableau connection probe cleanup
-- protocol: simple
DROP TABLE "#Tableau_1_Connect"

-- name: declare_fetch
-- source: psqlODBC statement.c with UseDeclareFetch=1: a query becomes BEGIN + DECLARE + first FETCH in one message
-- protocol: simple
-- expect: rows=3
-- expect: row name=widget,sum_price_ok=12.50
BEGIN;declare "SQL_CUR0x55d3c1a0" cursor with hold for SELECT "corpus_items"."name" AS "name", SUM("corpus_items"."price") AS "sum_price_ok" FROM "public"."corpus_items" "corpus_items" GROUP BY 1 ORDER BY 1;fetch 100 in "SQL_CUR0x55d3c1a0"

-- name: declare_fetch_next
-- source: psqlODBC: the next block of the cursor
-- protocol: simple
-- expect: rows=0
fetch 100 in "SQL_CUR0x55d3c1a0"

-- name: declare_close
-- source: psqlODBC: closing the cursor and ending the transaction
-- protocol: simple
close "SQL_CUR0x55d3c1a0";COMMIT
