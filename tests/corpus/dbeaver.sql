-- DBeaver (Community 25.x) with its bundled pgjdbc: connecting (the "Main" and "Metadata"
-- contexts), then opening database -> schema "public" -> table corpus_items in the navigator and
-- its Columns / Constraints / Indexes / Data tabs. Written from DBeaver's sources
-- (plugins/org.jkiss.dbeaver.ext.postgresql: PostgreDataSource, PostgreDatabase, PostgreSchema,
-- PostgreTableBase, PostgreDataTypeCache) and from statement logs of DBeaver sessions; pgjdbc
-- statements from a PostgreSQL 15 log of pgjdbc 42.5. pgjdbc sends every statement with the
-- extended protocol; OIDs bound with setLong travel as int8, names with setString as varchar.

-- name: pgjdbc_extra_float_digits
-- source: pgjdbc 42.x (QueryExecutorImpl / ConnectionFactoryImpl) connection setup
-- protocol: extended
SET extra_float_digits = 3

-- name: pgjdbc_application_name
-- source: pgjdbc 42.x (QueryExecutorImpl / ConnectionFactoryImpl) connection setup
-- protocol: extended
SET application_name = 'PostgreSQL JDBC Driver'

-- name: application_name
-- source: DBeaver PostgreExecutionContext: connection name as application_name
-- protocol: extended
SET application_name = 'DBeaver 25.1.5 - Main <pixelsql>'

-- name: current_schema_and_user
-- source: DBeaver PostgreExecutionContext.refreshDefaults
-- protocol: extended
-- expect: contains public
-- expect: contains tester
SELECT current_schema(),session_user

-- name: schemas
-- source: DBeaver PostgreDatabase.SchemaCache
-- protocol: extended
-- expect: row nspname=public
-- expect: columns oid,nspname,nspowner,nspacl,description
SELECT n.oid,n.*,d.description FROM pg_catalog.pg_namespace n
LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=n.oid AND d.objsubid=0 AND d.classoid='pg_namespace'::regclass
ORDER BY nspname

-- name: pgjdbc_type_name
-- source: pgjdbc 42.x TypeInfoCache.getPGType (PostgreSQL 15 log of pgjdbc 42.5) (for the nspacl column of the schema list)
-- protocol: extended
-- params: ["1034"]
-- types: ["int4"]
-- expect: rows=1
SELECT n.nspname = ANY(current_schemas(true)), n.nspname, t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid WHERE t.oid = $1

-- name: pgjdbc_type_is_array
-- source: pgjdbc 42.x TypeInfoCache.getPGType (PostgreSQL 15 log of pgjdbc 42.5)
-- protocol: extended
-- params: ["1034"]
-- types: ["int4"]
-- expect: rows=1
SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid   FROM pg_catalog.pg_type   LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r           from pg_namespace as ns           join ( select s.r, (current_schemas(false))[s.r] as nspname                    from generate_series(1, array_upper(current_schemas(false), 1)) as s(r) ) as r          using ( nspname )        ) as sp     ON sp.nspoid = typnamespace  WHERE pg_type.oid = $1  ORDER BY sp.r, pg_type.oid DESC

-- name: search_path
-- source: DBeaver PostgreExecutionContext (search path)
-- protocol: extended
-- expect: rows=1
SHOW search_path

-- name: database_info
-- source: DBeaver PostgreDatabase.readDatabaseInfo
-- protocol: extended
-- params: ["pixelsql"]
-- types: ["varchar"]
-- expect: row datname=pixelsql
-- expect: columns oid,datname,datdba,encoding,datallowconn
SELECT db.oid,db.* FROM pg_catalog.pg_database db WHERE datname=$1

-- name: setting_standard_conforming_strings
-- source: DBeaver PostgreDataSource (server settings)
-- protocol: extended
-- params: ["standard_conforming_strings"]
-- types: ["varchar"]
-- expect: row name=standard_conforming_strings,setting=on
select * from pg_catalog.pg_settings where name=$1

