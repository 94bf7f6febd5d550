# ruff: noqa: E501
"""PostgreSQL 15 catalog facts that the catalog emulation copies (generated data).

Written by ``tools/gen_catalog_data.py`` from a real PostgreSQL 15; do not edit by hand.
``RELATIONS`` maps each emulated relation to its columns (``name:type``, PostgreSQL's
order and type spelling); the other tables are rows of ``pg_type``, ``pg_range``,
``pg_get_keywords()`` and ``pg_am``.
"""

from __future__ import annotations

INFORMATION_SCHEMA_OID = 13207

# Relations that are views in PostgreSQL (the others are system tables).
VIEWS: frozenset[str] = frozenset({
    'information_schema.applicable_roles',
    'information_schema.attributes',
    'information_schema.character_sets',
    'information_schema.check_constraints',
    'information_schema.collations',
    'information_schema.column_privileges',
    'information_schema.column_udt_usage',
    'information_schema.columns',
    'information_schema.constraint_column_usage',
    'information_schema.constraint_table_usage',
    'information_schema.domains',
    'information_schema.element_types',
    'information_schema.enabled_roles',
    'information_schema.information_schema_catalog_name',
    'information_schema.key_column_usage',
    'information_schema.parameters',
    'information_schema.referential_constraints',
    'information_schema.role_table_grants',
    'information_schema.routines',
    'information_schema.schemata',
    'information_schema.sequences',
    'information_schema.table_constraints',
    'information_schema.table_privileges',
    'information_schema.tables',
    'information_schema.triggers',
    'information_schema.usage_privileges',
    'information_schema.user_defined_types',
    'information_schema.view_table_usage',
    'information_schema.views',
    'pg_catalog.pg_available_extension_versions',
    'pg_catalog.pg_available_extensions',
    'pg_catalog.pg_config',
    'pg_catalog.pg_cursors',
    'pg_catalog.pg_file_settings',
    'pg_catalog.pg_group',
    'pg_catalog.pg_hba_file_rules',
    'pg_catalog.pg_indexes',
    'pg_catalog.pg_locks',
    'pg_catalog.pg_matviews',
    'pg_catalog.pg_policies',
    'pg_catalog.pg_prepared_statements',
    'pg_catalog.pg_prepared_xacts',
    'pg_catalog.pg_replication_slots',
    'pg_catalog.pg_roles',
    'pg_catalog.pg_rules',
    'pg_catalog.pg_seclabels',
    'pg_catalog.pg_sequences',
    'pg_catalog.pg_settings',
    'pg_catalog.pg_shadow',
    'pg_catalog.pg_stat_activity',
    'pg_catalog.pg_stat_all_indexes',
    'pg_catalog.pg_stat_all_tables',
    'pg_catalog.pg_stat_archiver',
    'pg_catalog.pg_stat_bgwriter',
    'pg_catalog.pg_stat_database',
    'pg_catalog.pg_stat_gssapi',
    'pg_catalog.pg_stat_progress_vacuum',
    'pg_catalog.pg_stat_replication',
    'pg_catalog.pg_stat_ssl',
    'pg_catalog.pg_stat_subscription',
    'pg_catalog.pg_stat_sys_tables',
    'pg_catalog.pg_stat_user_functions',
    'pg_catalog.pg_stat_user_indexes',
    'pg_catalog.pg_stat_user_tables',
    'pg_catalog.pg_stat_wal_receiver',
    'pg_catalog.pg_stat_xact_user_tables',
    'pg_catalog.pg_statio_all_tables',
    'pg_catalog.pg_statio_user_indexes',
    'pg_catalog.pg_statio_user_tables',
    'pg_catalog.pg_stats',
    'pg_catalog.pg_tables',
    'pg_catalog.pg_timezone_abbrevs',
    'pg_catalog.pg_timezone_names',
    'pg_catalog.pg_user',
    'pg_catalog.pg_user_mappings',
    'pg_catalog.pg_views',
})

# PostgreSQL's fixed OIDs of its system tables (pg_class.oid).
TABLE_OIDS: dict[str, int] = {
    'pg_aggregate': 2600,
    'pg_am': 2601,
    'pg_attrdef': 2604,
    'pg_attribute': 1249,
    'pg_auth_members': 1261,
    'pg_authid': 1260,
    'pg_cast': 2605,
    'pg_class': 1259,
    'pg_collation': 3456,
    'pg_constraint': 2606,
    'pg_conversion': 2607,
    'pg_database': 1262,
    'pg_db_role_setting': 2964,
    'pg_default_acl': 826,
    'pg_depend': 2608,
    'pg_description': 2609,
    'pg_enum': 3501,
    'pg_event_trigger': 3466,
    'pg_extension': 3079,
    'pg_foreign_data_wrapper': 2328,
    'pg_foreign_server': 1417,
    'pg_foreign_table': 3118,
    'pg_index': 2610,
    'pg_inherits': 2611,
    'pg_init_privs': 3394,
    'pg_language': 2612,
    'pg_largeobject': 2613,
    'pg_largeobject_metadata': 2995,
    'pg_namespace': 2615,
    'pg_opclass': 2616,
    'pg_operator': 2617,
    'pg_opfamily': 2753,
    'pg_partitioned_table': 3350,
    'pg_policy': 3256,
    'pg_proc': 1255,
    'pg_publication': 6104,
    'pg_publication_namespace': 6237,
    'pg_publication_rel': 6106,
    'pg_range': 3541,
    'pg_replication_origin': 6000,
    'pg_rewrite': 2618,
    'pg_seclabel': 3596,
    'pg_sequence': 2224,
    'pg_shdepend': 1214,
    'pg_shdescription': 2396,
    'pg_statistic': 2619,
    'pg_statistic_ext': 3381,
    'pg_statistic_ext_data': 3429,
    'pg_subscription': 6100,
    'pg_tablespace': 1213,
    'pg_transform': 3576,
    'pg_trigger': 2620,
    'pg_ts_config': 3602,
    'pg_ts_dict': 3600,
    'pg_ts_parser': 3601,
    'pg_ts_template': 3764,
    'pg_type': 1247,
    'pg_user_mapping': 1418,
}

