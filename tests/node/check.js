'use strict';
// node-postgres (`pg`) against a PixelSQL server: what a Node.js application relies on.
//
// Usage: node check.js <connection-url> <table-name>
//
// Every check prints exactly one machine-checkable line, and the script goes on after a failure
// so that tests/test_node_pg.py can report each check on its own:
//
//   CHECK <name> OK <detail>
//   CHECK <name> FAIL <message> [code=<SQLSTATE>]

const assert = require('node:assert/strict');
const { Client } = require('pg');

const [url, table] = process.argv.slice(2);
let failures = 0;
let client = null;

function oneLine(text) {
  return String(text).replace(/[\r\n]+/g, ' ');
}

/** The session's client; a fresh one when a failed check left the old one unusable. */
async function db() {
  if (client === null) {
    client = new Client({ connectionString: url, application_name: 'pixelsql-node-check',
      connectionTimeoutMillis: 10000, statement_timeout: 60000 });
    client.on('error', () => { client = null; });
    await client.connect();
  }
  return client;
}

async function check(name, body) {
  try {
    const detail = await body();
    console.log(`CHECK ${name} OK ${oneLine(detail ?? '')}`);
  } catch (err) {
    failures += 1;
    const sqlstate = err && /^[0-9A-Z]{5}$/.test(String(err.code)) ? ` [code=${err.code}]` : '';
    console.log(`CHECK ${name} FAIL ${oneLine(err && err.message ? err.message : err)}${sqlstate}`);
    // A failed assertion leaves the connection usable; a protocol failure may not.
    if (client !== null) {
      try {
        await client.query('SELECT 1');
      } catch (_) {
        try { await client.end(); } catch (__) { /* already gone */ }
        client = null;
      }
    }
  }
}

async function expectError(sql, params, code) {
  const c = await db();
  try {
    await c.query(sql, params);
  } catch (err) {
    assert.equal(err.code, code, `SQLSTATE ${err.code}: ${err.message}`);
    return `${err.code} ${err.message}`;
  }
  throw new Error(`no error raised by ${sql}`);
}

