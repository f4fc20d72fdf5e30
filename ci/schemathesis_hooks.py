"""Schemathesis hooks for ci/api-checks.sh: each request carries the api key of the demo tenant
its path names, so one run covers every demo tenant and the example phase can send each tenant's
examples (named after it) with that tenant's key. A path naming no demo tenant gets acme's key,
and so learns 403 or 404 as any caller would.
"""

import schemathesis

# The keys `label-gateway demo` prints for its tenants.
DEMO_KEYS = {tenant: f"demo-{tenant}-key" for tenant in ("acme", "globex", "initech")}


@schemathesis.auth(refresh_interval=None, retry_on=[])
class DemoTenantKey:
    def get(self, case, context):
        return DEMO_KEYS

    def set(self, case, keys, context):
        tenant = (case.path_parameters or {}).get("tenant")
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {keys.get(tenant, keys['acme'])}"
