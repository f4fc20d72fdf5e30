// Drives `label-gateway demo` through openapi-fetch with the types openapi-typescript generates
// (src/schema.d.ts), as a user of the API would: read every tenant's sample customer with each
// label's vendor record (`?include=raw`) and read the record, change labels on Capillary and
// Trybe and read the change back, and get a typed 405 from read-only ActionHub.
// Usage: node dist/demo.js http://127.0.0.1:PORT

import createClient from 'openapi-fetch';
import type { components, paths } from './schema.js';

type Label = components['schemas']['Label'];
type Raw = NonNullable<Label['raw']>;
// `raw` is an open object: its members can be read (as `unknown`, to be narrowed). Were it a bare
// `{"type": "object"}`, openapi-typescript would make it `Record<string, never>` and this line
// would not compile.
const rawIsReadable: unknown extends Raw[string] ? true : false = true;

type Tenant = 'acme' | 'globex' | 'initech';

// The demo tenants, as `label-gateway demo` prints them, and the member of each vendor's own
// record that holds the label's name.
const TENANTS: Record<Tenant, { key: string; provider: string; customer: string; nameIn: string }> = {
  acme: { key: 'demo-acme-key', provider: 'capillary', customer: '564663098', nameIn: 'labelName' },
  globex: {
    key: 'demo-globex-key',
    provider: 'trybe',
    customer: '9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b',
    nameIn: 'value',
  },
  initech: { key: 'demo-initech-key', provider: 'actionhub', customer: 'user-1001', nameIn: 'label' },
};
// Labels this script moves; the Python and TypeScript scripts move others, so any may run first.
const CHANGES: Partial<Record<Tenant, { add: string; remove: string }>> = {
  acme: { add: 'Churn Risk', remove: 'Testing_UAT_@_123' },
  globex: { add: 'Hotel Guest', remove: 'VIP' },
};
const LABELS = '/v1/tenants/{tenant}/customers/{customer_id}/labels';

const baseUrl = process.argv[2];

function clientFor(tenant: Tenant) {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${TENANTS[tenant].key}` } });
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) {
    console.error(`FAILED: ${message}`);
    process.exit(1);
  }
}

async function labels(tenant: Tenant, include?: 'raw'): Promise<Label[]> {
  const { data, error } = await clientFor(tenant).GET(LABELS, {
    params: { path: { tenant, customer_id: TENANTS[tenant].customer }, query: { include } },
  });
  check(data, `${tenant}: labels, got ${JSON.stringify(error)}`);
  check(data.provider === TENANTS[tenant].provider, `${tenant}: provider ${data.provider}`);
  return data.labels;
}

async function readRawRecords(tenant: Tenant): Promise<void> {
  const { nameIn } = TENANTS[tenant];
  const found = await labels(tenant, 'raw');
  check(found.length > 0, `${tenant}: the sample customer has labels`);
  for (const label of found) {
    const raw: Raw | undefined = label.raw;
    check(raw, `${tenant}: ${label.id} has its vendor record`);
    const name = raw[nameIn];
    check(typeof name === 'string' && name === label.name, `${tenant}: raw.${nameIn} is ${JSON.stringify(name)}`);
  }
  console.log(`${tenant} (${TENANTS[tenant].provider}): ${found.length} labels, each named in raw.${nameIn}`);
}

async function changeAndReadBack(tenant: Tenant): Promise<void> {
  const { add, remove } = CHANGES[tenant]!;
  const { data, error } = await clientFor(tenant).PATCH(LABELS, {
    params: { path: { tenant, customer_id: TENANTS[tenant].customer } },
    body: { add: [{ name: add }], remove: [{ name: remove }] },
  });
  check(data, `${tenant}: change refused: ${JSON.stringify(error)}`);
  check(data.results.map((r) => r.op).join() === 'add,remove', `${tenant}: results in request order`);
  for (const result of data.results) {
    check(result.status === 'applied' || result.status === 'unchanged', `${tenant}: ${JSON.stringify(result)}`);
  }
  const names = (await labels(tenant)).map((label) => label.name);
  check(names.includes(add) && !names.includes(remove), `${tenant}: read back ${JSON.stringify(names)}`);
  console.log(`${tenant}: +${add} -${remove} -> ${data.results.map((r) => r.status).join(', ')}`);
}

async function readOnlyRefuses(): Promise<void> {
  const { data, error, response } = await clientFor('initech').PATCH(LABELS, {
    params: { path: { tenant: 'initech', customer_id: TENANTS.initech.customer } },
    body: { add: [{ name: 'Sports Fan' }] },
  });
  check(!data && response.status === 405, `initech: status ${response.status}`);
  const code: components['schemas']['ErrorKind'] | undefined = error?.code;
  check(code === 'unsupported_operation', `initech: code ${code}`);
  console.log(`initech: 405 ${code}, Allow: ${response.headers.get('allow')}`);
}

check(rawIsReadable, 'raw is readable');
for (const tenant of Object.keys(TENANTS) as Tenant[]) {
  await readRawRecords(tenant);
}
await changeAndReadBack('acme');
await changeAndReadBack('globex');
await readOnlyRefuses();
console.log('openapi-fetch client: ok');
