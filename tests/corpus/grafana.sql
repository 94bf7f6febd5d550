-- Grafana's PostgreSQL data source: "Save & test", the version and TimescaleDB detection of the
-- configuration page, the query editor's schema/table/column pickers and a time-series panel
-- query after macro expansion. Written from grafana/grafana
-- public/app/plugins/datasource/grafana-postgresql-datasource/postgresMetaQuery.ts,
-- datasource.ts and pkg/tsdb/grafana-postgresql-datasource/macros.go. Grafana has used lib/pq
-- (simple protocol for statements without parameters) and now pgx (extended protocol), so each
-- statement is sent both ways.

-- name: health_check_ping
-- source: Grafana pgx/handler_checkhealth.go: Ping (pgx sends an empty statement "-- ping")
-- protocol: simple
-- ping

-- name: health_check_select
-- source: Grafana sqleng handler_checkhealth.go (lib/pq era): db.Ping / SELECT 1
-- protocol: both
-- expect: contains 1
SELECT 1

-- name: version
-- source: Grafana postgresMetaQuery.ts getVersion (configuration page auto-detection)
-- protocol: both
-- expect: match ^\d{3,4}$
SELECT current_setting('server_version_num')::int/100 as version

-- name: timescaledb_version
-- source: Grafana postgresMetaQuery.ts getTimescaleDBVersion
-- protocol: both
-- expect: rows=0
SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'

-- name: schemas
-- source: Grafana postgresMetaQuery.ts showSchemas
-- protocol: both
-- expect: contains public
-- expect: absent pg_catalog
SELECT schema_name AS "name"
    FROM information_schema.schemata
    WHERE schema_name NOT IN ('information_schema',
                              'pg_catalog',
                              'pg_toast',
                              '_timescaledb_cache',
                              '_timescaledb_catalog',
                              '_timescaledb_internal',
                              '_timescaledb_config',
                              'timescaledb_information',
                              'timescaledb_experimental')
    ORDER BY schema_name

-- name: tables
-- source: Grafana postgresMetaQuery.ts showTables() (tables on the search path unqualified)
-- protocol: both
-- expect: contains corpus_items
-- expect: contains corpus_items_view
SELECT
    CASE WHEN 
          quote_ident(table_schema) IN (
          SELECT
            CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM
            generate_series(
              array_lower(string_to_array(current_setting('search_path'),','),1),
              array_upper(string_to_array(current_setting('search_path'),','),1)
            ) as i,
            string_to_array(current_setting('search_path'),',') s
          )
      THEN quote_ident(table_name)
      ELSE quote_ident(table_schema) || '.' || quote_ident(table_name)
    END AS "table"
    FROM information_schema.tables
    WHERE quote_ident(table_schema) NOT IN ('information_schema',
                             'pg_catalog',
                             '_timescaledb_cache',
                             '_timescaledb_catalog',
                             '_timescaledb_internal',
                             '_timescaledb_config',
                             'timescaledb_information',
                             'timescaledb_experimental')
    ORDER BY CASE WHEN 
          quote_ident(table_schema) IN (
          SELECT
            CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM
            generate_series(
              array_lower(string_to_array(current_setting('search_path'),','),1),
              array_upper(string_to_array(current_setting('search_path'),','),1)
            ) as i,
            string_to_array(current_setting('search_path'),',') s
          ) THEN 0 ELSE 1 END, 1

-- name: tables_in_schema
-- source: Grafana postgresMetaQuery.ts showTables('public')
-- protocol: both
-- expect: contains corpus_items
SELECT quote_ident(table_name) AS "table"
      FROM information_schema.tables
      WHERE quote_ident(table_schema) = 'public'
      ORDER BY 1

-- name: columns
-- source: Grafana postgresMetaQuery.ts getSchema('corpus_items') (column picker)
-- protocol: both
-- expect: row column=price,type=numeric
-- expect: row column=name,type=character varying
-- expect: row column=created,type=timestamp without time zone
-- expect: row column=active,type=boolean
SELECT quote_ident(column_name) AS "column", data_type AS "type"
    FROM information_schema.columns
    WHERE
      CASE WHEN array_length(parse_ident('corpus_items'),1) = 2
        THEN quote_ident(table_schema) = (parse_ident('corpus_items'))[1]
          AND quote_ident(table_name) = (parse_ident('corpus_items'))[2]
        ELSE quote_ident(table_name) = 'corpus_items'
          AND 
          quote_ident(table_schema) IN (
          SELECT
            CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM
            generate_series(
              array_lower(string_to_array(current_setting('search_path'),','),1),
              array_upper(string_to_array(current_setting('search_path'),','),1)
            ) as i,
            string_to_array(current_setting('search_path'),',') s
          )
      END

-- name: columns_qualified
-- source: Grafana postgresMetaQuery.ts getSchema('public.corpus_items')
-- protocol: both
-- expect: row column=id,type=integer
SELECT quote_ident(column_name) AS "column", data_type AS "type"
    FROM information_schema.columns
    WHERE
      CASE WHEN array_length(parse_ident('public.corpus_items'),1) = 2
        THEN quote_ident(table_schema) = (parse_ident('public.corpus_items'))[1]
          AND quote_ident(table_name) = (parse_ident('public.corpus_items'))[2]
        ELSE quote_ident(table_name) = 'public.corpus_items'
          AND 
          quote_ident(table_schema) IN (
          SELECT
            CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM
            generate_series(
              array_lower(string_to_array(current_setting('search_path'),','),1),
              array_upper(string_to_array(current_setting('search_path'),','),1)
            ) as i,
            string_to_array(current_setting('search_path'),',') s
          )
      END

-- name: time_series_panel
-- source: Grafana macros.go: SELECT $__timeGroupAlias(created,5m), avg(price) ... WHERE $__timeFilter(created) GROUP BY 1 ORDER BY 1, expanded
-- protocol: both
-- expect: rows=3
-- expect: contains 1704103200
SELECT
  floor(extract(epoch from created)/300)*300 AS "time",
  avg(price) AS "price"
FROM corpus_items
WHERE
  created BETWEEN '2024-01-01T00:00:00Z' AND '2024-01-02T00:00:00Z'
GROUP BY 1
ORDER BY 1

-- name: time_series_epoch
-- source: Grafana macros.go: $__timeEpoch(created) and $__unixEpochFilter, expanded
-- protocol: both
-- expect: rows=3
SELECT
  extract(epoch from created) as "time",
  name AS metric,
  price
FROM corpus_items
WHERE extract(epoch from created) >= 1704067200 AND extract(epoch from created) <= 1704153600
ORDER BY 1

-- name: table_panel
-- source: Grafana table panel: a raw query with $__timeFrom()/$__timeTo() expanded
-- protocol: both
-- expect: rows=3
-- expect: row name=widget,price=12.50,active=t
SELECT name, price, active
FROM corpus_items
WHERE created >= '2024-01-01T00:00:00Z' AND created < '2024-01-02T00:00:00Z'
ORDER BY price DESC