-- name: sql_keywords
-- source: pgjdbc PgDatabaseMetaData.getSQLKeywords, called by DBeaver for its SQL dialect (PostgreSQL 15 log)
-- protocol: extended
-- expect: rows=1
-- expect: match (^|,)analyze(,|$)
select string_agg(word, ',') from pg_catalog.pg_get_keywords() where word <> ALL ('{a,abs,absolute,action,ada,add,admin,after,all,allocate,alter,always,and,any,are,array,as,asc,asensitive,assertion,assignment,asymmetric,at,atomic,attribute,attributes,authorization,avg,before,begin,bernoulli,between,bigint,binary,blob,boolean,both,breadth,by,c,call,called,cardinality,cascade,cascaded,case,cast,catalog,catalog_name,ceil,ceiling,chain,char,char_length,character,character_length,character_set_catalog,character_set_name,character_set_schema,characteristics,characters,check,checked,class_origin,clob,close,coalesce,cobol,code_units,collate,collation,collation_catalog,collation_name,collation_schema,collect,column,column_name,command_function,command_function_code,commit,committed,condition,condition_number,connect,connection_name,constraint,constraint_catalog,constraint_name,constraint_schema,constraints,constructors,contains,continue,convert,corr,corresponding,count,covar_pop,covar_samp,create,cross,cube,cume_dist,current,current_collation,current_date,current_default_transform_group,current_path,current_role,current_time,current_timestamp,current_transform_group_for_type,current_user,cursor,cursor_name,cycle,data,date,datetime_interval_code,datetime_interval_precision,day,deallocate,dec,decimal,declare,default,defaults,deferrable,deferred,defined,definer,degree,delete,dense_rank,depth,deref,derived,desc,describe,descriptor,deterministic,diagnostics,disconnect,dispatch,distinct,domain,double,drop,dynamic,dynamic_function,dynamic_function_code,each,element,else,end,end-exec,equals,escape,every,except,exception,exclude,excluding,exec,execute,exists,exp,external,extract,false,fetch,filter,final,first,float,floor,following,for,foreign,fortran,found,free,from,full,function,fusion,g,general,get,global,go,goto,grant,granted,group,grouping,having,hierarchy,hold,hour,identity,immediate,implementation,in,including,increment,indicator,initially,inner,inout,input,insensitive,insert,instance,instantiable,int,integer,intersect,intersection,interval,into,invoker,is,isolation,join,k,key,key_member,key_type,language,large,last,lateral,leading,left,length,level,like,ln,local,localtime,localtimestamp,locator,lower,m,map,match,matched,max,maxvalue,member,merge,message_length,message_octet_length,message_text,method,min,minute,minvalue,mod,modifies,module,month,more,multiset,mumps,name,names,national,natural,nchar,nclob,nesting,new,next,no,none,normalize,normalized,not,"null",nullable,nullif,nulls,number,numeric,object,octet_length,octets,of,old,on,only,open,option,options,or,order,ordering,ordinality,others,out,outer,output,over,overlaps,overlay,overriding,pad,parameter,parameter_mode,parameter_name,parameter_ordinal_position,parameter_specific_catalog,parameter_specific_name,parameter_specific_schema,partial,partition,pascal,path,percent_rank,percentile_cont,percentile_disc,placing,pli,position,power,preceding,precision,prepare,preserve,primary,prior,privileges,procedure,public,range,rank,read,reads,real,recursive,ref,references,referencing,regr_avgx,regr_avgy,regr_count,regr_intercept,regr_r2,regr_slope,regr_sxx,regr_sxy,regr_syy,relative,release,repeatable,restart,result,return,returned_cardinality,returned_length,returned_octet_length,returned_sqlstate,returns,revoke,right,role,rollback,rollup,routine,routine_catalog,routine_name,routine_schema,row,row_count,row_number,rows,savepoint,scale,schema,schema_name,scope_catalog,scope_name,scope_schema,scroll,search,second,section,security,select,self,sensitive,sequence,serializable,server_name,session,session_user,set,sets,similar,simple,size,smallint,some,source,space,specific,specific_name,specifictype,sql,sqlexception,sqlstate,sqlwarning,sqrt,start,state,statement,static,stddev_pop,stddev_samp,structure,style,subclass_origin,submultiset,substring,sum,symmetric,system,system_user,table,table_name,tablesample,temporary,then,ties,time,timestamp,timezone_hour,timezone_minute,to,top_level_count,trailing,transaction,transaction_active,transactions_committed,transactions_rolled_back,transform,transforms,translate,translation,treat,trigger,trigger_catalog,trigger_name,trigger_schema,trim,true,type,uescape,unbounded,uncommitted,under,union,unique,unknown,unnamed,unnest,update,upper,usage,user,user_defined_type_catalog,user_defined_type_code,user_defined_type_name,user_defined_type_schema,using,value,values,var_pop,var_samp,varchar,varying,view,when,whenever,where,width_bucket,window,with,within,without,work,write,year,zone}'::text[])