async function main() {
  await check('connect', async () => {
    const c = await db();
    const res = await c.query('SELECT 1 AS one');
    assert.deepEqual(res.rows, [{ one: 1 }]);
    return 'connected';
  });

  await check('parameterised_query', async () => {
    const c = await db();
    const res = await c.query('SELECT $1::int + $2::int AS sum, $3::text AS greeting', [40, 2, 'hello']);
    assert.equal(res.rows[0].sum, 42);
    assert.equal(res.rows[0].greeting, 'hello');
    return JSON.stringify(res.rows[0]);
  });

  await check('named_prepared_statement', async () => {
    const c = await db();
    const seen = [];
    for (const n of [1, 2, 3]) {
      const res = await c.query({ name: 'pixelsql_times_ten', text: 'SELECT $1::int * 10 AS v', values: [n] });
      seen.push(res.rows[0].v);
    }
    assert.deepEqual(seen, [10, 20, 30]);
    return seen.join(',');
  });

  await check('create_table', async () => {
    const c = await db();
    await c.query(`DROP TABLE IF EXISTS ${table}`);
    await c.query(`CREATE TABLE ${table} (
      id INTEGER PRIMARY KEY, qty BIGINT, price NUMERIC(10,2), name TEXT, active BOOLEAN,
      created TIMESTAMP, payload JSON, tags TEXT[], scores INTEGER[], blob BYTEA)`);
    return table;
  });

  const created = new Date(Date.UTC(2024, 1, 29, 13, 45, 30, 123));
  const blob = Buffer.from([0, 1, 2, 254, 255, 0x5c, 0x27]);
  await check('insert_typed_parameters', async () => {
    const c = await db();
    const res = await c.query(
      `INSERT INTO ${table} (id, qty, price, name, active, created, payload, tags, scores, blob)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [1, '9007199254740993', '12.50', "it's ünïcødé", true, created,
        JSON.stringify({ a: 1, b: [true, null] }), ['x', 'y z', 'q"uote'], [1, 2, 3], blob]);
    assert.equal(res.rowCount, 1);
    assert.equal(res.command, 'INSERT');
    await c.query(`INSERT INTO ${table} (id, name) VALUES ($1, $2)`, [2, null]);
    return `rowCount=${res.rowCount}`;
  });

  await check('select_types', async () => {
    const c = await db();
    const res = await c.query(`SELECT * FROM ${table} WHERE id = $1`, [1]);
    assert.equal(res.rows.length, 1);
    const row = res.rows[0];
    assert.equal(row.id, 1);
    assert.equal(row.qty, '9007199254740993');  // int8 comes back as a string, exactly
    assert.equal(row.price, '12.50');           // numeric keeps its scale
    assert.equal(row.name, "it's ünïcødé");
    assert.equal(row.active, true);
    assert.ok(row.created instanceof Date, `created is ${typeof row.created}`);
    assert.equal(row.created.toISOString(), created.toISOString());  // the test runs with TZ=UTC
    assert.deepEqual(row.payload, { a: 1, b: [true, null] });
    assert.deepEqual(row.tags, ['x', 'y z', 'q"uote']);
    assert.deepEqual(row.scores, [1, 2, 3]);
    assert.ok(Buffer.isBuffer(row.blob), `blob is ${typeof row.blob}`);
    assert.ok(row.blob.equals(blob), `blob is ${row.blob.toString('hex')}`);
    return Object.keys(row).join(',');
  });

  await check('result_type_oids', async () => {
    const c = await db();
    const res = await c.query(`SELECT id, qty, price, name, active, created, payload, tags, scores, blob FROM ${table} LIMIT 1`);
    const oids = Object.fromEntries(res.fields.map((f) => [f.name, f.dataTypeID]));
    assert.deepEqual(oids, { id: 23, qty: 20, price: 1700, name: 25, active: 16, created: 1114,
      payload: 114, tags: 1009, scores: 1007, blob: 17 });
    return JSON.stringify(oids);
  });

  await check('result_table_ids', async () => {
    const c = await db();
    const res = await c.query(`SELECT name, qty + 1 AS more, id FROM ${table} LIMIT 1`);
    const rel = await c.query(`SELECT '${table}'::regclass::oid AS oid`);
    const atts = await c.query(`SELECT attname, attnum FROM pg_attribute WHERE attrelid = $1`,
      [rel.rows[0].oid]);
    const attnum = Object.fromEntries(atts.rows.map((r) => [r.attname, r.attnum]));
    const got = res.fields.map((f) => [f.name, f.tableID, f.columnID]);
    const oid = Number(rel.rows[0].oid);
    assert.deepEqual(got, [['name', oid, attnum.name], ['more', 0, 0], ['id', oid, attnum.id]]);
    return JSON.stringify(got);
  });

  await check('null_values', async () => {
    const c = await db();
    const res = await c.query(`SELECT name, price, tags FROM ${table} WHERE id = 2`);
    assert.deepEqual(res.rows, [{ name: null, price: null, tags: null }]);
    return 'nulls';
  });

  await check('row_mode_array', async () => {
    const c = await db();
    const res = await c.query({ text: `SELECT id, name FROM ${table} ORDER BY id`, rowMode: 'array' });
    assert.deepEqual(res.rows, [[1, "it's ünïcødé"], [2, null]]);
    return JSON.stringify(res.rows);
  });

  await check('error_undefined_table', () => expectError('SELECT * FROM no_such_table_for_node', [], '42P01'));
  await check('error_syntax', () => expectError('SELEKT 1', [], '42601'));
  await check('error_unique_violation',
    () => expectError(`INSERT INTO ${table} (id) VALUES ($1)`, [1], '23505'));

  await check('usable_after_error', async () => {
    const c = await db();
    const res = await c.query('SELECT 2 + 2 AS four');
    assert.equal(res.rows[0].four, 4);
    return 'ok';
  });

  await check('transaction_rollback', async () => {
    const c = await db();
    await c.query('BEGIN');
    await c.query(`INSERT INTO ${table} (id, name) VALUES (3, 'rolled back')`);
    await c.query('ROLLBACK');
    const res = await c.query(`SELECT count(*)::int AS n FROM ${table}`);
    assert.equal(res.rows[0].n, 2);
    return `rows=${res.rows[0].n}`;
  });

  await check('cleanup', async () => {
    const c = await db();
    await c.query(`DROP TABLE IF EXISTS ${table}`);
    return 'dropped';
  });

  if (client !== null) {
    await client.end();
  }
  console.log(`DONE failures=${failures}`);
}

main().catch((err) => {
  console.log(`FATAL ${oneLine(err && err.stack ? err.stack : err)}`);
  process.exit(2);
});