RELATIONS: dict[str, str] = {
    'pg_catalog.pg_aggregate': (
        'aggfnoid:regproc, aggkind:"char", aggnumdirectargs:smallint, aggtransfn:regproc, '
        'aggfinalfn:regproc, aggcombinefn:regproc, aggserialfn:regproc, aggdeserialfn:regproc, '
        'aggmtransfn:regproc, aggminvtransfn:regproc, aggmfinalfn:regproc, aggfinalextra:boolean,'
        ' aggmfinalextra:boolean, aggfinalmodify:"char", aggmfinalmodify:"char", aggsortop:oid, '
        'aggtranstype:oid, aggtransspace:integer, aggmtranstype:oid, aggmtransspace:integer, '
        'agginitval:text, aggminitval:text'
    ),
    'pg_catalog.pg_am': (
        'oid:oid, amname:name, amhandler:regproc, amtype:"char"'
    ),
    'pg_catalog.pg_attrdef': (
        'oid:oid, adrelid:oid, adnum:smallint, adbin:pg_node_tree'
    ),
    'pg_catalog.pg_attribute': (
        'attrelid:oid, attname:name, atttypid:oid, attstattarget:integer, attlen:smallint, '
        'attnum:smallint, attndims:integer, attcacheoff:integer, atttypmod:integer, '
        'attbyval:boolean, attalign:"char", attstorage:"char", attcompression:"char", '
        'attnotnull:boolean, atthasdef:boolean, atthasmissing:boolean, attidentity:"char", '
        'attgenerated:"char", attisdropped:boolean, attislocal:boolean, attinhcount:integer, '
        'attcollation:oid, attacl:aclitem[], attoptions:text[], attfdwoptions:text[], '
        'attmissingval:anyarray'
    ),
    'pg_catalog.pg_auth_members': (
        'roleid:oid, member:oid, grantor:oid, admin_option:boolean'
    ),
    'pg_catalog.pg_authid': (
        'oid:oid, rolname:name, rolsuper:boolean, rolinherit:boolean, rolcreaterole:boolean, '
        'rolcreatedb:boolean, rolcanlogin:boolean, rolreplication:boolean, rolbypassrls:boolean, '
        'rolconnlimit:integer, rolpassword:text, rolvaliduntil:timestamp with time zone'
    ),
    'pg_catalog.pg_available_extensions': (
        'name:name, default_version:text, installed_version:text, comment:text'
    ),
    'pg_catalog.pg_cast': (
        'oid:oid, castsource:oid, casttarget:oid, castfunc:oid, castcontext:"char", '
        'castmethod:"char"'
    ),
    'pg_catalog.pg_class': (
        'oid:oid, relname:name, relnamespace:oid, reltype:oid, reloftype:oid, relowner:oid, '
        'relam:oid, relfilenode:oid, reltablespace:oid, relpages:integer, reltuples:real, '
        'relallvisible:integer, reltoastrelid:oid, relhasindex:boolean, relisshared:boolean, '
        'relpersistence:"char", relkind:"char", relnatts:smallint, relchecks:smallint, '
        'relhasrules:boolean, relhastriggers:boolean, relhassubclass:boolean, '
        'relrowsecurity:boolean, relforcerowsecurity:boolean, relispopulated:boolean, '
        'relreplident:"char", relispartition:boolean, relrewrite:oid, relfrozenxid:xid, '
        'relminmxid:xid, relacl:aclitem[], reloptions:text[], relpartbound:pg_node_tree'
    ),
    'pg_catalog.pg_collation': (
        'oid:oid, collname:name, collnamespace:oid, collowner:oid, collprovider:"char", '
        'collisdeterministic:boolean, collencoding:integer, collcollate:text, collctype:text, '
        'colliculocale:text, collversion:text'
    ),
    'pg_catalog.pg_constraint': (
        'oid:oid, conname:name, connamespace:oid, contype:"char", condeferrable:boolean, '
        'condeferred:boolean, convalidated:boolean, conrelid:oid, contypid:oid, conindid:oid, '
        'conparentid:oid, confrelid:oid, confupdtype:"char", confdeltype:"char", '
        'confmatchtype:"char", conislocal:boolean, coninhcount:integer, connoinherit:boolean, '
        'conkey:smallint[], confkey:smallint[], conpfeqop:oid[], conppeqop:oid[], '
        'conffeqop:oid[], confdelsetcols:smallint[], conexclop:oid[], conbin:pg_node_tree'
    ),
    'pg_catalog.pg_conversion': (
        'oid:oid, conname:name, connamespace:oid, conowner:oid, conforencoding:integer, '
        'contoencoding:integer, conproc:regproc, condefault:boolean'
    ),
    'pg_catalog.pg_cursors': (
        'name:text, statement:text, is_holdable:boolean, is_binary:boolean, '
        'is_scrollable:boolean, creation_time:timestamp with time zone'
    ),
    'pg_catalog.pg_database': (
        'oid:oid, datname:name, datdba:oid, encoding:integer, datlocprovider:"char", '
        'datistemplate:boolean, datallowconn:boolean, datconnlimit:integer, datfrozenxid:xid, '
        'datminmxid:xid, dattablespace:oid, datcollate:text, datctype:text, daticulocale:text, '
        'datcollversion:text, datacl:aclitem[]'
    ),
    'pg_catalog.pg_default_acl': (
        'oid:oid, defaclrole:oid, defaclnamespace:oid, defaclobjtype:"char", defaclacl:aclitem[]'
    ),
    'pg_catalog.pg_depend': (
        'classid:oid, objid:oid, objsubid:integer, refclassid:oid, refobjid:oid, '
        'refobjsubid:integer, deptype:"char"'
    ),
    'pg_catalog.pg_description': (
        'objoid:oid, classoid:oid, objsubid:integer, description:text'
    ),
    'pg_catalog.pg_enum': (
        'oid:oid, enumtypid:oid, enumsortorder:real, enumlabel:name'
    ),
    'pg_catalog.pg_event_trigger': (
        'oid:oid, evtname:name, evtevent:name, evtowner:oid, evtfoid:oid, evtenabled:"char", '
        'evttags:text[]'
    ),
    'pg_catalog.pg_extension': (
        'oid:oid, extname:name, extowner:oid, extnamespace:oid, extrelocatable:boolean, '
        'extversion:text, extconfig:oid[], extcondition:text[]'
    ),
    'pg_catalog.pg_foreign_data_wrapper': (
        'oid:oid, fdwname:name, fdwowner:oid, fdwhandler:oid, fdwvalidator:oid, fdwacl:aclitem[],'
        ' fdwoptions:text[]'
    ),
    'pg_catalog.pg_foreign_server': (
        'oid:oid, srvname:name, srvowner:oid, srvfdw:oid, srvtype:text, srvversion:text, '
        'srvacl:aclitem[], srvoptions:text[]'
    ),
    'pg_catalog.pg_foreign_table': (
        'ftrelid:oid, ftserver:oid, ftoptions:text[]'
    ),
    'pg_catalog.pg_group': (
        'groname:name, grosysid:oid, grolist:oid[]'
    ),
    'pg_catalog.pg_index': (
        'indexrelid:oid, indrelid:oid, indnatts:smallint, indnkeyatts:smallint, '
        'indisunique:boolean, indnullsnotdistinct:boolean, indisprimary:boolean, '
        'indisexclusion:boolean, indimmediate:boolean, indisclustered:boolean, '
        'indisvalid:boolean, indcheckxmin:boolean, indisready:boolean, indislive:boolean, '
        'indisreplident:boolean, indkey:int2vector, indcollation:oidvector, indclass:oidvector, '
        'indoption:int2vector, indexprs:pg_node_tree, indpred:pg_node_tree'
    ),
    'pg_catalog.pg_indexes': (
        'schemaname:name, tablename:name, indexname:name, tablespace:name, indexdef:text'
    ),
    'pg_catalog.pg_inherits': (
        'inhrelid:oid, inhparent:oid, inhseqno:integer, inhdetachpending:boolean'
    ),
    'pg_catalog.pg_init_privs': (
        'objoid:oid, classoid:oid, objsubid:integer, privtype:"char", initprivs:aclitem[]'
    ),
    'pg_catalog.pg_language': (
        'oid:oid, lanname:name, lanowner:oid, lanispl:boolean, lanpltrusted:boolean, '
        'lanplcallfoid:oid, laninline:oid, lanvalidator:oid, lanacl:aclitem[]'
    ),
    'pg_catalog.pg_largeobject_metadata': (
        'oid:oid, lomowner:oid, lomacl:aclitem[]'
    ),
    'pg_catalog.pg_locks': (
        'locktype:text, database:oid, relation:oid, page:integer, tuple:smallint, '
        'virtualxid:text, transactionid:xid, classid:oid, objid:oid, objsubid:smallint, '
        'virtualtransaction:text, pid:integer, mode:text, granted:boolean, fastpath:boolean, '
        'waitstart:timestamp with time zone'
    ),
    'pg_catalog.pg_matviews': (
        'schemaname:name, matviewname:name, matviewowner:name, tablespace:name, '
        'hasindexes:boolean, ispopulated:boolean, definition:text'
    ),
    'pg_catalog.pg_namespace': (
        'oid:oid, nspname:name, nspowner:oid, nspacl:aclitem[]'
    ),
    'pg_catalog.pg_opclass': (
        'oid:oid, opcmethod:oid, opcname:name, opcnamespace:oid, opcowner:oid, opcfamily:oid, '
        'opcintype:oid, opcdefault:boolean, opckeytype:oid'
    ),
    'pg_catalog.pg_operator': (
        'oid:oid, oprname:name, oprnamespace:oid, oprowner:oid, oprkind:"char", '
        'oprcanmerge:boolean, oprcanhash:boolean, oprleft:oid, oprright:oid, oprresult:oid, '
        'oprcom:oid, oprnegate:oid, oprcode:regproc, oprrest:regproc, oprjoin:regproc'
    ),
    'pg_catalog.pg_opfamily': (
        'oid:oid, opfmethod:oid, opfname:name, opfnamespace:oid, opfowner:oid'
    ),
    'pg_catalog.pg_partitioned_table': (
        'partrelid:oid, partstrat:"char", partnatts:smallint, partdefid:oid, '
        'partattrs:int2vector, partclass:oidvector, partcollation:oidvector, '
        'partexprs:pg_node_tree'
    ),
    'pg_catalog.pg_policies': (
        'schemaname:name, tablename:name, policyname:name, permissive:text, roles:name[], '
        'cmd:text, qual:text, with_check:text'
    ),
    'pg_catalog.pg_policy': (
        'oid:oid, polname:name, polrelid:oid, polcmd:"char", polpermissive:boolean, '
        'polroles:oid[], polqual:pg_node_tree, polwithcheck:pg_node_tree'
    ),
    'pg_catalog.pg_prepared_statements': (
        'name:text, statement:text, prepare_time:timestamp with time zone, '
        'parameter_types:regtype[], from_sql:boolean, generic_plans:bigint, custom_plans:bigint'
    ),
    'pg_catalog.pg_prepared_xacts': (
        'transaction:xid, gid:text, prepared:timestamp with time zone, owner:name, database:name'
    ),
    'pg_catalog.pg_proc': (
        'oid:oid, proname:name, pronamespace:oid, proowner:oid, prolang:oid, procost:real, '
        'prorows:real, provariadic:oid, prosupport:regproc, prokind:"char", prosecdef:boolean, '
        'proleakproof:boolean, proisstrict:boolean, proretset:boolean, provolatile:"char", '
        'proparallel:"char", pronargs:smallint, pronargdefaults:smallint, prorettype:oid, '
        'proargtypes:oidvector, proallargtypes:oid[], proargmodes:"char"[], proargnames:text[], '
        'proargdefaults:pg_node_tree, protrftypes:oid[], prosrc:text, probin:text, '
        'prosqlbody:pg_node_tree, proconfig:text[], proacl:aclitem[]'
    ),
    'pg_catalog.pg_publication': (
        'oid:oid, pubname:name, pubowner:oid, puballtables:boolean, pubinsert:boolean, '
        'pubupdate:boolean, pubdelete:boolean, pubtruncate:boolean, pubviaroot:boolean'
    ),
    'pg_catalog.pg_publication_namespace': (
        'oid:oid, pnpubid:oid, pnnspid:oid'
    ),
    'pg_catalog.pg_publication_rel': (
        'oid:oid, prpubid:oid, prrelid:oid, prqual:pg_node_tree, prattrs:int2vector'
    ),
    'pg_catalog.pg_range': (
        'rngtypid:oid, rngsubtype:oid, rngmultitypid:oid, rngcollation:oid, rngsubopc:oid, '
        'rngcanonical:regproc, rngsubdiff:regproc'
    ),
    'pg_catalog.pg_replication_slots': (
        'slot_name:name, plugin:name, slot_type:text, datoid:oid, database:name, '
        'temporary:boolean, active:boolean, active_pid:integer, xmin:xid, catalog_xmin:xid, '
        'restart_lsn:pg_lsn, confirmed_flush_lsn:pg_lsn, wal_status:text, safe_wal_size:bigint, '
        'two_phase:boolean'
    ),
    'pg_catalog.pg_rewrite': (
        'oid:oid, rulename:name, ev_class:oid, ev_type:"char", ev_enabled:"char", '
        'is_instead:boolean, ev_qual:pg_node_tree, ev_action:pg_node_tree'
    ),
    'pg_catalog.pg_roles': (
        'rolname:name, rolsuper:boolean, rolinherit:boolean, rolcreaterole:boolean, '
        'rolcreatedb:boolean, rolcanlogin:boolean, rolreplication:boolean, rolconnlimit:integer, '
        'rolpassword:text, rolvaliduntil:timestamp with time zone, rolbypassrls:boolean, '
        'rolconfig:text[], oid:oid'
    ),
    'pg_catalog.pg_rules': (
        'schemaname:name, tablename:name, rulename:name, definition:text'
    ),
    'pg_catalog.pg_seclabel': (
        'objoid:oid, classoid:oid, objsubid:integer, provider:text, label:text'
    ),
    'pg_catalog.pg_sequence': (
        'seqrelid:oid, seqtypid:oid, seqstart:bigint, seqincrement:bigint, seqmax:bigint, '
        'seqmin:bigint, seqcache:bigint, seqcycle:boolean'
    ),
    'pg_catalog.pg_sequences': (
        'schemaname:name, sequencename:name, sequenceowner:name, data_type:regtype, '
        'start_value:bigint, min_value:bigint, max_value:bigint, increment_by:bigint, '
        'cycle:boolean, cache_size:bigint, last_value:bigint'
    ),
    'pg_catalog.pg_settings': (
        'name:text, setting:text, unit:text, category:text, short_desc:text, extra_desc:text, '
        'context:text, vartype:text, source:text, min_val:text, max_val:text, enumvals:text[], '
        'boot_val:text, reset_val:text, sourcefile:text, sourceline:integer, '
        'pending_restart:boolean'
    ),
    'pg_catalog.pg_shadow': (
        'usename:name, usesysid:oid, usecreatedb:boolean, usesuper:boolean, userepl:boolean, '
        'usebypassrls:boolean, passwd:text, valuntil:timestamp with time zone, useconfig:text[]'
    ),
    'pg_catalog.pg_shdepend': (
        'dbid:oid, classid:oid, objid:oid, objsubid:integer, refclassid:oid, refobjid:oid, '
        'deptype:"char"'
    ),
    'pg_catalog.pg_shdescription': (
        'objoid:oid, classoid:oid, description:text'
    ),
    'pg_catalog.pg_stat_activity': (
        'datid:oid, datname:name, pid:integer, leader_pid:integer, usesysid:oid, usename:name, '
        'application_name:text, client_addr:inet, client_hostname:text, client_port:integer, '
        'backend_start:timestamp with time zone, xact_start:timestamp with time zone, '
        'query_start:timestamp with time zone, state_change:timestamp with time zone, '
        'wait_event_type:text, wait_event:text, state:text, backend_xid:xid, backend_xmin:xid, '
        'query_id:bigint, query:text, backend_type:text'
    ),
    'pg_catalog.pg_stat_all_tables': (
        'relid:oid, schemaname:name, relname:name, seq_scan:bigint, seq_tup_read:bigint, '
        'idx_scan:bigint, idx_tup_fetch:bigint, n_tup_ins:bigint, n_tup_upd:bigint, '
        'n_tup_del:bigint, n_tup_hot_upd:bigint, n_live_tup:bigint, n_dead_tup:bigint, '
        'n_mod_since_analyze:bigint, n_ins_since_vacuum:bigint, last_vacuum:timestamp with time '
        'zone, last_autovacuum:timestamp with time zone, last_analyze:timestamp with time zone, '
        'last_autoanalyze:timestamp with time zone, vacuum_count:bigint, autovacuum_count:bigint,'
        ' analyze_count:bigint, autoanalyze_count:bigint'
    ),
    'pg_catalog.pg_stat_database': (
        'datid:oid, datname:name, numbackends:integer, xact_commit:bigint, xact_rollback:bigint, '
        'blks_read:bigint, blks_hit:bigint, tup_returned:bigint, tup_fetched:bigint, '
        'tup_inserted:bigint, tup_updated:bigint, tup_deleted:bigint, conflicts:bigint, '
        'temp_files:bigint, temp_bytes:bigint, deadlocks:bigint, checksum_failures:bigint, '
        'checksum_last_failure:timestamp with time zone, blk_read_time:double precision, '
        'blk_write_time:double precision, session_time:double precision, active_time:double '
        'precision, idle_in_transaction_time:double precision, sessions:bigint, '
        'sessions_abandoned:bigint, sessions_fatal:bigint, sessions_killed:bigint, '
        'stats_reset:timestamp with time zone'
    ),
    'pg_catalog.pg_stat_progress_vacuum': (
        'pid:integer, datid:oid, datname:name, relid:oid, phase:text, heap_blks_total:bigint, '
        'heap_blks_scanned:bigint, heap_blks_vacuumed:bigint, index_vacuum_count:bigint, '
        'max_dead_tuples:bigint, num_dead_tuples:bigint'
    ),
    'pg_catalog.pg_stat_replication': (
        'pid:integer, usesysid:oid, usename:name, application_name:text, client_addr:inet, '
        'client_hostname:text, client_port:integer, backend_start:timestamp with time zone, '
        'backend_xmin:xid, state:text, sent_lsn:pg_lsn, write_lsn:pg_lsn, flush_lsn:pg_lsn, '
        'replay_lsn:pg_lsn, write_lag:interval, flush_lag:interval, replay_lag:interval, '
        'sync_priority:integer, sync_state:text, reply_time:timestamp with time zone'
    ),
    'pg_catalog.pg_stat_user_indexes': (
        'relid:oid, indexrelid:oid, schemaname:name, relname:name, indexrelname:name, '
        'idx_scan:bigint, idx_tup_read:bigint, idx_tup_fetch:bigint'
    ),
    'pg_catalog.pg_stat_user_tables': (
        'relid:oid, schemaname:name, relname:name, seq_scan:bigint, seq_tup_read:bigint, '
        'idx_scan:bigint, idx_tup_fetch:bigint, n_tup_ins:bigint, n_tup_upd:bigint, '
        'n_tup_del:bigint, n_tup_hot_upd:bigint, n_live_tup:bigint, n_dead_tup:bigint, '
        'n_mod_since_analyze:bigint, n_ins_since_vacuum:bigint, last_vacuum:timestamp with time '
        'zone, last_autovacuum:timestamp with time zone, last_analyze:timestamp with time zone, '
        'last_autoanalyze:timestamp with time zone, vacuum_count:bigint, autovacuum_count:bigint,'
        ' analyze_count:bigint, autoanalyze_count:bigint'
    ),
    'pg_catalog.pg_statio_user_tables': (
        'relid:oid, schemaname:name, relname:name, heap_blks_read:bigint, heap_blks_hit:bigint, '
        'idx_blks_read:bigint, idx_blks_hit:bigint, toast_blks_read:bigint, '
        'toast_blks_hit:bigint, tidx_blks_read:bigint, tidx_blks_hit:bigint'
    ),
    'pg_catalog.pg_statistic': (
        'starelid:oid, staattnum:smallint, stainherit:boolean, stanullfrac:real, '
        'stawidth:integer, stadistinct:real, stakind1:smallint, stakind2:smallint, '
        'stakind3:smallint, stakind4:smallint, stakind5:smallint, staop1:oid, staop2:oid, '
        'staop3:oid, staop4:oid, staop5:oid, stacoll1:oid, stacoll2:oid, stacoll3:oid, '
        'stacoll4:oid, stacoll5:oid, stanumbers1:real[], stanumbers2:real[], stanumbers3:real[], '
        'stanumbers4:real[], stanumbers5:real[], stavalues1:anyarray, stavalues2:anyarray, '
        'stavalues3:anyarray, stavalues4:anyarray, stavalues5:anyarray'
    ),
    'pg_catalog.pg_statistic_ext': (
        'oid:oid, stxrelid:oid, stxname:name, stxnamespace:oid, stxowner:oid, '
        'stxstattarget:integer, stxkeys:int2vector, stxkind:"char"[], stxexprs:pg_node_tree'
    ),
    'pg_catalog.pg_stats': (
        'schemaname:name, tablename:name, attname:name, inherited:boolean, null_frac:real, '
        'avg_width:integer, n_distinct:real, most_common_vals:anyarray, most_common_freqs:real[],'
        ' histogram_bounds:anyarray, correlation:real, most_common_elems:anyarray, '
        'most_common_elem_freqs:real[], elem_count_histogram:real[]'
    ),
    'pg_catalog.pg_subscription': (
        'oid:oid, subdbid:oid, subskiplsn:pg_lsn, subname:name, subowner:oid, subenabled:boolean,'
        ' subbinary:boolean, substream:boolean, subtwophasestate:"char", subdisableonerr:boolean,'
        ' subconninfo:text, subslotname:name, subsynccommit:text, subpublications:text[]'
    ),
    'pg_catalog.pg_tables': (
        'schemaname:name, tablename:name, tableowner:name, tablespace:name, hasindexes:boolean, '
        'hasrules:boolean, hastriggers:boolean, rowsecurity:boolean'
    ),
    'pg_catalog.pg_tablespace': (
        'oid:oid, spcname:name, spcowner:oid, spcacl:aclitem[], spcoptions:text[]'
    ),
    'pg_catalog.pg_timezone_names': (
        'name:text, abbrev:text, utc_offset:interval, is_dst:boolean'
    ),
    'pg_catalog.pg_transform': (
        'oid:oid, trftype:oid, trflang:oid, trffromsql:regproc, trftosql:regproc'
    ),
    'pg_catalog.pg_trigger': (
        'oid:oid, tgrelid:oid, tgparentid:oid, tgname:name, tgfoid:oid, tgtype:smallint, '
        'tgenabled:"char", tgisinternal:boolean, tgconstrrelid:oid, tgconstrindid:oid, '
        'tgconstraint:oid, tgdeferrable:boolean, tginitdeferred:boolean, tgnargs:smallint, '
        'tgattr:int2vector, tgargs:bytea, tgqual:pg_node_tree, tgoldtable:name, tgnewtable:name'
    ),
    'pg_catalog.pg_ts_config': (
        'oid:oid, cfgname:name, cfgnamespace:oid, cfgowner:oid, cfgparser:oid'
    ),
    'pg_catalog.pg_type': (
        'oid:oid, typname:name, typnamespace:oid, typowner:oid, typlen:smallint, '
        'typbyval:boolean, typtype:"char", typcategory:"char", typispreferred:boolean, '
        'typisdefined:boolean, typdelim:"char", typrelid:oid, typsubscript:regproc, typelem:oid, '
        'typarray:oid, typinput:regproc, typoutput:regproc, typreceive:regproc, typsend:regproc, '
        'typmodin:regproc, typmodout:regproc, typanalyze:regproc, typalign:"char", '
        'typstorage:"char", typnotnull:boolean, typbasetype:oid, typtypmod:integer, '
        'typndims:integer, typcollation:oid, typdefaultbin:pg_node_tree, typdefault:text, '
        'typacl:aclitem[]'
    ),
    'pg_catalog.pg_user': (
        'usename:name, usesysid:oid, usecreatedb:boolean, usesuper:boolean, userepl:boolean, '
        'usebypassrls:boolean, passwd:text, valuntil:timestamp with time zone, useconfig:text[]'
    ),
    'pg_catalog.pg_user_mappings': (
        'umid:oid, srvid:oid, srvname:name, umuser:oid, usename:name, umoptions:text[]'
    ),
    'pg_catalog.pg_views': (
        'schemaname:name, viewname:name, viewowner:name, definition:text'
    ),
    'pg_catalog.pg_stat_ssl': (
        'pid:integer, ssl:boolean, version:text, cipher:text, bits:integer, client_dn:text, '
        'client_serial:numeric, issuer_dn:text'
    ),
    'pg_catalog.pg_stat_gssapi': (
        'pid:integer, gss_authenticated:boolean, principal:text, encrypted:boolean'
    ),
    'pg_catalog.pg_seclabels': (
        'objoid:oid, classoid:oid, objsubid:integer, objtype:text, objnamespace:oid, '
        'objname:text, provider:text, label:text'
    ),
    'pg_catalog.pg_timezone_abbrevs': (
        'abbrev:text, utc_offset:interval, is_dst:boolean'
    ),
    'pg_catalog.pg_stat_all_indexes': (
        'relid:oid, indexrelid:oid, schemaname:name, relname:name, indexrelname:name, '
        'idx_scan:bigint, idx_tup_read:bigint, idx_tup_fetch:bigint'
    ),
    'pg_catalog.pg_statio_all_tables': (
        'relid:oid, schemaname:name, relname:name, heap_blks_read:bigint, heap_blks_hit:bigint, '
        'idx_blks_read:bigint, idx_blks_hit:bigint, toast_blks_read:bigint, '
        'toast_blks_hit:bigint, tidx_blks_read:bigint, tidx_blks_hit:bigint'
    ),
    'pg_catalog.pg_stat_sys_tables': (
        'relid:oid, schemaname:name, relname:name, seq_scan:bigint, seq_tup_read:bigint, '
        'idx_scan:bigint, idx_tup_fetch:bigint, n_tup_ins:bigint, n_tup_upd:bigint, '
        'n_tup_del:bigint, n_tup_hot_upd:bigint, n_live_tup:bigint, n_dead_tup:bigint, '
        'n_mod_since_analyze:bigint, n_ins_since_vacuum:bigint, last_vacuum:timestamp with time '
        'zone, last_autovacuum:timestamp with time zone, last_analyze:timestamp with time zone, '
        'last_autoanalyze:timestamp with time zone, vacuum_count:bigint, autovacuum_count:bigint,'
        ' analyze_count:bigint, autoanalyze_count:bigint'
    ),
    'pg_catalog.pg_available_extension_versions': (
        'name:name, version:text, installed:boolean, superuser:boolean, trusted:boolean, '
        'relocatable:boolean, schema:name, requires:name[], comment:text'
    ),
    'pg_catalog.pg_stat_bgwriter': (
        'checkpoints_timed:bigint, checkpoints_req:bigint, checkpoint_write_time:double '
        'precision, checkpoint_sync_time:double precision, buffers_checkpoint:bigint, '
        'buffers_clean:bigint, maxwritten_clean:bigint, buffers_backend:bigint, '
        'buffers_backend_fsync:bigint, buffers_alloc:bigint, stats_reset:timestamp with time zone'
    ),
    'pg_catalog.pg_stat_archiver': (
        'archived_count:bigint, last_archived_wal:text, last_archived_time:timestamp with time '
        'zone, failed_count:bigint, last_failed_wal:text, last_failed_time:timestamp with time '
        'zone, stats_reset:timestamp with time zone'
    ),
    'pg_catalog.pg_db_role_setting': (
        'setdatabase:oid, setrole:oid, setconfig:text[]'
    ),
    'pg_catalog.pg_ts_dict': (
        'oid:oid, dictname:name, dictnamespace:oid, dictowner:oid, dicttemplate:oid, '
        'dictinitoption:text'
    ),
    'pg_catalog.pg_ts_parser': (
        'oid:oid, prsname:name, prsnamespace:oid, prsstart:regproc, prstoken:regproc, '
        'prsend:regproc, prsheadline:regproc, prslextype:regproc'
    ),
    'pg_catalog.pg_ts_template': (
        'oid:oid, tmplname:name, tmplnamespace:oid, tmplinit:regproc, tmpllexize:regproc'
    ),
    'pg_catalog.pg_user_mapping': (
        'oid:oid, umuser:oid, umserver:oid, umoptions:text[]'
    ),
    'pg_catalog.pg_statistic_ext_data': (
        'stxoid:oid, stxdinherit:boolean, stxdndistinct:pg_ndistinct, '
        'stxddependencies:pg_dependencies, stxdmcv:pg_mcv_list, stxdexpr:pg_statistic[]'
    ),
    'pg_catalog.pg_hba_file_rules': (
        'line_number:integer, type:text, database:text[], user_name:text[], address:text, '
        'netmask:text, auth_method:text, options:text[], error:text'
    ),
    'pg_catalog.pg_file_settings': (
        'sourcefile:text, sourceline:integer, seqno:integer, name:text, setting:text, '
        'applied:boolean, error:text'
    ),
    'pg_catalog.pg_config': (
        'name:text, setting:text'
    ),
    'pg_catalog.pg_stat_wal_receiver': (
        'pid:integer, status:text, receive_start_lsn:pg_lsn, receive_start_tli:integer, '
        'written_lsn:pg_lsn, flushed_lsn:pg_lsn, received_tli:integer, '
        'last_msg_send_time:timestamp with time zone, last_msg_receipt_time:timestamp with time '
        'zone, latest_end_lsn:pg_lsn, latest_end_time:timestamp with time zone, slot_name:text, '
        'sender_host:text, sender_port:integer, conninfo:text'
    ),
    'pg_catalog.pg_stat_subscription': (
        'subid:oid, subname:name, pid:integer, relid:oid, received_lsn:pg_lsn, '
        'last_msg_send_time:timestamp with time zone, last_msg_receipt_time:timestamp with time '
        'zone, latest_end_lsn:pg_lsn, latest_end_time:timestamp with time zone'
    ),
    'pg_catalog.pg_replication_origin': (
        'roident:oid, roname:text'
    ),
    'pg_catalog.pg_largeobject': (
        'loid:oid, pageno:integer, data:bytea'
    ),
    'pg_catalog.pg_statio_user_indexes': (
        'relid:oid, indexrelid:oid, schemaname:name, relname:name, indexrelname:name, '
        'idx_blks_read:bigint, idx_blks_hit:bigint'
    ),
    'pg_catalog.pg_stat_xact_user_tables': (
        'relid:oid, schemaname:name, relname:name, seq_scan:bigint, seq_tup_read:bigint, '
        'idx_scan:bigint, idx_tup_fetch:bigint, n_tup_ins:bigint, n_tup_upd:bigint, '
        'n_tup_del:bigint, n_tup_hot_upd:bigint'
    ),
    'pg_catalog.pg_stat_user_functions': (
        'funcid:oid, schemaname:name, funcname:name, calls:bigint, total_time:double precision, '
        'self_time:double precision'
    ),
    'information_schema.applicable_roles': (
        'grantee:information_schema.sql_identifier, role_name:information_schema.sql_identifier, '
        'is_grantable:information_schema.yes_or_no'
    ),
    'information_schema.attributes': (
        'udt_catalog:information_schema.sql_identifier, '
        'udt_schema:information_schema.sql_identifier, '
        'udt_name:information_schema.sql_identifier, '
        'attribute_name:information_schema.sql_identifier, '
        'ordinal_position:information_schema.cardinal_number, '
        'attribute_default:information_schema.character_data, '
        'is_nullable:information_schema.yes_or_no, data_type:information_schema.character_data, '
        'character_maximum_length:information_schema.cardinal_number, '
        'character_octet_length:information_schema.cardinal_number, '
        'character_set_catalog:information_schema.sql_identifier, '
        'character_set_schema:information_schema.sql_identifier, '
        'character_set_name:information_schema.sql_identifier, '
        'collation_catalog:information_schema.sql_identifier, '
        'collation_schema:information_schema.sql_identifier, '
        'collation_name:information_schema.sql_identifier, '
        'numeric_precision:information_schema.cardinal_number, '
        'numeric_precision_radix:information_schema.cardinal_number, '
        'numeric_scale:information_schema.cardinal_number, '
        'datetime_precision:information_schema.cardinal_number, '
        'interval_type:information_schema.character_data, '
        'interval_precision:information_schema.cardinal_number, '
        'attribute_udt_catalog:information_schema.sql_identifier, '
        'attribute_udt_schema:information_schema.sql_identifier, '
        'attribute_udt_name:information_schema.sql_identifier, '
        'scope_catalog:information_schema.sql_identifier, '
        'scope_schema:information_schema.sql_identifier, '
        'scope_name:information_schema.sql_identifier, '
        'maximum_cardinality:information_schema.cardinal_number, '
        'dtd_identifier:information_schema.sql_identifier, '
        'is_derived_reference_attribute:information_schema.yes_or_no'
    ),
    'information_schema.character_sets': (
        'character_set_catalog:information_schema.sql_identifier, '
        'character_set_schema:information_schema.sql_identifier, '
        'character_set_name:information_schema.sql_identifier, '
        'character_repertoire:information_schema.sql_identifier, '
        'form_of_use:information_schema.sql_identifier, '
        'default_collate_catalog:information_schema.sql_identifier, '
        'default_collate_schema:information_schema.sql_identifier, '
        'default_collate_name:information_schema.sql_identifier'
    ),
    'information_schema.check_constraints': (
        'constraint_catalog:information_schema.sql_identifier, '
        'constraint_schema:information_schema.sql_identifier, '
        'constraint_name:information_schema.sql_identifier, '
        'check_clause:information_schema.character_data'
    ),
    'information_schema.collations': (
        'collation_catalog:information_schema.sql_identifier, '
        'collation_schema:information_schema.sql_identifier, '
        'collation_name:information_schema.sql_identifier, '
        'pad_attribute:information_schema.character_data'
    ),
    'information_schema.column_privileges': (
        'grantor:information_schema.sql_identifier, grantee:information_schema.sql_identifier, '
        'table_catalog:information_schema.sql_identifier, '
        'table_schema:information_schema.sql_identifier, '
        'table_name:information_schema.sql_identifier, '
        'column_name:information_schema.sql_identifier, '
        'privilege_type:information_schema.character_data, '
        'is_grantable:information_schema.yes_or_no'
    ),
    'information_schema.column_udt_usage': (
        'udt_catalog:information_schema.sql_identifier, '
        'udt_schema:information_schema.sql_identifier, '
        'udt_name:information_schema.sql_identifier, '
        'table_catalog:information_schema.sql_identifier, '
        'table_schema:information_schema.sql_identifier, '
        'table_name:information_schema.sql_identifier, '
        'column_name:information_schema.sql_identifier'
    ),
    'information_schema.columns': (
        'table_catalog:information_schema.sql_identifier, '
        'table_schema:information_schema.sql_identifier, '
        'table_name:information_schema.sql_identifier, '
        'column_name:information_schema.sql_identifier, '
        'ordinal_position:information_schema.cardinal_number, '
        'column_default:information_schema.character_data, '
        'is_nullable:information_schema.yes_or_no, data_type:information_schema.character_data, '
        'character_maximum_length:information_schema.cardinal_number, '
        'character_octet_length:information_schema.cardinal_number, '
        'numeric_precision:information_schema.cardinal_number, '
        'numeric_precision_radix:information_schema.cardinal_number, '
        'numeric_scale:information_schema.cardinal_number, '
        'datetime_precision:information_schema.cardinal_number, '
        'interval_type:information_schema.character_data, '
        'interval_precision:information_schema.cardinal_number, '
        'character_set_catalog:information_schema.sql_identifier, '
        'character_set_schema:information_schema.sql_identifier, '
        'character_set_name:information_schema.sql_identifier, '
        'collation_catalog:information_schema.sql_identifier, '
        'collation_schema:information_schema.sql_identifier, '
        'collation_name:information_schema.sql_identifier, '
        'domain_catalog:information_schema.sql_identifier, '
        'domain_schema:information_schema.sql_identifier, '
        'domain_name:information_schema.sql_identifier, '
        'udt_catalog:information_schema.sql_identifier, '
        'udt_schema:information_schema.sql_identifier, '
        'udt_name:information_schema.sql_identifier, '
        'scope_catalog:information_schema.sql_identifier, '
        'scope_schema:information_schema.sql_identifier, '
        'scope_name:information_schema.sql_identifier, '
        'maximum_cardinality:information_schema.cardinal_number, '
        'dtd_identifier:information_schema.sql_identifier, '
        'is_self_referencing:information_schema.yes_or_no, '
        'is_identity:information_schema.yes_or_no, '
        'identity_generation:information_schema.character_data, '
        'identity_start:information_schema.character_data, '
        'identity_increment:information_schema.character_data, '
        'identity_maximum:information_schema.character_data, '
        'identity_minimum:information_schema.character_data, '
        'identity_cycle:information_schema.yes_or_no, '
        'is_generated:information_schema.character_data, '
        'generation_expression:information_schema.character_data, '
        'is_updatable:information_schema.yes_or_no'
    ),
    'information_schema.constraint_column_usage': (
        'table_catalog:information_schema.sql_identifier, '
        'table_schema:information_schema.sql_identifier, '
        'table_name:information_schema.sql_identifier, '
        'column_name:information_schema.sql_identifier, '
        'constraint_catalog:information_schema.sql_identifier, '
        'constraint_schema:information_schema.sql_identifier, '
        'constraint_name:information_schema.sql_identifier'
    ),
    'information_schema.constraint_table_usage': (
        'table_catalog:information_schema.sql_identifier, '
        'table_schema:information_schema.sql_identifier, '
        'table_name:information_schema.sql_identifier, '
        'constraint_catalog:information_schema.sql_identifier, '
        'constraint_schema:information_schema.sql_identifier, '
        'constraint_name:information_schema.sql_identifier'
    ),
    'information_schema.domains': (
        'domain_catalog:information_schema.sql_identifier, '
        'domain_schema:information_schema.sql_identifier, '
        'domain_name:information_schema.sql_identifier, '
        'data_type:information_schema.character_data, '
        'character_maximum_length:information_schema.cardinal_number, '
        'character_octet_length:information_schema.cardinal_number, '
        'character_set_catalog:information_schema.sql_identifier, '
        'character_set_schema:information_schema.sql_identifier, '
        'character_set_name:information_schema.sql_identifier, '
        'collation_catalog:information_schema.sql_identifier, '
        'collation_schema:information_schema.sql_identifier, '
        'collation_name:information_schema.sql_identifier, '
        'numeric_precision:information_schema.cardinal_number, '
        'numeric_precision_radix:information_schema.cardinal_number, '
        'numeric_scale:information_schema.cardinal_number, '
        'datetime_precision:information_schema.cardinal_number, '
        'interval_type:information_schema.character_data, '
        'interval_precision:information_schema.cardinal_number, '
        'domain_default:information_schema.character_data, '
        'udt_catalog:information_schema.sql_identifier, '
        'udt_schema:information_schema.sql_identifier, '
        'udt_name:information_schema.sql_identifier, '
        'scope_catalog:information_schema.sql_identifier, '
        'scope_schema:information_schema.sql_identifier, '
        'scope_name:information_schema.sql_identifier, '
        'maximum_cardinality:information_schema.cardinal_number, '
        'dtd_identifier:information_schema.sql_identifier'
    ),
    'information_schema.element_types': (
        'object_catalog:information_schema.sql_identifier, '
        'object_schema:information_schema.sql_identifier, '
        'object_name:information_schema.sql_identifier, '
        'object_type:information_schema.character_data, '
        'collection_type_identifier:information_schema.sql_identifier, '
        'data_type:information_schema.character_data, '
        'character_maximum_length:information_schema.cardinal_number, '
        'character_octet_length:information_schema.cardinal_number, '
        'character_set_catalog:information_schema.sql_identifier, '
        'character_set_schema:information_schema.sql_identifier, '
        'character_set_name:information_schema.sql_identifier, '
        'collation_catalog:information_schema.sql_identifier, '
        'collation_schema:information_schema.sql_identifier, '
        'collation_name:information_schema.sql_identifier, '
        'numeric_precision:information_schema.cardinal_number, '
        'numeric_precision_radix:information_schema.cardinal_number, '
        'numeric_scale:information_schema.cardinal_number, '
        'datetime_precision:information_schema.cardinal_number, '
        'interval_type:information_schema.character_data, '
        'interval_precision:information_schema.cardinal_number, '
        'domain_default:information_schema.character_data, '
        'udt_catalog:information_schema.sql_identifier, '
        'udt_schema:information_schema.sql_identifier, '
        'udt_name:information_schema.sql_identifier, '
        'scope_catalog:information_schema.sql_identifier, '
        'scope_schema:information_schema.sql_identifier, '
        'scope_name:information_schema.sql_identifier, '
        'maximum_cardinality:information_schema.cardinal_number, '
        'dtd_identifier:information_schema.sql_identifier'
    ),
    'information_schema.enabled_roles': (
        'role_name:information_schema.sql_identifier'
    ),
    'information_schema.information_schema_catalog_name': (
        'catalog_name:information_schema.sql_identifier'
    ),
    'information_schema.key_column_usage': (
        'constraint_catalog:information_schema.sql_identifier, '
        'constraint_schema:information_schema.sql_identifier, '
        'constraint_name:information_schema.sql_identifier, '
        'table_catalog:information_schema.sql_identifier, '
        'table_schema:information_schema.sql_identifier, '
        'table_name:information_schema.sql_identifier, '
        'column_name:information_schema.sql_identifier, '
        'ordinal_position:information_schema.cardinal_number, '
        'position_in_unique_constraint:information_schema.cardinal_number'
    ),
    'information_schema.parameters': (
        'specific_catalog:information_schema.sql_identifier, '
        'specific_schema:information_schema.sql_identifier, '
        'specific_name:information_schema.sql_identifier, '
        'ordinal_position:information_schema.cardinal_number, '
        'parameter_mode:information_schema.character_data, '
        'is_result:information_schema.yes_or_no, as_locator:information_schema.yes_or_no, '
        'parameter_name:information_schema.sql_identifier, '
        'data_type:information_schema.character_data, '
        'character_maximum_length:information_schema.cardinal_number, '
        'character_octet_length:information_schema.cardinal_number, '
        'character_set_catalog:information_schema.sql_identifier, '
        'character_set_schema:information_schema.sql_identifier, '
        'character_set_name:information_schema.sql_identifier, '
        'collation_catalog:information_schema.sql_identifier, '
        'collation_schema:information_schema.sql_identifier, '
        'collation_name:information_schema.sql_identifier, '
        'numeric_precision:information_schema.cardinal_number, '
        'numeric_precision_radix:information_schema.cardinal_number, '
        'numeric_scale:information_schema.cardinal_number, '
        'datetime_precision:information_schema.cardinal_number, '
        'interval_type:information_schema.character_data, '
        'interval_precision:information_schema.cardinal_number, '
        'udt_catalog:information_schema.sql_identifier, '
        'udt_schema:information_schema.sql_identifier, '
        'udt_name:information_schema.sql_identifier, '
        'scope_catalog:information_schema.sql_identifier, '
        'scope_schema:information_schema.sql_identifier, '
        'scope_name:information_schema.sql_identifier, '
        'maximum_cardinality:information_schema.cardinal_number, '
        'dtd_identifier:information_schema.sql_identifier, '
        'parameter_default:information_schema.character_data'
    ),
    'information_schema.referential_constraints': (
        'constraint_catalog:information_schema.sql_identifier, '
        'constraint_schema:information_schema.sql_identifier, '
        'constraint_name:information_schema.sql_identifier, '
        'unique_constraint_catalog:information_schema.sql_identifier, '
        'unique_constraint_schema:information_schema.sql_identifier, '
        'unique_constraint_name:information_schema.sql_identifier, '
        'match_option:information_schema.character_data, '
        'update_rule:information_schema.character_data, '
        'delete_rule:information_schema.character_data'
    ),
    'information_schema.role_table_grants': (
        'grantor:information_schema.sql_identifier, grantee:information_schema.sql_identifier, '
        'table_catalog:information_schema.sql_identifier, '
        'table_schema:information_schema.sql_identifier, '
        'table_name:information_schema.sql_identifier, '
        'privilege_type:information_schema.character_data, '
        'is_grantable:information_schema.yes_or_no, with_hierarchy:information_schema.yes_or_no'
    ),
    'information_schema.routines': (
        'specific_catalog:information_schema.sql_identifier, '
        'specific_schema:information_schema.sql_identifier, '
        'specific_name:information_schema.sql_identifier, '
        'routine_catalog:information_schema.sql_identifier, '
        'routine_schema:information_schema.sql_identifier, '
        'routine_name:information_schema.sql_identifier, '
        'routine_type:information_schema.character_data, '
        'module_catalog:information_schema.sql_identifier, '
        'module_schema:information_schema.sql_identifier, '
        'module_name:information_schema.sql_identifier, '
        'udt_catalog:information_schema.sql_identifier, '
        'udt_schema:information_schema.sql_identifier, '
        'udt_name:information_schema.sql_identifier, data_type:information_schema.character_data,'
        ' character_maximum_length:information_schema.cardinal_number, '
        'character_octet_length:information_schema.cardinal_number, '
        'character_set_catalog:information_schema.sql_identifier, '
        'character_set_schema:information_schema.sql_identifier, '
        'character_set_name:information_schema.sql_identifier, '
        'collation_catalog:information_schema.sql_identifier, '
        'collation_schema:information_schema.sql_identifier, '
        'collation_name:information_schema.sql_identifier, '
        'numeric_precision:information_schema.cardinal_number, '
        'numeric_precision_radix:information_schema.cardinal_number, '
        'numeric_scale:information_schema.cardinal_number, '
        'datetime_precision:information_schema.cardinal_number, '
        'interval_type:information_schema.character_data, '
        'interval_precision:information_schema.cardinal_number, '
        'type_udt_catalog:information_schema.sql_identifier, '
        'type_udt_schema:information_schema.sql_identifier, '
        'type_udt_name:information_schema.sql_identifier, '
        'scope_catalog:information_schema.sql_identifier, '
        'scope_schema:information_schema.sql_identifier, '
        'scope_name:information_schema.sql_identifier, '
        'maximum_cardinality:information_schema.cardinal_number, '
        'dtd_identifier:information_schema.sql_identifier, '
        'routine_body:information_schema.character_data, '
        'routine_definition:information_schema.character_data, '
        'external_name:information_schema.character_data, '
        'external_language:information_schema.character_data, '
        'parameter_style:information_schema.character_data, '
        'is_deterministic:information_schema.yes_or_no, '
        'sql_data_access:information_schema.character_data, '
        'is_null_call:information_schema.yes_or_no, sql_path:information_schema.character_data, '
        'schema_level_routine:information_schema.yes_or_no, '
        'max_dynamic_result_sets:information_schema.cardinal_number, '
        'is_user_defined_cast:information_schema.yes_or_no, '
        'is_implicitly_invocable:information_schema.yes_or_no, '
        'security_type:information_schema.character_data, '
        'to_sql_specific_catalog:information_schema.sql_identifier, '
        'to_sql_specific_schema:information_schema.sql_identifier, '
        'to_sql_specific_name:information_schema.sql_identifier, '
        'as_locator:information_schema.yes_or_no, created:information_schema.time_stamp, '
        'last_altered:information_schema.time_stamp, '
        'new_savepoint_level:information_schema.yes_or_no, '
        'is_udt_dependent:information_schema.yes_or_no, '
        'result_cast_from_data_type:information_schema.character_data, '
        'result_cast_as_locator:information_schema.yes_or_no, '
        'result_cast_char_max_length:information_schema.cardinal_number, '
        'result_cast_char_octet_length:information_schema.cardinal_number, '
        'result_cast_char_set_catalog:information_schema.sql_identifier, '
        'result_cast_char_set_schema:information_schema.sql_identifier, '
        'result_cast_char_set_name:information_schema.sql_identifier, '
        'result_cast_collation_catalog:information_schema.sql_identifier, '
        'result_cast_collation_schema:information_schema.sql_identifier, '
        'result_cast_collation_name:information_schema.sql_identifier, '
        'result_cast_numeric_precision:information_schema.cardinal_number, '
        'result_cast_numeric_precision_radix:information_schema.cardinal_number, '
        'result_cast_numeric_scale:information_schema.cardinal_number, '
        'result_cast_datetime_precision:information_schema.cardinal_number, '
        'result_cast_interval_type:information_schema.character_data, '
        'result_cast_interval_precision:information_schema.cardinal_number, '
        'result_cast_type_udt_catalog:information_schema.sql_identifier, '
        'result_cast_type_udt_schema:information_schema.sql_identifier, '
        'result_cast_type_udt_name:information_schema.sql_identifier, '
        'result_cast_scope_catalog:information_schema.sql_identifier, '
        'result_cast_scope_schema:information_schema.sql_identifier, '
        'result_cast_scope_name:information_schema.sql_identifier, '
        'result_cast_maximum_cardinality:information_schema.cardinal_number, '
        'result_cast_dtd_identifier:information_schema.sql_identifier'
    ),
    'information_schema.schemata': (
        'catalog_name:information_schema.sql_identifier, '
        'schema_name:information_schema.sql_identifier, '
        'schema_owner:information_schema.sql_identifier, '
        'default_character_set_catalog:information_schema.sql_identifier, '
        'default_character_set_schema:information_schema.sql_identifier, '
        'default_character_set_name:information_schema.sql_identifier, '
        'sql_path:information_schema.character_data'
    ),
    'information_schema.sequences': (
        'sequence_catalog:information_schema.sql_identifier, '
        'sequence_schema:information_schema.sql_identifier, '
        'sequence_name:information_schema.sql_identifier, '
        'data_type:information_schema.character_data, '
        'numeric_precision:information_schema.cardinal_number, '
        'numeric_precision_radix:information_schema.cardinal_number, '
        'numeric_scale:information_schema.cardinal_number, '
        'start_value:information_schema.character_data, '
        'minimum_value:information_schema.character_data, '
        'maximum_value:information_schema.character_data, '
        'increment:information_schema.character_data, cycle_option:information_schema.yes_or_no'
    ),
    'information_schema.table_constraints': (
        'constraint_catalog:information_schema.sql_identifier, '
        'constraint_schema:information_schema.sql_identifier, '
        'constraint_name:information_schema.sql_identifier, '
        'table_catalog:information_schema.sql_identifier, '
        'table_schema:information_schema.sql_identifier, '
        'table_name:information_schema.sql_identifier, '
        'constraint_type:information_schema.character_data, '
        'is_deferrable:information_schema.yes_or_no, '
        'initially_deferred:information_schema.yes_or_no, enforced:information_schema.yes_or_no, '
        'nulls_distinct:information_schema.yes_or_no'
    ),
    'information_schema.table_privileges': (
        'grantor:information_schema.sql_identifier, grantee:information_schema.sql_identifier, '
        'table_catalog:information_schema.sql_identifier, '
        'table_schema:information_schema.sql_identifier, '
        'table_name:information_schema.sql_identifier, '
        'privilege_type:information_schema.character_data, '
        'is_grantable:information_schema.yes_or_no, with_hierarchy:information_schema.yes_or_no'
    ),
    'information_schema.tables': (
        'table_catalog:information_schema.sql_identifier, '
        'table_schema:information_schema.sql_identifier, '
        'table_name:information_schema.sql_identifier, '
        'table_type:information_schema.character_data, '
        'self_referencing_column_name:information_schema.sql_identifier, '
        'reference_generation:information_schema.character_data, '
        'user_defined_type_catalog:information_schema.sql_identifier, '
        'user_defined_type_schema:information_schema.sql_identifier, '
        'user_defined_type_name:information_schema.sql_identifier, '
        'is_insertable_into:information_schema.yes_or_no, is_typed:information_schema.yes_or_no, '
        'commit_action:information_schema.character_data'
    ),
    'information_schema.triggers': (
        'trigger_catalog:information_schema.sql_identifier, '
        'trigger_schema:information_schema.sql_identifier, '
        'trigger_name:information_schema.sql_identifier, '
        'event_manipulation:information_schema.character_data, '
        'event_object_catalog:information_schema.sql_identifier, '
        'event_object_schema:information_schema.sql_identifier, '
        'event_object_table:information_schema.sql_identifier, '
        'action_order:information_schema.cardinal_number, '
        'action_condition:information_schema.character_data, '
        'action_statement:information_schema.character_data, '
        'action_orientation:information_schema.character_data, '
        'action_timing:information_schema.character_data, '
        'action_reference_old_table:information_schema.sql_identifier, '
        'action_reference_new_table:information_schema.sql_identifier, '
        'action_reference_old_row:information_schema.sql_identifier, '
        'action_reference_new_row:information_schema.sql_identifier, '
        'created:information_schema.time_stamp'
    ),
    'information_schema.usage_privileges': (
        'grantor:information_schema.sql_identifier, grantee:information_schema.sql_identifier, '
        'object_catalog:information_schema.sql_identifier, '
        'object_schema:information_schema.sql_identifier, '
        'object_name:information_schema.sql_identifier, '
        'object_type:information_schema.character_data, '
        'privilege_type:information_schema.character_data, '
        'is_grantable:information_schema.yes_or_no'
    ),
    'information_schema.user_defined_types': (
        'user_defined_type_catalog:information_schema.sql_identifier, '
        'user_defined_type_schema:information_schema.sql_identifier, '
        'user_defined_type_name:information_schema.sql_identifier, '
        'user_defined_type_category:information_schema.character_data, '
        'is_instantiable:information_schema.yes_or_no, is_final:information_schema.yes_or_no, '
        'ordering_form:information_schema.character_data, '
        'ordering_category:information_schema.character_data, '
        'ordering_routine_catalog:information_schema.sql_identifier, '
        'ordering_routine_schema:information_schema.sql_identifier, '
        'ordering_routine_name:information_schema.sql_identifier, '
        'reference_type:information_schema.character_data, '
        'data_type:information_schema.character_data, '
        'character_maximum_length:information_schema.cardinal_number, '
        'character_octet_length:information_schema.cardinal_number, '
        'character_set_catalog:information_schema.sql_identifier, '
        'character_set_schema:information_schema.sql_identifier, '
        'character_set_name:information_schema.sql_identifier, '
        'collation_catalog:information_schema.sql_identifier, '
        'collation_schema:information_schema.sql_identifier, '
        'collation_name:information_schema.sql_identifier, '
        'numeric_precision:information_schema.cardinal_number, '
        'numeric_precision_radix:information_schema.cardinal_number, '
        'numeric_scale:information_schema.cardinal_number, '
        'datetime_precision:information_schema.cardinal_number, '
        'interval_type:information_schema.character_data, '
        'interval_precision:information_schema.cardinal_number, '
        'source_dtd_identifier:information_schema.sql_identifier, '
        'ref_dtd_identifier:information_schema.sql_identifier'
    ),
    'information_schema.view_table_usage': (
        'view_catalog:information_schema.sql_identifier, '
        'view_schema:information_schema.sql_identifier, '
        'view_name:information_schema.sql_identifier, '
        'table_catalog:information_schema.sql_identifier, '
        'table_schema:information_schema.sql_identifier, '
        'table_name:information_schema.sql_identifier'
    ),
    'information_schema.views': (
        'table_catalog:information_schema.sql_identifier, '
        'table_schema:information_schema.sql_identifier, '
        'table_name:information_schema.sql_identifier, '
        'view_definition:information_schema.character_data, '
        'check_option:information_schema.character_data, '
        'is_updatable:information_schema.yes_or_no, '
        'is_insertable_into:information_schema.yes_or_no, '
        'is_trigger_updatable:information_schema.yes_or_no, '
        'is_trigger_deletable:information_schema.yes_or_no, '
        'is_trigger_insertable_into:information_schema.yes_or_no'
    ),
}