-- name: server_version
-- source: DBeaver PostgreDataSource.initialize (server version string)
-- protocol: extended
-- expect: match ^PostgreSQL \d+
SELECT version()

-- name: probe_pg_enum
-- source: DBeaver PostgreServerExtension feature probe
-- protocol: extended
-- expect: rows=0
SELECT * FROM pg_catalog.pg_enum WHERE 1<>1 LIMIT 1

-- name: probe_reltype
-- source: DBeaver PostgreServerExtension feature probe
-- protocol: extended
-- expect: rows=0
SELECT reltype FROM pg_catalog.pg_class WHERE 1<>1 LIMIT 1

-- name: data_types
-- source: DBeaver PostgreDataTypeCache
-- protocol: extended
-- expect: row typname=int4,oid=23
-- expect: row typname=numeric,oid=1700
-- expect: row typname=varchar,oid=1043
SELECT t.oid,t.*,c.relkind,format_type(nullif(t.typbasetype, 0), t.typtypmod) as base_type_name, d.description
FROM pg_catalog.pg_type t
LEFT OUTER JOIN pg_catalog.pg_type et ON et.oid=t.typelem
LEFT OUTER JOIN pg_catalog.pg_class c ON c.oid=t.typrelid
LEFT OUTER JOIN pg_catalog.pg_description d ON t.oid=d.objoid
WHERE t.typname IS NOT NULL
AND (c.relkind IS NULL OR c.relkind = 'c') AND (et.typcategory IS NULL OR et.typcategory <> 'C')

-- name: roles
-- source: DBeaver PostgreDatabase.RoleCache
-- protocol: extended
-- expect: rows>=1
-- expect: columns oid,rolname,rolsuper,rolcanlogin
SELECT a.oid,a.*,pd.description FROM pg_catalog.pg_roles a 
left join pg_catalog.pg_shdescription pd on a.oid = pd.objoid
ORDER BY a.rolname

-- name: encodings
-- source: DBeaver PostgreDatabase.EncodingCache
-- protocol: extended
-- expect: columns encid,encname
SELECT c.contoencoding as encid,pg_catalog.pg_encoding_to_char(c.contoencoding) as encname
FROM pg_catalog.pg_conversion c
GROUP BY c.contoencoding
ORDER BY 2

-- name: tablespaces
-- source: DBeaver PostgreDatabase.TablespaceCache
-- protocol: extended
-- expect: columns oid,spcname,loc
SELECT t.oid,t.*,pg_tablespace_location(t.oid) loc
FROM pg_catalog.pg_tablespace t
ORDER BY t.oid

-- name: tables
-- source: DBeaver PostgreSchema.TableCache (schema public expanded)
-- protocol: extended
-- params: ["{schema_oid}"]
-- types: ["int8"]
-- expect: row relname=corpus_items,relkind=r
-- expect: row relname=corpus_items_view,relkind=v
SELECT c.oid,c.*,d.description,pg_catalog.pg_get_expr(c.relpartbound, c.oid) as partition_expr,  pg_catalog.pg_get_partkeydef(c.oid) as partition_key 
FROM pg_catalog.pg_class c
LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=c.oid AND d.objsubid=0 AND d.classoid='pg_class'::regclass
WHERE c.relnamespace=$1 AND c.relkind not in ('i','I','c')

