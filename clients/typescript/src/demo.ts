// Drives `label-gateway demo` through the generated TypeScript client, as a user of the API
// would: list labels on every tenant, change labels on Capillary and Trybe, read the change
// back, and get a typed 405 from read-only ActionHub. Usage: node dist/demo.js http://127.0.0.1:PORT

import { createClient, createConfig } from './client/client/index.js';
import {
  changeCustomerLabels,
  getCustomerLabels,
  getTenant,
  listCatalogLabels,
  type ChangeLabelsRequest,
  type ErrorKind,
  type Problem,
} from './client/index.js';

type Tenant = 'acme' | 'globex' | 'initech';

// The demo tenants, as `label-gateway demo` prints them.
const TENANTS: Record<Tenant, { key: string; provider: string; customer: string }> = {
  acme: { key: 'demo-acme-key', provider: 'capillary', customer: '564663098' },
  globex: { key: 'demo-globex-key', provider: 'trybe', customer: '9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b' },
  initech: { key: 'demo-initech-key', provider: 'actionhub', customer: 'user-1001' },
};
// Labels this script moves; the Python script moves others, so either may run first.
const CHANGES: Partial<Record<Tenant, { add: string; remove: string }>> = {
  acme: { add: 'Newsletter', remove: 'Old2 Customer2' },
  globex: { add: 'Couples', remove: 'Spa Member' },
};

const baseUrl = process.argv[2];

function clientFor(tenant: Tenant) {
  return createClient(createConfig({ baseUrl, auth: TENANTS[tenant].key }));
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) {
    console.error(`FAILED: ${message}`);
    process.exit(1);
  }
}

async function labelNames(tenant: Tenant): Promise<Array<string | null>> {
  const { customer } = TENANTS[tenant];
  const { data, error } = await getCustomerLabels({
    client: clientFor(tenant),
    path: { tenant, customer_id: customer },
  });
  check(data, `${tenant}: labels, got ${JSON.stringify(error)}`);
  check(data.customer_id === customer, `${tenant}: customer id echoed`);
  return data.labels.map((label) => label.name);
}

async function listEverything(): Promise<void> {
  for (const tenant of Object.keys(TENANTS) as Tenant[]) {
    const client = clientFor(tenant);
    const about = await getTenant({ client, path: { tenant } });
    check(about.data?.provider === TENANTS[tenant].provider, `${tenant}: provider`);
    const names = await labelNames(tenant);
    check(names.length > 0, `${tenant}: the sample customer has labels`);
    const catalog = await listCatalogLabels({ client, path: { tenant } });
    check(catalog.data && catalog.data.labels.length > 0, `${tenant}: catalog is not empty`);
    console.log(`${tenant} (${about.data.provider}): ${JSON.stringify(names)}; catalog of ${catalog.data.labels.length}`);
  }
}

async function changeAndReadBack(tenant: Tenant): Promise<void> {
  const { customer } = TENANTS[tenant];
  const { add, remove } = CHANGES[tenant]!;
  const body: ChangeLabelsRequest = { add: [{ name: add }], remove: [{ name: remove }] };
  const { data, error } = await changeCustomerLabels({
    client: clientFor(tenant),
    path: { tenant, customer_id: customer },
    body,
  });
  check(data, `${tenant}: change refused: ${JSON.stringify(error)}`);
  const ops = data.results.map((r) => r.op);
  check(JSON.stringify(ops) === '["add","remove"]', `${tenant}: results in request order`);
  for (const result of data.results) {
    check(result.status === 'applied' || result.status === 'unchanged', `${tenant}: ${JSON.stringify(result)}`);
    check(result.label.id, `${tenant}: id resolved for ${result.label.name}`);
  }
  // The change drops the cached labels, so a plain read shows it.
  const names = await labelNames(tenant);
  check(names.includes(add) && !names.includes(remove), `${tenant}: read back ${JSON.stringify(names)}`);
  console.log(`${tenant}: +${add} -${remove} -> ${data.results.map((r) => r.status).join(', ')}`);
}

async function readOnlyRefuses(): Promise<void> {
  const { data, error, response } = await changeCustomerLabels({
    client: clientFor('initech'),
    path: { tenant: 'initech', customer_id: TENANTS.initech.customer },
    body: { add: [{ name: 'Sports Fan' }] },
  });
  check(!data && response.status === 405, `initech: status ${response.status}`);
  const problem: Problem = error;
  const expected: ErrorKind = 'unsupported_operation';
  check(problem.code === expected, `initech: code ${problem.code}`);
  const allow = response.headers.get('allow') ?? '';
  check(allow.includes('GET'), `initech: Allow lists GET, got ${allow}`);
  console.log(`initech: 405 ${problem.code}, Allow: ${allow}`);
}

await listEverything();
await changeAndReadBack('acme');
await changeAndReadBack('globex');
await readOnlyRefuses();
console.log('typescript client: ok');
