"""Drives `label-gateway demo` through the generated Python client, as a user of the API would:
list labels on every tenant, change labels on Capillary and Trybe, read the change back, and get
a typed 405 from read-only ActionHub. Usage: python demo.py http://127.0.0.1:PORT
"""

import sys

from label_gateway_client import AuthenticatedClient
from label_gateway_client.api.labels import (
    change_customer_labels,
    get_customer_labels,
    list_catalog_labels,
)
from label_gateway_client.api.tenants import get_tenant
from label_gateway_client.models import (
    ChangeLabelsRequest,
    ChangeStatus,
    CustomerLabelsResponse,
    ErrorKind,
    LabelByName,
    Op,
    Problem,
)

# The demo tenants, as `label-gateway demo` prints them.
TENANTS = {
    "acme": ("demo-acme-key", "capillary", "564663098"),
    "globex": ("demo-globex-key", "trybe", "9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b"),
    "initech": ("demo-initech-key", "actionhub", "user-1001"),
}
# Labels this script moves; the TypeScript script moves others, so either may run first.
CHANGES = {
    "acme": ("VIP", "Old1 Customer1"),
    "globex": ("Gym Member", "Newsletter"),
}


def client(base_url: str, tenant: str) -> AuthenticatedClient:
    key = TENANTS[tenant][0]
    return AuthenticatedClient(base_url=base_url, token=key, raise_on_unexpected_status=True)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {message}")


def labels_of(api: AuthenticatedClient, tenant: str, customer: str) -> list[str]:
    answer = get_customer_labels.sync(tenant, customer, client=api)
    check(isinstance(answer, CustomerLabelsResponse), f"{tenant}: labels, got {answer!r}")
    check(answer.customer_id == customer, f"{tenant}: customer id echoed")
    return [label.name for label in answer.labels]


def list_everything(base_url: str) -> None:
    for tenant, (_, provider, customer) in TENANTS.items():
        api = client(base_url, tenant)
        about = get_tenant.sync(tenant, client=api)
        check(about.provider == provider, f"{tenant}: provider {about.provider}")
        names = labels_of(api, tenant, customer)
        check(len(names) > 0, f"{tenant}: the sample customer has labels")
        catalog = list_catalog_labels.sync(tenant, client=api)
        check(len(catalog.labels) > 0, f"{tenant}: catalog is not empty")
        print(f"{tenant} ({provider}): customer {customer} has {names}; catalog of {len(catalog.labels)}")


def change_and_read_back(base_url: str, tenant: str) -> None:
    _, _, customer = TENANTS[tenant]
    add, remove = CHANGES[tenant]
    api = client(base_url, tenant)
    body = ChangeLabelsRequest(add=[LabelByName(name=add)], remove=[LabelByName(name=remove)])
    answer = change_customer_labels.sync(tenant, customer, client=api, body=body)
    check(not isinstance(answer, Problem), f"{tenant}: change refused: {answer!r}")
    ops = [(r.op, r.label.name, r.status) for r in answer.results]
    check([op for op, *_ in ops] == [Op.ADD, Op.REMOVE], f"{tenant}: results in request order")
    done = {ChangeStatus.APPLIED, ChangeStatus.UNCHANGED}
    check(all(status in done for *_, status in ops), f"{tenant}: {ops}")
    check(all(r.label.id for r in answer.results), f"{tenant}: ids resolved")
    # The change drops the cached labels, so a plain read shows it.
    names = labels_of(api, tenant, customer)
    check(add in names and remove not in names, f"{tenant}: read back {names}")
    print(f"{tenant}: +{add!r} -{remove!r} -> {[s.value for *_, s in ops]}; now {names}")


def read_only_refuses(base_url: str) -> None:
    _, _, user = TENANTS["initech"]
    body = ChangeLabelsRequest(add=[LabelByName(name="Sports Fan")])
    response = change_customer_labels.sync_detailed(
        "initech", user, client=client(base_url, "initech"), body=body
    )
    problem = response.parsed
    check(response.status_code == 405, f"initech: status {response.status_code}")
    check(isinstance(problem, Problem), f"initech: a typed problem, got {problem!r}")
    check(problem.code == ErrorKind.UNSUPPORTED_OPERATION, f"initech: code {problem.code}")
    check("GET" in response.headers.get("allow", ""), "initech: Allow lists GET")
    print(f"initech: 405 {problem.code.value}, Allow: {response.headers['allow']}")


def main() -> None:
    base_url = sys.argv[1]
    list_everything(base_url)
    change_and_read_back(base_url, "acme")
    change_and_read_back(base_url, "globex")
    read_only_refuses(base_url)
    print("python client: ok")


if __name__ == "__main__":
    main()