-- name: table_sizes
-- source: DBeaver PostgreSchema (table statistics)
-- protocol: extended
-- params: ["{schema_oid}"]
-- types: ["int8"]
-- expect: rows>=2
select c.oid,pg_catalog.pg_total_relation_size(c.oid) as total_rel_size,pg_catalog.pg_relation_size(c.oid) as rel_size
FROM pg_class c
WHERE c.relnamespace=$1

-- name: table_columns
-- source: DBeaver PostgreSchema.TableCache children (sqlTableChild)
-- protocol: extended
-- params: ["{table_oid}"]
-- types: ["int8"]
-- expect: row attname=id,attnum=1,atttypid=23,attnotnull=t
-- expect: row attname=name,atttypid=1043,atttypmod=24,attnotnull=t
-- expect: row attname=price,atttypid=1700,atttypmod=655366,attnotnull=f
-- expect: row attname=created,atttypid=1114
-- expect: row attname=active,atttypid=16
SELECT c.relname,a.*,pg_catalog.pg_get_expr(ad.adbin, ad.adrelid, true) as def_value,dsc.description
FROM pg_catalog.pg_attribute a
INNER JOIN pg_catalog.pg_class c ON (a.attrelid=c.oid)
LEFT OUTER JOIN pg_catalog.pg_attrdef ad ON (a.attrelid=ad.adrelid AND a.attnum = ad.adnum)
LEFT OUTER JOIN pg_catalog.pg_description dsc ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid)
WHERE NOT a.attisdropped AND c.oid=$1 ORDER BY a.attnum

-- name: table_constraints
-- source: DBeaver PostgreSchema.ConstraintCache
-- protocol: extended
-- params: ["{table_oid}"]
-- types: ["int8"]
-- expect: row contype=p,conkey={1},tabrelname=corpus_items
SELECT c.oid,c.*,t.relname as tabrelname,rt.relnamespace as refnamespace,d.description, case when c.contype='c' then "substring"(pg_get_constraintdef(c.oid), 7) else null end consrc_copy
FROM pg_catalog.pg_constraint c
INNER JOIN pg_catalog.pg_class t ON t.oid=c.conrelid
LEFT OUTER JOIN pg_catalog.pg_class rt ON rt.oid=c.confrelid
LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=c.oid AND d.objsubid=0 AND d.classoid='pg_constraint'::regclass
WHERE c.conrelid=$1
ORDER BY c.oid

-- name: table_indexes
-- source: DBeaver PostgreSchema.IndexCache
-- protocol: extended
-- params: ["{table_oid}"]
-- types: ["int8"]
-- expect: row relname=corpus_items_name_idx,indisunique=f,keys=2
-- expect: row indisprimary=t,keys=1
SELECT i.*,i.indkey as keys,c.relname,c.relnamespace,c.relam,c.reltablespace,tc.relname as tabrelname,dsc.description,pg_catalog.pg_get_expr(i.indpred, i.indrelid) as pred_expr,pg_catalog.pg_get_expr(i.indexprs, i.indrelid, true) as expr,pg_catalog.pg_relation_size(i.indexrelid) as index_rel_size,pg_catalog.pg_stat_get_numscans(i.indexrelid) as index_num_scans
FROM pg_catalog.pg_index i
INNER JOIN pg_catalog.pg_class c ON c.oid=i.indexrelid
INNER JOIN pg_catalog.pg_class tc ON tc.oid=i.indrelid
LEFT OUTER JOIN pg_catalog.pg_description dsc ON i.indexrelid=dsc.objoid
WHERE  i.indrelid=$1 ORDER BY c.relname

-- name: table_inheritance
-- source: DBeaver PostgreTableReal (super tables)
-- protocol: extended
-- params: ["{table_oid}"]
-- types: ["int8"]
-- expect: rows=0
SELECT i.*,c.relnamespace FROM pg_catalog.pg_inherits i,pg_catalog.pg_class c WHERE i.inhrelid=$1 AND c.oid=i.inhparent ORDER BY i.inhseqno