# oid, typname, typlen, typbyval, typtype, typcategory, typispreferred, typdelim,
# typelem, typarray, typinput, typoutput, typreceive, typsend, typmodin, typmodout,
# typanalyze, typsubscript, typalign, typstorage, typcollation, format_type(oid, NULL)
TYPES: tuple[tuple[object, ...], ...] = (
    (16, 'bool', 1, True, 'b', 'B', True, ',', 0, 1000, 'boolin', 'boolout', 'boolrecv', 'boolsend', '-', '-', '-', '-', 'c', 'p', 0, 'boolean'),
    (17, 'bytea', -1, False, 'b', 'U', False, ',', 0, 1001, 'byteain', 'byteaout', 'bytearecv', 'byteasend', '-', '-', '-', '-', 'i', 'x', 0, 'bytea'),
    (18, 'char', 1, True, 'b', 'Z', False, ',', 0, 1002, 'charin', 'charout', 'charrecv', 'charsend', '-', '-', '-', '-', 'c', 'p', 0, '"char"'),
    (19, 'name', 64, False, 'b', 'S', False, ',', 18, 1003, 'namein', 'nameout', 'namerecv', 'namesend', '-', '-', '-', 'raw_array_subscript_handler', 'c', 'p', 950, 'name'),
    (20, 'int8', 8, True, 'b', 'N', False, ',', 0, 1016, 'int8in', 'int8out', 'int8recv', 'int8send', '-', '-', '-', '-', 'd', 'p', 0, 'bigint'),
    (21, 'int2', 2, True, 'b', 'N', False, ',', 0, 1005, 'int2in', 'int2out', 'int2recv', 'int2send', '-', '-', '-', '-', 's', 'p', 0, 'smallint'),
    (22, 'int2vector', -1, False, 'b', 'A', False, ',', 21, 1006, 'int2vectorin', 'int2vectorout', 'int2vectorrecv', 'int2vectorsend', '-', '-', '-', 'array_subscript_handler', 'i', 'p', 0, 'int2vector'),
    (23, 'int4', 4, True, 'b', 'N', False, ',', 0, 1007, 'int4in', 'int4out', 'int4recv', 'int4send', '-', '-', '-', '-', 'i', 'p', 0, 'integer'),
    (24, 'regproc', 4, True, 'b', 'N', False, ',', 0, 1008, 'regprocin', 'regprocout', 'regprocrecv', 'regprocsend', '-', '-', '-', '-', 'i', 'p', 0, 'regproc'),
    (25, 'text', -1, False, 'b', 'S', True, ',', 0, 1009, 'textin', 'textout', 'textrecv', 'textsend', '-', '-', '-', '-', 'i', 'x', 100, 'text'),
    (26, 'oid', 4, True, 'b', 'N', True, ',', 0, 1028, 'oidin', 'oidout', 'oidrecv', 'oidsend', '-', '-', '-', '-', 'i', 'p', 0, 'oid'),
    (27, 'tid', 6, False, 'b', 'U', False, ',', 0, 1010, 'tidin', 'tidout', 'tidrecv', 'tidsend', '-', '-', '-', '-', 's', 'p', 0, 'tid'),
    (28, 'xid', 4, True, 'b', 'U', False, ',', 0, 1011, 'xidin', 'xidout', 'xidrecv', 'xidsend', '-', '-', '-', '-', 'i', 'p', 0, 'xid'),
    (29, 'cid', 4, True, 'b', 'U', False, ',', 0, 1012, 'cidin', 'cidout', 'cidrecv', 'cidsend', '-', '-', '-', '-', 'i', 'p', 0, 'cid'),
    (30, 'oidvector', -1, False, 'b', 'A', False, ',', 26, 1013, 'oidvectorin', 'oidvectorout', 'oidvectorrecv', 'oidvectorsend', '-', '-', '-', 'array_subscript_handler', 'i', 'p', 0, 'oidvector'),
    (32, 'pg_ddl_command', 8, True, 'p', 'P', False, ',', 0, 0, 'pg_ddl_command_in', 'pg_ddl_command_out', 'pg_ddl_command_recv', 'pg_ddl_command_send', '-', '-', '-', '-', 'd', 'p', 0, 'pg_ddl_command'),
    (114, 'json', -1, False, 'b', 'U', False, ',', 0, 199, 'json_in', 'json_out', 'json_recv', 'json_send', '-', '-', '-', '-', 'i', 'x', 0, 'json'),
    (142, 'xml', -1, False, 'b', 'U', False, ',', 0, 143, 'xml_in', 'xml_out', 'xml_recv', 'xml_send', '-', '-', '-', '-', 'i', 'x', 0, 'xml'),
    (143, '_xml', -1, False, 'b', 'A', False, ',', 142, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'xml[]'),
    (194, 'pg_node_tree', -1, False, 'b', 'Z', False, ',', 0, 0, 'pg_node_tree_in', 'pg_node_tree_out', 'pg_node_tree_recv', 'pg_node_tree_send', '-', '-', '-', '-', 'i', 'x', 100, 'pg_node_tree'),
    (199, '_json', -1, False, 'b', 'A', False, ',', 114, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'json[]'),
    (210, '_pg_type', -1, False, 'b', 'A', False, ',', 71, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_type[]'),
    (269, 'table_am_handler', 4, True, 'p', 'P', False, ',', 0, 0, 'table_am_handler_in', 'table_am_handler_out', '-', '-', '-', '-', '-', '-', 'i', 'p', 0, 'table_am_handler'),
    (270, '_pg_attribute', -1, False, 'b', 'A', False, ',', 75, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_attribute[]'),
    (271, '_xid8', -1, False, 'b', 'A', False, ',', 5069, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'xid8[]'),
    (272, '_pg_proc', -1, False, 'b', 'A', False, ',', 81, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_proc[]'),
    (273, '_pg_class', -1, False, 'b', 'A', False, ',', 83, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_class[]'),
    (325, 'index_am_handler', 4, True, 'p', 'P', False, ',', 0, 0, 'index_am_handler_in', 'index_am_handler_out', '-', '-', '-', '-', '-', '-', 'i', 'p', 0, 'index_am_handler'),
    (600, 'point', 16, False, 'b', 'G', False, ',', 701, 1017, 'point_in', 'point_out', 'point_recv', 'point_send', '-', '-', '-', 'raw_array_subscript_handler', 'd', 'p', 0, 'point'),
    (601, 'lseg', 32, False, 'b', 'G', False, ',', 600, 1018, 'lseg_in', 'lseg_out', 'lseg_recv', 'lseg_send', '-', '-', '-', 'raw_array_subscript_handler', 'd', 'p', 0, 'lseg'),
    (602, 'path', -1, False, 'b', 'G', False, ',', 0, 1019, 'path_in', 'path_out', 'path_recv', 'path_send', '-', '-', '-', '-', 'd', 'x', 0, 'path'),
    (603, 'box', 32, False, 'b', 'G', False, ';', 600, 1020, 'box_in', 'box_out', 'box_recv', 'box_send', '-', '-', '-', 'raw_array_subscript_handler', 'd', 'p', 0, 'box'),
    (604, 'polygon', -1, False, 'b', 'G', False, ',', 0, 1027, 'poly_in', 'poly_out', 'poly_recv', 'poly_send', '-', '-', '-', '-', 'd', 'x', 0, 'polygon'),
    (628, 'line', 24, False, 'b', 'G', False, ',', 701, 629, 'line_in', 'line_out', 'line_recv', 'line_send', '-', '-', '-', 'raw_array_subscript_handler', 'd', 'p', 0, 'line'),
    (629, '_line', -1, False, 'b', 'A', False, ',', 628, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'line[]'),
    (650, 'cidr', -1, False, 'b', 'I', False, ',', 0, 651, 'cidr_in', 'cidr_out', 'cidr_recv', 'cidr_send', '-', '-', '-', '-', 'i', 'm', 0, 'cidr'),
    (651, '_cidr', -1, False, 'b', 'A', False, ',', 650, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'cidr[]'),
    (700, 'float4', 4, True, 'b', 'N', False, ',', 0, 1021, 'float4in', 'float4out', 'float4recv', 'float4send', '-', '-', '-', '-', 'i', 'p', 0, 'real'),
    (701, 'float8', 8, True, 'b', 'N', True, ',', 0, 1022, 'float8in', 'float8out', 'float8recv', 'float8send', '-', '-', '-', '-', 'd', 'p', 0, 'double precision'),
    (705, 'unknown', -2, False, 'p', 'X', False, ',', 0, 0, 'unknownin', 'unknownout', 'unknownrecv', 'unknownsend', '-', '-', '-', '-', 'c', 'p', 0, 'unknown'),
    (718, 'circle', 24, False, 'b', 'G', False, ',', 0, 719, 'circle_in', 'circle_out', 'circle_recv', 'circle_send', '-', '-', '-', '-', 'd', 'p', 0, 'circle'),
    (719, '_circle', -1, False, 'b', 'A', False, ',', 718, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'circle[]'),
    (774, 'macaddr8', 8, False, 'b', 'U', False, ',', 0, 775, 'macaddr8_in', 'macaddr8_out', 'macaddr8_recv', 'macaddr8_send', '-', '-', '-', '-', 'i', 'p', 0, 'macaddr8'),
    (775, '_macaddr8', -1, False, 'b', 'A', False, ',', 774, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'macaddr8[]'),
    (790, 'money', 8, True, 'b', 'N', False, ',', 0, 791, 'cash_in', 'cash_out', 'cash_recv', 'cash_send', '-', '-', '-', '-', 'd', 'p', 0, 'money'),
    (791, '_money', -1, False, 'b', 'A', False, ',', 790, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'money[]'),
    (829, 'macaddr', 6, False, 'b', 'U', False, ',', 0, 1040, 'macaddr_in', 'macaddr_out', 'macaddr_recv', 'macaddr_send', '-', '-', '-', '-', 'i', 'p', 0, 'macaddr'),
    (869, 'inet', -1, False, 'b', 'I', True, ',', 0, 1041, 'inet_in', 'inet_out', 'inet_recv', 'inet_send', '-', '-', '-', '-', 'i', 'm', 0, 'inet'),
    (1000, '_bool', -1, False, 'b', 'A', False, ',', 16, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'boolean[]'),
    (1001, '_bytea', -1, False, 'b', 'A', False, ',', 17, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'bytea[]'),
    (1002, '_char', -1, False, 'b', 'A', False, ',', 18, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, '"char"[]'),
    (1003, '_name', -1, False, 'b', 'A', False, ',', 19, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 950, 'name[]'),
    (1005, '_int2', -1, False, 'b', 'A', False, ',', 21, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'smallint[]'),
    (1006, '_int2vector', -1, False, 'b', 'A', False, ',', 22, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'int2vector[]'),
    (1007, '_int4', -1, False, 'b', 'A', False, ',', 23, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'integer[]'),
    (1008, '_regproc', -1, False, 'b', 'A', False, ',', 24, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'regproc[]'),
    (1009, '_text', -1, False, 'b', 'A', False, ',', 25, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 100, 'text[]'),
    (1010, '_tid', -1, False, 'b', 'A', False, ',', 27, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'tid[]'),
    (1011, '_xid', -1, False, 'b', 'A', False, ',', 28, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'xid[]'),
    (1012, '_cid', -1, False, 'b', 'A', False, ',', 29, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'cid[]'),
    (1013, '_oidvector', -1, False, 'b', 'A', False, ',', 30, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'oidvector[]'),
    (1014, '_bpchar', -1, False, 'b', 'A', False, ',', 1042, 0, 'array_in', 'array_out', 'array_recv', 'array_send', 'bpchartypmodin', 'bpchartypmodout', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 100, 'character[]'),
    (1015, '_varchar', -1, False, 'b', 'A', False, ',', 1043, 0, 'array_in', 'array_out', 'array_recv', 'array_send', 'varchartypmodin', 'varchartypmodout', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 100, 'character varying[]'),
    (1016, '_int8', -1, False, 'b', 'A', False, ',', 20, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'bigint[]'),
    (1017, '_point', -1, False, 'b', 'A', False, ',', 600, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'point[]'),
    (1018, '_lseg', -1, False, 'b', 'A', False, ',', 601, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'lseg[]'),
    (1019, '_path', -1, False, 'b', 'A', False, ',', 602, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'path[]'),
    (1020, '_box', -1, False, 'b', 'A', False, ';', 603, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'box[]'),
    (1021, '_float4', -1, False, 'b', 'A', False, ',', 700, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'real[]'),
    (1022, '_float8', -1, False, 'b', 'A', False, ',', 701, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'double precision[]'),
    (1027, '_polygon', -1, False, 'b', 'A', False, ',', 604, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'polygon[]'),
    (1028, '_oid', -1, False, 'b', 'A', False, ',', 26, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'oid[]'),
    (1033, 'aclitem', 12, False, 'b', 'U', False, ',', 0, 1034, 'aclitemin', 'aclitemout', '-', '-', '-', '-', '-', '-', 'i', 'p', 0, 'aclitem'),
    (1034, '_aclitem', -1, False, 'b', 'A', False, ',', 1033, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'aclitem[]'),
    (1040, '_macaddr', -1, False, 'b', 'A', False, ',', 829, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'macaddr[]'),
    (1041, '_inet', -1, False, 'b', 'A', False, ',', 869, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'inet[]'),
    (1042, 'bpchar', -1, False, 'b', 'S', False, ',', 0, 1014, 'bpcharin', 'bpcharout', 'bpcharrecv', 'bpcharsend', 'bpchartypmodin', 'bpchartypmodout', '-', '-', 'i', 'x', 100, 'character'),
    (1043, 'varchar', -1, False, 'b', 'S', False, ',', 0, 1015, 'varcharin', 'varcharout', 'varcharrecv', 'varcharsend', 'varchartypmodin', 'varchartypmodout', '-', '-', 'i', 'x', 100, 'character varying'),
    (1082, 'date', 4, True, 'b', 'D', False, ',', 0, 1182, 'date_in', 'date_out', 'date_recv', 'date_send', '-', '-', '-', '-', 'i', 'p', 0, 'date'),
    (1083, 'time', 8, True, 'b', 'D', False, ',', 0, 1183, 'time_in', 'time_out', 'time_recv', 'time_send', 'timetypmodin', 'timetypmodout', '-', '-', 'd', 'p', 0, 'time without time zone'),
    (1114, 'timestamp', 8, True, 'b', 'D', False, ',', 0, 1115, 'timestamp_in', 'timestamp_out', 'timestamp_recv', 'timestamp_send', 'timestamptypmodin', 'timestamptypmodout', '-', '-', 'd', 'p', 0, 'timestamp without time zone'),
    (1115, '_timestamp', -1, False, 'b', 'A', False, ',', 1114, 0, 'array_in', 'array_out', 'array_recv', 'array_send', 'timestamptypmodin', 'timestamptypmodout', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'timestamp without time zone[]'),
    (1182, '_date', -1, False, 'b', 'A', False, ',', 1082, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'date[]'),
    (1183, '_time', -1, False, 'b', 'A', False, ',', 1083, 0, 'array_in', 'array_out', 'array_recv', 'array_send', 'timetypmodin', 'timetypmodout', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'time without time zone[]'),
    (1184, 'timestamptz', 8, True, 'b', 'D', True, ',', 0, 1185, 'timestamptz_in', 'timestamptz_out', 'timestamptz_recv', 'timestamptz_send', 'timestamptztypmodin', 'timestamptztypmodout', '-', '-', 'd', 'p', 0, 'timestamp with time zone'),
    (1185, '_timestamptz', -1, False, 'b', 'A', False, ',', 1184, 0, 'array_in', 'array_out', 'array_recv', 'array_send', 'timestamptztypmodin', 'timestamptztypmodout', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'timestamp with time zone[]'),
    (1186, 'interval', 16, False, 'b', 'T', True, ',', 0, 1187, 'interval_in', 'interval_out', 'interval_recv', 'interval_send', 'intervaltypmodin', 'intervaltypmodout', '-', '-', 'd', 'p', 0, 'interval'),
    (1187, '_interval', -1, False, 'b', 'A', False, ',', 1186, 0, 'array_in', 'array_out', 'array_recv', 'array_send', 'intervaltypmodin', 'intervaltypmodout', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'interval[]'),
    (1231, '_numeric', -1, False, 'b', 'A', False, ',', 1700, 0, 'array_in', 'array_out', 'array_recv', 'array_send', 'numerictypmodin', 'numerictypmodout', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'numeric[]'),
    (1263, '_cstring', -1, False, 'b', 'A', False, ',', 2275, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'cstring[]'),
    (1266, 'timetz', 12, False, 'b', 'D', False, ',', 0, 1270, 'timetz_in', 'timetz_out', 'timetz_recv', 'timetz_send', 'timetztypmodin', 'timetztypmodout', '-', '-', 'd', 'p', 0, 'time with time zone'),
    (1270, '_timetz', -1, False, 'b', 'A', False, ',', 1266, 0, 'array_in', 'array_out', 'array_recv', 'array_send', 'timetztypmodin', 'timetztypmodout', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'time with time zone[]'),
    (1560, 'bit', -1, False, 'b', 'V', False, ',', 0, 1561, 'bit_in', 'bit_out', 'bit_recv', 'bit_send', 'bittypmodin', 'bittypmodout', '-', '-', 'i', 'x', 0, 'bit'),
    (1561, '_bit', -1, False, 'b', 'A', False, ',', 1560, 0, 'array_in', 'array_out', 'array_recv', 'array_send', 'bittypmodin', 'bittypmodout', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'bit[]'),
    (1562, 'varbit', -1, False, 'b', 'V', True, ',', 0, 1563, 'varbit_in', 'varbit_out', 'varbit_recv', 'varbit_send', 'varbittypmodin', 'varbittypmodout', '-', '-', 'i', 'x', 0, 'bit varying'),
    (1563, '_varbit', -1, False, 'b', 'A', False, ',', 1562, 0, 'array_in', 'array_out', 'array_recv', 'array_send', 'varbittypmodin', 'varbittypmodout', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'bit varying[]'),
    (1700, 'numeric', -1, False, 'b', 'N', False, ',', 0, 1231, 'numeric_in', 'numeric_out', 'numeric_recv', 'numeric_send', 'numerictypmodin', 'numerictypmodout', '-', '-', 'i', 'm', 0, 'numeric'),
    (1790, 'refcursor', -1, False, 'b', 'U', False, ',', 0, 2201, 'textin', 'textout', 'textrecv', 'textsend', '-', '-', '-', '-', 'i', 'x', 0, 'refcursor'),
    (2201, '_refcursor', -1, False, 'b', 'A', False, ',', 1790, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'refcursor[]'),
    (2202, 'regprocedure', 4, True, 'b', 'N', False, ',', 0, 2207, 'regprocedurein', 'regprocedureout', 'regprocedurerecv', 'regproceduresend', '-', '-', '-', '-', 'i', 'p', 0, 'regprocedure'),
    (2203, 'regoper', 4, True, 'b', 'N', False, ',', 0, 2208, 'regoperin', 'regoperout', 'regoperrecv', 'regopersend', '-', '-', '-', '-', 'i', 'p', 0, 'regoper'),
    (2204, 'regoperator', 4, True, 'b', 'N', False, ',', 0, 2209, 'regoperatorin', 'regoperatorout', 'regoperatorrecv', 'regoperatorsend', '-', '-', '-', '-', 'i', 'p', 0, 'regoperator'),
    (2205, 'regclass', 4, True, 'b', 'N', False, ',', 0, 2210, 'regclassin', 'regclassout', 'regclassrecv', 'regclasssend', '-', '-', '-', '-', 'i', 'p', 0, 'regclass'),
    (2206, 'regtype', 4, True, 'b', 'N', False, ',', 0, 2211, 'regtypein', 'regtypeout', 'regtyperecv', 'regtypesend', '-', '-', '-', '-', 'i', 'p', 0, 'regtype'),
    (2207, '_regprocedure', -1, False, 'b', 'A', False, ',', 2202, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'regprocedure[]'),
    (2208, '_regoper', -1, False, 'b', 'A', False, ',', 2203, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'regoper[]'),
    (2209, '_regoperator', -1, False, 'b', 'A', False, ',', 2204, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'regoperator[]'),
    (2210, '_regclass', -1, False, 'b', 'A', False, ',', 2205, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'regclass[]'),
    (2211, '_regtype', -1, False, 'b', 'A', False, ',', 2206, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'regtype[]'),
    (2249, 'record', -1, False, 'p', 'P', False, ',', 0, 2287, 'record_in', 'record_out', 'record_recv', 'record_send', '-', '-', '-', '-', 'd', 'x', 0, 'record'),
    (2275, 'cstring', -2, False, 'p', 'P', False, ',', 0, 1263, 'cstring_in', 'cstring_out', 'cstring_recv', 'cstring_send', '-', '-', '-', '-', 'c', 'p', 0, 'cstring'),
    (2276, 'any', 4, True, 'p', 'P', False, ',', 0, 0, 'any_in', 'any_out', '-', '-', '-', '-', '-', '-', 'i', 'p', 0, '"any"'),
    (2277, 'anyarray', -1, False, 'p', 'P', False, ',', 0, 0, 'anyarray_in', 'anyarray_out', 'anyarray_recv', 'anyarray_send', '-', '-', '-', '-', 'd', 'x', 0, 'anyarray'),
    (2278, 'void', 4, True, 'p', 'P', False, ',', 0, 0, 'void_in', 'void_out', 'void_recv', 'void_send', '-', '-', '-', '-', 'i', 'p', 0, 'void'),
    (2279, 'trigger', 4, True, 'p', 'P', False, ',', 0, 0, 'trigger_in', 'trigger_out', '-', '-', '-', '-', '-', '-', 'i', 'p', 0, 'trigger'),
    (2280, 'language_handler', 4, True, 'p', 'P', False, ',', 0, 0, 'language_handler_in', 'language_handler_out', '-', '-', '-', '-', '-', '-', 'i', 'p', 0, 'language_handler'),
    (2281, 'internal', 8, True, 'p', 'P', False, ',', 0, 0, 'internal_in', 'internal_out', '-', '-', '-', '-', '-', '-', 'd', 'p', 0, 'internal'),
    (2283, 'anyelement', 4, True, 'p', 'P', False, ',', 0, 0, 'anyelement_in', 'anyelement_out', '-', '-', '-', '-', '-', '-', 'i', 'p', 0, 'anyelement'),
    (2287, '_record', -1, False, 'p', 'P', False, ',', 2249, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'record[]'),
    (2776, 'anynonarray', 4, True, 'p', 'P', False, ',', 0, 0, 'anynonarray_in', 'anynonarray_out', '-', '-', '-', '-', '-', '-', 'i', 'p', 0, 'anynonarray'),
    (2949, '_txid_snapshot', -1, False, 'b', 'A', False, ',', 2970, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'txid_snapshot[]'),
    (2950, 'uuid', 16, False, 'b', 'U', False, ',', 0, 2951, 'uuid_in', 'uuid_out', 'uuid_recv', 'uuid_send', '-', '-', '-', '-', 'c', 'p', 0, 'uuid'),
    (2951, '_uuid', -1, False, 'b', 'A', False, ',', 2950, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'uuid[]'),
    (2970, 'txid_snapshot', -1, False, 'b', 'U', False, ',', 0, 2949, 'txid_snapshot_in', 'txid_snapshot_out', 'txid_snapshot_recv', 'txid_snapshot_send', '-', '-', '-', '-', 'd', 'x', 0, 'txid_snapshot'),
    (3115, 'fdw_handler', 4, True, 'p', 'P', False, ',', 0, 0, 'fdw_handler_in', 'fdw_handler_out', '-', '-', '-', '-', '-', '-', 'i', 'p', 0, 'fdw_handler'),
    (3220, 'pg_lsn', 8, True, 'b', 'U', False, ',', 0, 3221, 'pg_lsn_in', 'pg_lsn_out', 'pg_lsn_recv', 'pg_lsn_send', '-', '-', '-', '-', 'd', 'p', 0, 'pg_lsn'),
    (3221, '_pg_lsn', -1, False, 'b', 'A', False, ',', 3220, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_lsn[]'),
    (3310, 'tsm_handler', 4, True, 'p', 'P', False, ',', 0, 0, 'tsm_handler_in', 'tsm_handler_out', '-', '-', '-', '-', '-', '-', 'i', 'p', 0, 'tsm_handler'),
    (3361, 'pg_ndistinct', -1, False, 'b', 'Z', False, ',', 0, 0, 'pg_ndistinct_in', 'pg_ndistinct_out', 'pg_ndistinct_recv', 'pg_ndistinct_send', '-', '-', '-', '-', 'i', 'x', 100, 'pg_ndistinct'),
    (3402, 'pg_dependencies', -1, False, 'b', 'Z', False, ',', 0, 0, 'pg_dependencies_in', 'pg_dependencies_out', 'pg_dependencies_recv', 'pg_dependencies_send', '-', '-', '-', '-', 'i', 'x', 100, 'pg_dependencies'),
    (3500, 'anyenum', 4, True, 'p', 'P', False, ',', 0, 0, 'anyenum_in', 'anyenum_out', '-', '-', '-', '-', '-', '-', 'i', 'p', 0, 'anyenum'),
    (3614, 'tsvector', -1, False, 'b', 'U', False, ',', 0, 3643, 'tsvectorin', 'tsvectorout', 'tsvectorrecv', 'tsvectorsend', '-', '-', 'ts_typanalyze', '-', 'i', 'x', 0, 'tsvector'),
    (3615, 'tsquery', -1, False, 'b', 'U', False, ',', 0, 3645, 'tsqueryin', 'tsqueryout', 'tsqueryrecv', 'tsquerysend', '-', '-', '-', '-', 'i', 'p', 0, 'tsquery'),
    (3642, 'gtsvector', -1, False, 'b', 'U', False, ',', 0, 3644, 'gtsvectorin', 'gtsvectorout', '-', '-', '-', '-', '-', '-', 'i', 'p', 0, 'gtsvector'),
    (3643, '_tsvector', -1, False, 'b', 'A', False, ',', 3614, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'tsvector[]'),
    (3644, '_gtsvector', -1, False, 'b', 'A', False, ',', 3642, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'gtsvector[]'),
    (3645, '_tsquery', -1, False, 'b', 'A', False, ',', 3615, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'tsquery[]'),
    (3734, 'regconfig', 4, True, 'b', 'N', False, ',', 0, 3735, 'regconfigin', 'regconfigout', 'regconfigrecv', 'regconfigsend', '-', '-', '-', '-', 'i', 'p', 0, 'regconfig'),
    (3735, '_regconfig', -1, False, 'b', 'A', False, ',', 3734, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'regconfig[]'),
    (3769, 'regdictionary', 4, True, 'b', 'N', False, ',', 0, 3770, 'regdictionaryin', 'regdictionaryout', 'regdictionaryrecv', 'regdictionarysend', '-', '-', '-', '-', 'i', 'p', 0, 'regdictionary'),
    (3770, '_regdictionary', -1, False, 'b', 'A', False, ',', 3769, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'regdictionary[]'),
    (3802, 'jsonb', -1, False, 'b', 'U', False, ',', 0, 3807, 'jsonb_in', 'jsonb_out', 'jsonb_recv', 'jsonb_send', '-', '-', '-', 'jsonb_subscript_handler', 'i', 'x', 0, 'jsonb'),
    (3807, '_jsonb', -1, False, 'b', 'A', False, ',', 3802, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'jsonb[]'),
    (3831, 'anyrange', -1, False, 'p', 'P', False, ',', 0, 0, 'anyrange_in', 'anyrange_out', '-', '-', '-', '-', '-', '-', 'd', 'x', 0, 'anyrange'),
    (3838, 'event_trigger', 4, True, 'p', 'P', False, ',', 0, 0, 'event_trigger_in', 'event_trigger_out', '-', '-', '-', '-', '-', '-', 'i', 'p', 0, 'event_trigger'),
    (3904, 'int4range', -1, False, 'r', 'R', False, ',', 0, 3905, 'range_in', 'range_out', 'range_recv', 'range_send', '-', '-', 'range_typanalyze', '-', 'i', 'x', 0, 'int4range'),
    (3905, '_int4range', -1, False, 'b', 'A', False, ',', 3904, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'int4range[]'),
    (3906, 'numrange', -1, False, 'r', 'R', False, ',', 0, 3907, 'range_in', 'range_out', 'range_recv', 'range_send', '-', '-', 'range_typanalyze', '-', 'i', 'x', 0, 'numrange'),
    (3907, '_numrange', -1, False, 'b', 'A', False, ',', 3906, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'numrange[]'),
    (3908, 'tsrange', -1, False, 'r', 'R', False, ',', 0, 3909, 'range_in', 'range_out', 'range_recv', 'range_send', '-', '-', 'range_typanalyze', '-', 'd', 'x', 0, 'tsrange'),
    (3909, '_tsrange', -1, False, 'b', 'A', False, ',', 3908, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'tsrange[]'),
    (3910, 'tstzrange', -1, False, 'r', 'R', False, ',', 0, 3911, 'range_in', 'range_out', 'range_recv', 'range_send', '-', '-', 'range_typanalyze', '-', 'd', 'x', 0, 'tstzrange'),
    (3911, '_tstzrange', -1, False, 'b', 'A', False, ',', 3910, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'tstzrange[]'),
    (3912, 'daterange', -1, False, 'r', 'R', False, ',', 0, 3913, 'range_in', 'range_out', 'range_recv', 'range_send', '-', '-', 'range_typanalyze', '-', 'i', 'x', 0, 'daterange'),
    (3913, '_daterange', -1, False, 'b', 'A', False, ',', 3912, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'daterange[]'),
    (3926, 'int8range', -1, False, 'r', 'R', False, ',', 0, 3927, 'range_in', 'range_out', 'range_recv', 'range_send', '-', '-', 'range_typanalyze', '-', 'd', 'x', 0, 'int8range'),
    (3927, '_int8range', -1, False, 'b', 'A', False, ',', 3926, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'int8range[]'),
    (4072, 'jsonpath', -1, False, 'b', 'U', False, ',', 0, 4073, 'jsonpath_in', 'jsonpath_out', 'jsonpath_recv', 'jsonpath_send', '-', '-', '-', '-', 'i', 'x', 0, 'jsonpath'),
    (4073, '_jsonpath', -1, False, 'b', 'A', False, ',', 4072, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'jsonpath[]'),
    (4089, 'regnamespace', 4, True, 'b', 'N', False, ',', 0, 4090, 'regnamespacein', 'regnamespaceout', 'regnamespacerecv', 'regnamespacesend', '-', '-', '-', '-', 'i', 'p', 0, 'regnamespace'),
    (4090, '_regnamespace', -1, False, 'b', 'A', False, ',', 4089, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'regnamespace[]'),
    (4096, 'regrole', 4, True, 'b', 'N', False, ',', 0, 4097, 'regrolein', 'regroleout', 'regrolerecv', 'regrolesend', '-', '-', '-', '-', 'i', 'p', 0, 'regrole'),
    (4097, '_regrole', -1, False, 'b', 'A', False, ',', 4096, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'regrole[]'),
    (4191, 'regcollation', 4, True, 'b', 'N', False, ',', 0, 4192, 'regcollationin', 'regcollationout', 'regcollationrecv', 'regcollationsend', '-', '-', '-', '-', 'i', 'p', 0, 'regcollation'),
    (4192, '_regcollation', -1, False, 'b', 'A', False, ',', 4191, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'regcollation[]'),
    (4451, 'int4multirange', -1, False, 'm', 'R', False, ',', 0, 6150, 'multirange_in', 'multirange_out', 'multirange_recv', 'multirange_send', '-', '-', 'multirange_typanalyze', '-', 'i', 'x', 0, 'int4multirange'),
    (4532, 'nummultirange', -1, False, 'm', 'R', False, ',', 0, 6151, 'multirange_in', 'multirange_out', 'multirange_recv', 'multirange_send', '-', '-', 'multirange_typanalyze', '-', 'i', 'x', 0, 'nummultirange'),
    (4533, 'tsmultirange', -1, False, 'm', 'R', False, ',', 0, 6152, 'multirange_in', 'multirange_out', 'multirange_recv', 'multirange_send', '-', '-', 'multirange_typanalyze', '-', 'd', 'x', 0, 'tsmultirange'),
    (4534, 'tstzmultirange', -1, False, 'm', 'R', False, ',', 0, 6153, 'multirange_in', 'multirange_out', 'multirange_recv', 'multirange_send', '-', '-', 'multirange_typanalyze', '-', 'd', 'x', 0, 'tstzmultirange'),
    (4535, 'datemultirange', -1, False, 'm', 'R', False, ',', 0, 6155, 'multirange_in', 'multirange_out', 'multirange_recv', 'multirange_send', '-', '-', 'multirange_typanalyze', '-', 'i', 'x', 0, 'datemultirange'),
    (4536, 'int8multirange', -1, False, 'm', 'R', False, ',', 0, 6157, 'multirange_in', 'multirange_out', 'multirange_recv', 'multirange_send', '-', '-', 'multirange_typanalyze', '-', 'd', 'x', 0, 'int8multirange'),
    (4537, 'anymultirange', -1, False, 'p', 'P', False, ',', 0, 0, 'anymultirange_in', 'anymultirange_out', '-', '-', '-', '-', '-', '-', 'd', 'x', 0, 'anymultirange'),
    (4538, 'anycompatiblemultirange', -1, False, 'p', 'P', False, ',', 0, 0, 'anycompatiblemultirange_in', 'anycompatiblemultirange_out', '-', '-', '-', '-', '-', '-', 'd', 'x', 0, 'anycompatiblemultirange'),
    (4600, 'pg_brin_bloom_summary', -1, False, 'b', 'Z', False, ',', 0, 0, 'brin_bloom_summary_in', 'brin_bloom_summary_out', 'brin_bloom_summary_recv', 'brin_bloom_summary_send', '-', '-', '-', '-', 'i', 'x', 100, 'pg_brin_bloom_summary'),
    (4601, 'pg_brin_minmax_multi_summary', -1, False, 'b', 'Z', False, ',', 0, 0, 'brin_minmax_multi_summary_in', 'brin_minmax_multi_summary_out', 'brin_minmax_multi_summary_recv', 'brin_minmax_multi_summary_send', '-', '-', '-', '-', 'i', 'x', 100, 'pg_brin_minmax_multi_summary'),
    (5017, 'pg_mcv_list', -1, False, 'b', 'Z', False, ',', 0, 0, 'pg_mcv_list_in', 'pg_mcv_list_out', 'pg_mcv_list_recv', 'pg_mcv_list_send', '-', '-', '-', '-', 'i', 'x', 100, 'pg_mcv_list'),
    (5038, 'pg_snapshot', -1, False, 'b', 'U', False, ',', 0, 5039, 'pg_snapshot_in', 'pg_snapshot_out', 'pg_snapshot_recv', 'pg_snapshot_send', '-', '-', '-', '-', 'd', 'x', 0, 'pg_snapshot'),
    (5039, '_pg_snapshot', -1, False, 'b', 'A', False, ',', 5038, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_snapshot[]'),
    (5069, 'xid8', 8, True, 'b', 'U', False, ',', 0, 271, 'xid8in', 'xid8out', 'xid8recv', 'xid8send', '-', '-', '-', '-', 'd', 'p', 0, 'xid8'),
    (5077, 'anycompatible', 4, True, 'p', 'P', False, ',', 0, 0, 'anycompatible_in', 'anycompatible_out', '-', '-', '-', '-', '-', '-', 'i', 'p', 0, 'anycompatible'),
    (5078, 'anycompatiblearray', -1, False, 'p', 'P', False, ',', 0, 0, 'anycompatiblearray_in', 'anycompatiblearray_out', 'anycompatiblearray_recv', 'anycompatiblearray_send', '-', '-', '-', '-', 'd', 'x', 0, 'anycompatiblearray'),
    (5079, 'anycompatiblenonarray', 4, True, 'p', 'P', False, ',', 0, 0, 'anycompatiblenonarray_in', 'anycompatiblenonarray_out', '-', '-', '-', '-', '-', '-', 'i', 'p', 0, 'anycompatiblenonarray'),
    (5080, 'anycompatiblerange', -1, False, 'p', 'P', False, ',', 0, 0, 'anycompatiblerange_in', 'anycompatiblerange_out', '-', '-', '-', '-', '-', '-', 'd', 'x', 0, 'anycompatiblerange'),
    (6150, '_int4multirange', -1, False, 'b', 'A', False, ',', 4451, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'int4multirange[]'),
    (6151, '_nummultirange', -1, False, 'b', 'A', False, ',', 4532, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'nummultirange[]'),
    (6152, '_tsmultirange', -1, False, 'b', 'A', False, ',', 4533, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'tsmultirange[]'),
    (6153, '_tstzmultirange', -1, False, 'b', 'A', False, ',', 4534, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'tstzmultirange[]'),
    (6155, '_datemultirange', -1, False, 'b', 'A', False, ',', 4535, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'i', 'x', 0, 'datemultirange[]'),
    (6157, '_int8multirange', -1, False, 'b', 'A', False, ',', 4536, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'int8multirange[]'),
    (10000, '_pg_attrdef', -1, False, 'b', 'A', False, ',', 10001, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_attrdef[]'),
    (10002, '_pg_constraint', -1, False, 'b', 'A', False, ',', 10003, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_constraint[]'),
    (10004, '_pg_inherits', -1, False, 'b', 'A', False, ',', 10005, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_inherits[]'),
    (10006, '_pg_index', -1, False, 'b', 'A', False, ',', 10007, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_index[]'),
    (10008, '_pg_operator', -1, False, 'b', 'A', False, ',', 10009, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_operator[]'),
    (10010, '_pg_opfamily', -1, False, 'b', 'A', False, ',', 10011, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_opfamily[]'),
    (10012, '_pg_opclass', -1, False, 'b', 'A', False, ',', 10013, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_opclass[]'),
    (10014, '_pg_am', -1, False, 'b', 'A', False, ',', 10015, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_am[]'),
    (10016, '_pg_amop', -1, False, 'b', 'A', False, ',', 10017, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_amop[]'),
    (10018, '_pg_amproc', -1, False, 'b', 'A', False, ',', 10019, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_amproc[]'),
    (10020, '_pg_language', -1, False, 'b', 'A', False, ',', 10021, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_language[]'),
    (10022, '_pg_largeobject_metadata', -1, False, 'b', 'A', False, ',', 10023, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_largeobject_metadata[]'),
    (10024, '_pg_largeobject', -1, False, 'b', 'A', False, ',', 10025, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_largeobject[]'),
    (10026, '_pg_aggregate', -1, False, 'b', 'A', False, ',', 10027, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_aggregate[]'),
    (10028, '_pg_statistic', -1, False, 'b', 'A', False, ',', 10029, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_statistic[]'),
    (10030, '_pg_statistic_ext', -1, False, 'b', 'A', False, ',', 10031, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_statistic_ext[]'),
    (10032, '_pg_statistic_ext_data', -1, False, 'b', 'A', False, ',', 10033, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_statistic_ext_data[]'),
    (10034, '_pg_rewrite', -1, False, 'b', 'A', False, ',', 10035, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_rewrite[]'),
    (10036, '_pg_trigger', -1, False, 'b', 'A', False, ',', 10037, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_trigger[]'),
    (10038, '_pg_event_trigger', -1, False, 'b', 'A', False, ',', 10039, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_event_trigger[]'),
    (10040, '_pg_description', -1, False, 'b', 'A', False, ',', 10041, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_description[]'),
    (10042, '_pg_cast', -1, False, 'b', 'A', False, ',', 10043, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_cast[]'),
    (10044, '_pg_enum', -1, False, 'b', 'A', False, ',', 10045, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_enum[]'),
    (10046, '_pg_namespace', -1, False, 'b', 'A', False, ',', 10047, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_namespace[]'),
    (10048, '_pg_conversion', -1, False, 'b', 'A', False, ',', 10049, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_conversion[]'),
    (10050, '_pg_depend', -1, False, 'b', 'A', False, ',', 10051, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_depend[]'),
    (10052, '_pg_database', -1, False, 'b', 'A', False, ',', 1248, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_database[]'),
    (10053, '_pg_db_role_setting', -1, False, 'b', 'A', False, ',', 10054, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_db_role_setting[]'),
    (10055, '_pg_tablespace', -1, False, 'b', 'A', False, ',', 10056, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_tablespace[]'),
    (10057, '_pg_authid', -1, False, 'b', 'A', False, ',', 2842, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_authid[]'),
    (10058, '_pg_auth_members', -1, False, 'b', 'A', False, ',', 2843, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_auth_members[]'),
    (10059, '_pg_shdepend', -1, False, 'b', 'A', False, ',', 10060, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_shdepend[]'),
    (10061, '_pg_shdescription', -1, False, 'b', 'A', False, ',', 10062, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_shdescription[]'),
    (10063, '_pg_ts_config', -1, False, 'b', 'A', False, ',', 10064, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_ts_config[]'),
    (10065, '_pg_ts_config_map', -1, False, 'b', 'A', False, ',', 10066, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_ts_config_map[]'),
    (10067, '_pg_ts_dict', -1, False, 'b', 'A', False, ',', 10068, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_ts_dict[]'),
    (10069, '_pg_ts_parser', -1, False, 'b', 'A', False, ',', 10070, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_ts_parser[]'),
    (10071, '_pg_ts_template', -1, False, 'b', 'A', False, ',', 10072, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_ts_template[]'),
    (10073, '_pg_extension', -1, False, 'b', 'A', False, ',', 10074, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_extension[]'),
    (10075, '_pg_foreign_data_wrapper', -1, False, 'b', 'A', False, ',', 10076, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_foreign_data_wrapper[]'),
    (10077, '_pg_foreign_server', -1, False, 'b', 'A', False, ',', 10078, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_foreign_server[]'),
    (10079, '_pg_user_mapping', -1, False, 'b', 'A', False, ',', 10080, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_user_mapping[]'),
    (10081, '_pg_foreign_table', -1, False, 'b', 'A', False, ',', 10082, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_foreign_table[]'),
    (10083, '_pg_policy', -1, False, 'b', 'A', False, ',', 10084, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_policy[]'),
    (10085, '_pg_replication_origin', -1, False, 'b', 'A', False, ',', 10086, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_replication_origin[]'),
    (10087, '_pg_default_acl', -1, False, 'b', 'A', False, ',', 10088, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_default_acl[]'),
    (10089, '_pg_init_privs', -1, False, 'b', 'A', False, ',', 10090, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_init_privs[]'),
    (10091, '_pg_seclabel', -1, False, 'b', 'A', False, ',', 10092, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_seclabel[]'),
    (10093, '_pg_shseclabel', -1, False, 'b', 'A', False, ',', 4066, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_shseclabel[]'),
    (10094, '_pg_collation', -1, False, 'b', 'A', False, ',', 10095, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_collation[]'),
    (10096, '_pg_parameter_acl', -1, False, 'b', 'A', False, ',', 10097, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_parameter_acl[]'),
    (10098, '_pg_partitioned_table', -1, False, 'b', 'A', False, ',', 10099, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_partitioned_table[]'),
    (10100, '_pg_range', -1, False, 'b', 'A', False, ',', 10101, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_range[]'),
    (10102, '_pg_transform', -1, False, 'b', 'A', False, ',', 10103, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_transform[]'),
    (10104, '_pg_sequence', -1, False, 'b', 'A', False, ',', 10105, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_sequence[]'),
    (10106, '_pg_publication', -1, False, 'b', 'A', False, ',', 10107, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_publication[]'),
    (10108, '_pg_publication_namespace', -1, False, 'b', 'A', False, ',', 10109, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_publication_namespace[]'),
    (10110, '_pg_publication_rel', -1, False, 'b', 'A', False, ',', 10111, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_publication_rel[]'),
    (10112, '_pg_subscription', -1, False, 'b', 'A', False, ',', 6101, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_subscription[]'),
    (10113, '_pg_subscription_rel', -1, False, 'b', 'A', False, ',', 10114, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_subscription_rel[]'),
    (12001, '_pg_roles', -1, False, 'b', 'A', False, ',', 12002, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_roles[]'),
    (12006, '_pg_shadow', -1, False, 'b', 'A', False, ',', 12007, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_shadow[]'),
    (12011, '_pg_group', -1, False, 'b', 'A', False, ',', 12012, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_group[]'),
    (12015, '_pg_user', -1, False, 'b', 'A', False, ',', 12016, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_user[]'),
    (12019, '_pg_policies', -1, False, 'b', 'A', False, ',', 12020, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_policies[]'),
    (12024, '_pg_rules', -1, False, 'b', 'A', False, ',', 12025, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_rules[]'),
    (12029, '_pg_views', -1, False, 'b', 'A', False, ',', 12030, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_views[]'),
    (12034, '_pg_tables', -1, False, 'b', 'A', False, ',', 12035, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_tables[]'),
    (12039, '_pg_matviews', -1, False, 'b', 'A', False, ',', 12040, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_matviews[]'),
    (12044, '_pg_indexes', -1, False, 'b', 'A', False, ',', 12045, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_indexes[]'),
    (12049, '_pg_sequences', -1, False, 'b', 'A', False, ',', 12050, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_sequences[]'),
    (12054, '_pg_stats', -1, False, 'b', 'A', False, ',', 12055, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stats[]'),
    (12059, '_pg_stats_ext', -1, False, 'b', 'A', False, ',', 12060, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stats_ext[]'),
    (12064, '_pg_stats_ext_exprs', -1, False, 'b', 'A', False, ',', 12065, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stats_ext_exprs[]'),
    (12069, '_pg_publication_tables', -1, False, 'b', 'A', False, ',', 12070, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_publication_tables[]'),
    (12074, '_pg_locks', -1, False, 'b', 'A', False, ',', 12075, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_locks[]'),
    (12078, '_pg_cursors', -1, False, 'b', 'A', False, ',', 12079, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_cursors[]'),
    (12082, '_pg_available_extensions', -1, False, 'b', 'A', False, ',', 12083, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_available_extensions[]'),
    (12086, '_pg_available_extension_versions', -1, False, 'b', 'A', False, ',', 12087, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_available_extension_versions[]'),
    (12091, '_pg_prepared_xacts', -1, False, 'b', 'A', False, ',', 12092, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_prepared_xacts[]'),
    (12096, '_pg_prepared_statements', -1, False, 'b', 'A', False, ',', 12097, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_prepared_statements[]'),
    (12100, '_pg_seclabels', -1, False, 'b', 'A', False, ',', 12101, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_seclabels[]'),
    (12105, '_pg_settings', -1, False, 'b', 'A', False, ',', 12106, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_settings[]'),
    (12111, '_pg_file_settings', -1, False, 'b', 'A', False, ',', 12112, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_file_settings[]'),
    (12115, '_pg_hba_file_rules', -1, False, 'b', 'A', False, ',', 12116, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_hba_file_rules[]'),
    (12119, '_pg_ident_file_mappings', -1, False, 'b', 'A', False, ',', 12120, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_ident_file_mappings[]'),
    (12123, '_pg_timezone_abbrevs', -1, False, 'b', 'A', False, ',', 12124, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_timezone_abbrevs[]'),
    (12127, '_pg_timezone_names', -1, False, 'b', 'A', False, ',', 12128, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_timezone_names[]'),
    (12131, '_pg_config', -1, False, 'b', 'A', False, ',', 12132, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_config[]'),
    (12135, '_pg_shmem_allocations', -1, False, 'b', 'A', False, ',', 12136, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_shmem_allocations[]'),
    (12139, '_pg_backend_memory_contexts', -1, False, 'b', 'A', False, ',', 12140, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_backend_memory_contexts[]'),
    (12143, '_pg_stat_all_tables', -1, False, 'b', 'A', False, ',', 12144, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_all_tables[]'),
    (12148, '_pg_stat_xact_all_tables', -1, False, 'b', 'A', False, ',', 12149, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_xact_all_tables[]'),
    (12153, '_pg_stat_sys_tables', -1, False, 'b', 'A', False, ',', 12154, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_sys_tables[]'),
    (12158, '_pg_stat_xact_sys_tables', -1, False, 'b', 'A', False, ',', 12159, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_xact_sys_tables[]'),
    (12162, '_pg_stat_user_tables', -1, False, 'b', 'A', False, ',', 12163, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_user_tables[]'),
    (12167, '_pg_stat_xact_user_tables', -1, False, 'b', 'A', False, ',', 12168, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_xact_user_tables[]'),
    (12171, '_pg_statio_all_tables', -1, False, 'b', 'A', False, ',', 12172, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_statio_all_tables[]'),
    (12176, '_pg_statio_sys_tables', -1, False, 'b', 'A', False, ',', 12177, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_statio_sys_tables[]'),
    (12180, '_pg_statio_user_tables', -1, False, 'b', 'A', False, ',', 12181, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_statio_user_tables[]'),
    (12184, '_pg_stat_all_indexes', -1, False, 'b', 'A', False, ',', 12185, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_all_indexes[]'),
    (12189, '_pg_stat_sys_indexes', -1, False, 'b', 'A', False, ',', 12190, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_sys_indexes[]'),
    (12193, '_pg_stat_user_indexes', -1, False, 'b', 'A', False, ',', 12194, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_user_indexes[]'),
    (12197, '_pg_statio_all_indexes', -1, False, 'b', 'A', False, ',', 12198, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_statio_all_indexes[]'),
    (12202, '_pg_statio_sys_indexes', -1, False, 'b', 'A', False, ',', 12203, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_statio_sys_indexes[]'),
    (12206, '_pg_statio_user_indexes', -1, False, 'b', 'A', False, ',', 12207, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_statio_user_indexes[]'),
    (12210, '_pg_statio_all_sequences', -1, False, 'b', 'A', False, ',', 12211, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_statio_all_sequences[]'),
    (12215, '_pg_statio_sys_sequences', -1, False, 'b', 'A', False, ',', 12216, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_statio_sys_sequences[]'),
    (12219, '_pg_statio_user_sequences', -1, False, 'b', 'A', False, ',', 12220, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_statio_user_sequences[]'),
    (12223, '_pg_stat_activity', -1, False, 'b', 'A', False, ',', 12224, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_activity[]'),
    (12228, '_pg_stat_replication', -1, False, 'b', 'A', False, ',', 12229, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_replication[]'),
    (12233, '_pg_stat_slru', -1, False, 'b', 'A', False, ',', 12234, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_slru[]'),
    (12237, '_pg_stat_wal_receiver', -1, False, 'b', 'A', False, ',', 12238, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_wal_receiver[]'),
    (12241, '_pg_stat_recovery_prefetch', -1, False, 'b', 'A', False, ',', 12242, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_recovery_prefetch[]'),
    (12245, '_pg_stat_subscription', -1, False, 'b', 'A', False, ',', 12246, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_subscription[]'),
    (12250, '_pg_stat_ssl', -1, False, 'b', 'A', False, ',', 12251, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_ssl[]'),
    (12254, '_pg_stat_gssapi', -1, False, 'b', 'A', False, ',', 12255, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_gssapi[]'),
    (12258, '_pg_replication_slots', -1, False, 'b', 'A', False, ',', 12259, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_replication_slots[]'),
    (12263, '_pg_stat_replication_slots', -1, False, 'b', 'A', False, ',', 12264, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_replication_slots[]'),
    (12267, '_pg_stat_database', -1, False, 'b', 'A', False, ',', 12268, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_database[]'),
    (12272, '_pg_stat_database_conflicts', -1, False, 'b', 'A', False, ',', 12273, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_database_conflicts[]'),
    (12276, '_pg_stat_user_functions', -1, False, 'b', 'A', False, ',', 12277, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_user_functions[]'),
    (12281, '_pg_stat_xact_user_functions', -1, False, 'b', 'A', False, ',', 12282, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_xact_user_functions[]'),
    (12286, '_pg_stat_archiver', -1, False, 'b', 'A', False, ',', 12287, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_archiver[]'),
    (12290, '_pg_stat_bgwriter', -1, False, 'b', 'A', False, ',', 12291, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_bgwriter[]'),
    (12294, '_pg_stat_wal', -1, False, 'b', 'A', False, ',', 12295, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_wal[]'),
    (12298, '_pg_stat_progress_analyze', -1, False, 'b', 'A', False, ',', 12299, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_progress_analyze[]'),
    (12303, '_pg_stat_progress_vacuum', -1, False, 'b', 'A', False, ',', 12304, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_progress_vacuum[]'),
    (12308, '_pg_stat_progress_cluster', -1, False, 'b', 'A', False, ',', 12309, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_progress_cluster[]'),
    (12313, '_pg_stat_progress_create_index', -1, False, 'b', 'A', False, ',', 12314, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_progress_create_index[]'),
    (12318, '_pg_stat_progress_basebackup', -1, False, 'b', 'A', False, ',', 12319, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_progress_basebackup[]'),
    (12323, '_pg_stat_progress_copy', -1, False, 'b', 'A', False, ',', 12324, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_progress_copy[]'),
    (12328, '_pg_user_mappings', -1, False, 'b', 'A', False, ',', 12329, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_user_mappings[]'),
    (12333, '_pg_replication_origin_status', -1, False, 'b', 'A', False, ',', 12334, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_replication_origin_status[]'),
    (12337, '_pg_stat_subscription_stats', -1, False, 'b', 'A', False, ',', 12338, 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze', 'array_subscript_handler', 'd', 'x', 0, 'pg_stat_subscription_stats[]'),
)

RANGES: tuple[tuple[object, ...], ...] = (
    (3904, 23, 4451, 0, 1978, 'int4range_canonical', 'int4range_subdiff'),
    (3906, 1700, 4532, 0, 3125, '-', 'numrange_subdiff'),
    (3908, 1114, 4533, 0, 3128, '-', 'tsrange_subdiff'),
    (3910, 1184, 4534, 0, 3127, '-', 'tstzrange_subdiff'),
    (3912, 1082, 4535, 0, 3122, 'daterange_canonical', 'daterange_subdiff'),
    (3926, 20, 4536, 0, 3124, 'int8range_canonical', 'int8range_subdiff'),
)

KEYWORDS: tuple[tuple[str, str, bool], ...] = (
    ('abort', 'U', True),
    ('absolute', 'U', True),
    ('access', 'U', True),
    ('action', 'U', True),
    ('add', 'U', True),
    ('admin', 'U', True),
    ('after', 'U', True),
    ('aggregate', 'U', True),
    ('all', 'R', True),
    ('also', 'U', True),
    ('alter', 'U', True),
    ('always', 'U', True),
    ('analyse', 'R', True),
    ('analyze', 'R', True),
    ('and', 'R', True),
    ('any', 'R', True),
    ('array', 'R', False),
    ('as', 'R', False),
    ('asc', 'R', True),
    ('asensitive', 'U', True),
    ('assertion', 'U', True),
    ('assignment', 'U', True),
    ('asymmetric', 'R', True),
    ('at', 'U', True),
    ('atomic', 'U', True),
    ('attach', 'U', True),
    ('attribute', 'U', True),
    ('authorization', 'T', True),
    ('backward', 'U', True),
    ('before', 'U', True),
    ('begin', 'U', True),
    ('between', 'C', True),
    ('bigint', 'C', True),
    ('binary', 'T', True),
    ('bit', 'C', True),
    ('boolean', 'C', True),
    ('both', 'R', True),
    ('breadth', 'U', True),
    ('by', 'U', True),
    ('cache', 'U', True),
    ('call', 'U', True),
    ('called', 'U', True),
    ('cascade', 'U', True),
    ('cascaded', 'U', True),
    ('case', 'R', True),
    ('cast', 'R', True),
    ('catalog', 'U', True),
    ('chain', 'U', True),
    ('char', 'C', False),
    ('character', 'C', False),
    ('characteristics', 'U', True),
    ('check', 'R', True),
    ('checkpoint', 'U', True),
    ('class', 'U', True),
    ('close', 'U', True),
    ('cluster', 'U', True),
    ('coalesce', 'C', True),
    ('collate', 'R', True),
    ('collation', 'T', True),
    ('column', 'R', True),
    ('columns', 'U', True),
    ('comment', 'U', True),
    ('comments', 'U', True),
    ('commit', 'U', True),
    ('committed', 'U', True),
    ('compression', 'U', True),
    ('concurrently', 'T', True),
    ('configuration', 'U', True),
    ('conflict', 'U', True),
    ('connection', 'U', True),
    ('constraint', 'R', True),
    ('constraints', 'U', True),
    ('content', 'U', True),
    ('continue', 'U', True),
    ('conversion', 'U', True),
    ('copy', 'U', True),
    ('cost', 'U', True),
    ('create', 'R', False),
    ('cross', 'T', True),
    ('csv', 'U', True),
    ('cube', 'U', True),
    ('current', 'U', True),
    ('current_catalog', 'R', True),
    ('current_date', 'R', True),
    ('current_role', 'R', True),
    ('current_schema', 'T', True),
    ('current_time', 'R', True),
    ('current_timestamp', 'R', True),
    ('current_user', 'R', True),
    ('cursor', 'U', True),
    ('cycle', 'U', True),
    ('data', 'U', True),
    ('database', 'U', True),
    ('day', 'U', False),
    ('deallocate', 'U', True),
    ('dec', 'C', True),
    ('decimal', 'C', True),
    ('declare', 'U', True),
    ('default', 'R', True),
    ('defaults', 'U', True),
    ('deferrable', 'R', True),
    ('deferred', 'U', True),
    ('definer', 'U', True),
    ('delete', 'U', True),
    ('delimiter', 'U', True),
    ('delimiters', 'U', True),
    ('depends', 'U', True),
    ('depth', 'U', True),
    ('desc', 'R', True),
    ('detach', 'U', True),
    ('dictionary', 'U', True),
    ('disable', 'U', True),
    ('discard', 'U', True),
    ('distinct', 'R', True),
    ('do', 'R', True),
    ('document', 'U', True),
    ('domain', 'U', True),
    ('double', 'U', True),
    ('drop', 'U', True),
    ('each', 'U', True),
    ('else', 'R', True),
    ('enable', 'U', True),
    ('encoding', 'U', True),
    ('encrypted', 'U', True),
    ('end', 'R', True),
    ('enum', 'U', True),
    ('escape', 'U', True),
    ('event', 'U', True),
    ('except', 'R', False),
    ('exclude', 'U', True),
    ('excluding', 'U', True),
    ('exclusive', 'U', True),
    ('execute', 'U', True),
    ('exists', 'C', True),
    ('explain', 'U', True),
    ('expression', 'U', True),
    ('extension', 'U', True),
    ('external', 'U', True),
    ('extract', 'C', True),
    ('false', 'R', True),
    ('family', 'U', True),
    ('fetch', 'R', False),
    ('filter', 'U', False),
    ('finalize', 'U', True),
    ('first', 'U', True),
    ('float', 'C', True),
    ('following', 'U', True),
    ('for', 'R', False),
    ('force', 'U', True),
    ('foreign', 'R', True),
    ('forward', 'U', True),
    ('freeze', 'T', True),
    ('from', 'R', False),
    ('full', 'T', True),
    ('function', 'U', True),
    ('functions', 'U', True),
    ('generated', 'U', True),
    ('global', 'U', True),
    ('grant', 'R', False),
    ('granted', 'U', True),
    ('greatest', 'C', True),
    ('group', 'R', False),
    ('grouping', 'C', True),
    ('groups', 'U', True),
    ('handler', 'U', True),
    ('having', 'R', False),
    ('header', 'U', True),
    ('hold', 'U', True),
    ('hour', 'U', False),
    ('identity', 'U', True),
    ('if', 'U', True),
    ('ilike', 'T', True),
    ('immediate', 'U', True),
    ('immutable', 'U', True),
    ('implicit', 'U', True),
    ('import', 'U', True),
    ('in', 'R', True),
    ('include', 'U', True),
    ('including', 'U', True),
    ('increment', 'U', True),
    ('index', 'U', True),
    ('indexes', 'U', True),
    ('inherit', 'U', True),
    ('inherits', 'U', True),
    ('initially', 'R', True),
    ('inline', 'U', True),
    ('inner', 'T', True),
    ('inout', 'C', True),
    ('input', 'U', True),
    ('insensitive', 'U', True),
    ('insert', 'U', True),
    ('instead', 'U', True),
    ('int', 'C', True),
    ('integer', 'C', True),
    ('intersect', 'R', False),
    ('interval', 'C', True),
    ('into', 'R', False),
    ('invoker', 'U', True),
    ('is', 'T', True),
    ('isnull', 'T', False),
    ('isolation', 'U', True),
    ('join', 'T', True),
    ('key', 'U', True),
    ('label', 'U', True),
    ('language', 'U', True),
    ('large', 'U', True),
    ('last', 'U', True),
    ('lateral', 'R', True),
    ('leading', 'R', True),
    ('leakproof', 'U', True),
    ('least', 'C', True),
    ('left', 'T', True),
    ('level', 'U', True),
    ('like', 'T', True),
    ('limit', 'R', False),
    ('listen', 'U', True),
    ('load', 'U', True),
    ('local', 'U', True),
    ('localtime', 'R', True),
    ('localtimestamp', 'R', True),
    ('location', 'U', True),
    ('lock', 'U', True),
    ('locked', 'U', True),
    ('logged', 'U', True),
    ('mapping', 'U', True),
    ('match', 'U', True),
    ('matched', 'U', True),
    ('materialized', 'U', True),
    ('maxvalue', 'U', True),
    ('merge', 'U', True),
    ('method', 'U', True),
    ('minute', 'U', False),
    ('minvalue', 'U', True),
    ('mode', 'U', True),
    ('month', 'U', False),
    ('move', 'U', True),
    ('name', 'U', True),
    ('names', 'U', True),
    ('national', 'C', True),
    ('natural', 'T', True),
    ('nchar', 'C', True),
    ('new', 'U', True),
    ('next', 'U', True),
    ('nfc', 'U', True),
    ('nfd', 'U', True),
    ('nfkc', 'U', True),
    ('nfkd', 'U', True),
    ('no', 'U', True),
    ('none', 'C', True),
    ('normalize', 'C', True),
    ('normalized', 'U', True),
    ('not', 'R', True),
    ('nothing', 'U', True),
    ('notify', 'U', True),
    ('notnull', 'T', False),
    ('nowait', 'U', True),
    ('null', 'R', True),
    ('nullif', 'C', True),
    ('nulls', 'U', True),
    ('numeric', 'C', True),
    ('object', 'U', True),
    ('of', 'U', True),
    ('off', 'U', True),
    ('offset', 'R', False),
    ('oids', 'U', True),
    ('old', 'U', True),
    ('on', 'R', False),
    ('only', 'R', True),
    ('operator', 'U', True),
    ('option', 'U', True),
    ('options', 'U', True),
    ('or', 'R', True),
    ('order', 'R', False),
    ('ordinality', 'U', True),
    ('others', 'U', True),
    ('out', 'C', True),
    ('outer', 'T', True),
    ('over', 'U', False),
    ('overlaps', 'T', False),
    ('overlay', 'C', True),
    ('overriding', 'U', True),
    ('owned', 'U', True),
    ('owner', 'U', True),
    ('parallel', 'U', True),
    ('parameter', 'U', True),
    ('parser', 'U', True),
    ('partial', 'U', True),
    ('partition', 'U', True),
    ('passing', 'U', True),
    ('password', 'U', True),
    ('placing', 'R', True),
    ('plans', 'U', True),
    ('policy', 'U', True),
    ('position', 'C', True),
    ('preceding', 'U', True),
    ('precision', 'C', False),
    ('prepare', 'U', True),
    ('prepared', 'U', True),
    ('preserve', 'U', True),
    ('primary', 'R', True),
    ('prior', 'U', True),
    ('privileges', 'U', True),
    ('procedural', 'U', True),
    ('procedure', 'U', True),
    ('procedures', 'U', True),
    ('program', 'U', True),
    ('publication', 'U', True),
    ('quote', 'U', True),
    ('range', 'U', True),
    ('read', 'U', True),
    ('real', 'C', True),
    ('reassign', 'U', True),
    ('recheck', 'U', True),
    ('recursive', 'U', True),
    ('ref', 'U', True),
    ('references', 'R', True),
    ('referencing', 'U', True),
    ('refresh', 'U', True),
    ('reindex', 'U', True),
    ('relative', 'U', True),
    ('release', 'U', True),
    ('rename', 'U', True),
    ('repeatable', 'U', True),
    ('replace', 'U', True),
    ('replica', 'U', True),
    ('reset', 'U', True),
    ('restart', 'U', True),
    ('restrict', 'U', True),
    ('return', 'U', True),
    ('returning', 'R', False),
    ('returns', 'U', True),
    ('revoke', 'U', True),
    ('right', 'T', True),
    ('role', 'U', True),
    ('rollback', 'U', True),
    ('rollup', 'U', True),
    ('routine', 'U', True),
    ('routines', 'U', True),
    ('row', 'C', True),
    ('rows', 'U', True),
    ('rule', 'U', True),
    ('savepoint', 'U', True),
    ('schema', 'U', True),
    ('schemas', 'U', True),
    ('scroll', 'U', True),
    ('search', 'U', True),
    ('second', 'U', False),
    ('security', 'U', True),
    ('select', 'R', True),
    ('sequence', 'U', True),
    ('sequences', 'U', True),
    ('serializable', 'U', True),
    ('server', 'U', True),
    ('session', 'U', True),
    ('session_user', 'R', True),
    ('set', 'U', True),
    ('setof', 'C', True),
    ('sets', 'U', True),
    ('share', 'U', True),
    ('show', 'U', True),
    ('similar', 'T', True),
    ('simple', 'U', True),
    ('skip', 'U', True),
    ('smallint', 'C', True),
    ('snapshot', 'U', True),
    ('some', 'R', True),
    ('sql', 'U', True),
    ('stable', 'U', True),
    ('standalone', 'U', True),
    ('start', 'U', True),
    ('statement', 'U', True),
    ('statistics', 'U', True),
    ('stdin', 'U', True),
    ('stdout', 'U', True),
    ('storage', 'U', True),
    ('stored', 'U', True),
    ('strict', 'U', True),
    ('strip', 'U', True),
    ('subscription', 'U', True),
    ('substring', 'C', True),
    ('support', 'U', True),
    ('symmetric', 'R', True),
    ('sysid', 'U', True),
    ('system', 'U', True),
    ('table', 'R', True),
    ('tables', 'U', True),
    ('tablesample', 'T', True),
    ('tablespace', 'U', True),
    ('temp', 'U', True),
    ('template', 'U', True),
    ('temporary', 'U', True),
    ('text', 'U', True),
    ('then', 'R', True),
    ('ties', 'U', True),
    ('time', 'C', True),
    ('timestamp', 'C', True),
    ('to', 'R', False),
    ('trailing', 'R', True),
    ('transaction', 'U', True),
    ('transform', 'U', True),
    ('treat', 'C', True),
    ('trigger', 'U', True),
    ('trim', 'C', True),
    ('true', 'R', True),
    ('truncate', 'U', True),
    ('trusted', 'U', True),
    ('type', 'U', True),
    ('types', 'U', True),
    ('uescape', 'U', True),
    ('unbounded', 'U', True),
    ('uncommitted', 'U', True),
    ('unencrypted', 'U', True),
    ('union', 'R', False),
    ('unique', 'R', True),
    ('unknown', 'U', True),
    ('unlisten', 'U', True),
    ('unlogged', 'U', True),
    ('until', 'U', True),
    ('update', 'U', True),
    ('user', 'R', True),
    ('using', 'R', True),
    ('vacuum', 'U', True),
    ('valid', 'U', True),
    ('validate', 'U', True),
    ('validator', 'U', True),
    ('value', 'U', True),
    ('values', 'C', True),
    ('varchar', 'C', True),
    ('variadic', 'R', True),
    ('varying', 'U', False),
    ('verbose', 'T', True),
    ('version', 'U', True),
    ('view', 'U', True),
    ('views', 'U', True),
    ('volatile', 'U', True),
    ('when', 'R', True),
    ('where', 'R', False),
    ('whitespace', 'U', True),
    ('window', 'R', False),
    ('with', 'R', False),
    ('within', 'U', False),
    ('without', 'U', False),
    ('work', 'U', True),
    ('wrapper', 'U', True),
    ('write', 'U', True),
    ('xml', 'U', True),
    ('xmlattributes', 'C', True),
    ('xmlconcat', 'C', True),
    ('xmlelement', 'C', True),
    ('xmlexists', 'C', True),
    ('xmlforest', 'C', True),
    ('xmlnamespaces', 'C', True),
    ('xmlparse', 'C', True),
    ('xmlpi', 'C', True),
    ('xmlroot', 'C', True),
    ('xmlserialize', 'C', True),
    ('xmltable', 'C', True),
    ('year', 'U', False),
    ('yes', 'U', True),
    ('zone', 'U', True),
)

ACCESS_METHODS: tuple[tuple[int, str, str, str], ...] = (
    (2, 'heap', 'heap_tableam_handler', 't'),
    (403, 'btree', 'bthandler', 'i'),
    (405, 'hash', 'hashhandler', 'i'),
    (783, 'gist', 'gisthandler', 'i'),
    (2742, 'gin', 'ginhandler', 'i'),
    (3580, 'brin', 'brinhandler', 'i'),
    (4000, 'spgist', 'spghandler', 'i'),
)