-- name: table_triggers
-- source: DBeaver PostgreTableBase.TriggerCache
-- protocol: extended
-- params: ["{table_oid}"]
-- types: ["int8"]
-- expect: rows=0
SELECT x.oid,x.*,p.pronamespace as func_schema_id,d.description
FROM pg_catalog.pg_trigger x
LEFT OUTER JOIN pg_catalog.pg_proc p ON p.oid=x.tgfoid
LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=x.oid AND d.objsubid=0
WHERE x.tgrelid = $1 AND NOT x.tgisinternal

-- name: table_rules
-- source: DBeaver PostgreTableBase.RuleCache
-- protocol: extended
-- params: ["{table_oid}"]
-- types: ["int8"]
-- expect: rows=0
SELECT r.oid,r.*, pg_get_ruledef(r.oid) AS definition FROM pg_rewrite r WHERE r.ev_class=$1 AND r.rulename <> '_RETURN'::name

-- name: table_policies
-- source: DBeaver PostgreTableReal (row-level security policies)
-- protocol: extended
-- params: ["public", "corpus_items"]
-- types: ["varchar", "varchar"]
-- expect: rows=0
select * from pg_catalog.pg_policies where schemaname=$1 and tablename=$2

-- name: table_referenced_by
-- source: DBeaver PostgreTableBase.getReferences
-- protocol: extended
-- params: ["{table_oid}"]
-- types: ["int8"]
-- expect: rows=0
SELECT DISTINCT connamespace FROM pg_catalog.pg_constraint WHERE confrelid=$1

-- name: view_definition
-- source: DBeaver PostgreViewBase.readDefinition
-- protocol: extended
-- params: ["{view_oid}"]
-- types: ["int8"]
-- expect: match (?i)select
SELECT pg_catalog.pg_get_viewdef($1, true)

-- name: procedures
-- source: DBeaver PostgreSchema.ProceduresCache
-- protocol: extended
-- params: ["{schema_oid}"]
-- types: ["int8"]
-- expect: columns oid,proname
SELECT p.oid,p.*,d.description
FROM pg_catalog.pg_proc p
LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=p.oid
WHERE p.pronamespace=$1
ORDER BY p.proname

-- name: extensions
-- source: DBeaver PostgreSchema.ExtensionCache
-- protocol: extended
-- params: ["{schema_oid}"]
-- types: ["int8"]
-- expect: columns oid,extname
SELECT e.oid,e.* FROM pg_catalog.pg_extension e 
WHERE e.extnamespace=$1
ORDER BY e.oid

-- name: data_tab
-- source: DBeaver data editor: reading the table
-- protocol: extended
-- expect: rows=3
-- expect: row id=1,name=widget,price=12.50
SELECT t.*
FROM public.corpus_items t
LIMIT 200

-- name: pgjdbc_result_metadata
-- source: pgjdbc PgResultSetMetaData.fetchFieldMetaData for the data tab's columns (table OID and column number from RowDescription; PostgreSQL 15 log of pgjdbc 42.5)
-- protocol: extended
-- expect: rows=5
-- expect: row attname=price,relname=corpus_items,nspname=public
SELECT c.oid, a.attnum, a.attname, c.relname, n.nspname, a.attnotnull OR (t.typtype = 'd' AND t.typnotnull), a.attidentity != '' OR pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE '%nextval(%' FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON (c.relnamespace = n.oid) JOIN pg_catalog.pg_attribute a ON (c.oid = a.attrelid) JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid) LEFT JOIN pg_catalog.pg_attrdef d ON (d.adrelid = a.attrelid AND d.adnum = a.attnum) JOIN (SELECT {table_oid} AS oid , 1 AS attnum UNION ALL SELECT {table_oid}, 2 UNION ALL SELECT {table_oid}, 3 UNION ALL SELECT {table_oid}, 4 UNION ALL SELECT {table_oid}, 5) vals ON (c.oid = vals.oid AND a.attnum = vals.attnum)

-- name: keepalive
-- source: DBeaver connection keep-alive / "Test connection"
-- protocol: extended
-- expect: contains 1
SELECT 1
