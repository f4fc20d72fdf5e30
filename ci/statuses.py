"""Every status the OpenAPI document promises is seen, or excluded here with a reason.

Seen means: in schemathesis' HAR report of its run against `label-gateway demo`, or answered to
one of the probes below, which ask through the generated Python client for what random
generation hits only by luck (another tenant's key, an unknown tenant or customer, a conditional
request, an oversized body). Usage: python statuses.py BASE_URL DOCUMENT HAR...
"""

import json
import re
import urllib.error
import urllib.request
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "clients" / "python"))

from label_gateway_client import AuthenticatedClient  # noqa: E402
from label_gateway_client.api.labels import (  # noqa: E402
    batch_get_customer_labels,
    change_customer_labels,
    change_label_customers,
    create_label,
    get_customer_labels,
    list_catalog_labels,
    list_label_customers,
)
from label_gateway_client.api.tenants import get_tenant  # noqa: E402
from label_gateway_client.models import (  # noqa: E402
    BatchGetRequest,
    ChangeLabelCustomersRequest,
    ChangeLabelsRequest,
    CreateLabelRequest,
    LabelByName,
)

# Why each status the demo cannot answer is not seen: its simulators never fail on request, and
# answer too fast for a request to overlap another.
VENDOR_FAILS = {
    429: "needs a vendor answering 429 until the retries run out",
    502: "needs a vendor that fails or refuses the gateway's credentials (tests/ drives both "
    "through simulators: broken answers, wrong credentials)",
    503: "needs the tenant's circuit breaker open, after consecutive vendor failures, or "
    "max_upstream_bytes_in_flight held by other answers past the deadline (upstream_busy)",
    504: "needs a vendor that does not answer within timeout_ms",
}
# The passthrough's operations: their vendor answers are `default`, and the demo allows reads only.
PASSTHROUGH = ("passthroughGet", "passthroughPost", "passthroughPut", "passthroughPatch", "passthroughDelete")
# `passthrough_not_allowed` (403) and `invalid_path` (400) are answered to schemathesis' own
# requests (the demo allows only a few reads, and random paths break the path rules).
EXCLUDED = {
    **{
        (op, 429): "rate_limited needs a key with a limit; the demo's keys have none "
        "(tests/tests/rate_limits.rs answers it)"
        for op in (
            "getTenant", "getCustomerLabels", "listCatalogLabels", "changeCustomerLabels",
            "createLabel", "listLabelCustomers", "changeLabelCustomers", "batchGetCustomerLabels",
            "submitJob", "listJobs", "getJob", "cancelJob", "listJobResults",
            "listEvents", "listWebhookDeliveries", "redeliverEvent",
        )
    },
    **{
        (op, status): reason
        for op in (
            "getCustomerLabels", "listCatalogLabels", "changeCustomerLabels",
            "createLabel", "listLabelCustomers", "changeLabelCustomers",
        )
        for status, reason in VENDOR_FAILS.items()
    },
    ("createLabel", 409): "label_exists needs one name created twice, label_limit_reached a full "
    "catalog (tests/: the conformance suite and capillary_bulk.rs answer both)",
    **{
        (op, 408): "needs a client that sends its body slower than body_read_timeout_ms "
        "(routes/body.rs, the same for every body)"
        for op in ("createLabel", "changeLabelCustomers", "batchGetCustomerLabels")
    },
    **{
        (op, 413): "no body within the schema reaches max_body_bytes (64 KiB): a name is at most "
        "255 characters, a batchGet at most 100 ids (routes/body.rs, as probed on changeLabelCustomers)"
        for op in ("createLabel", "batchGetCustomerLabels")
    },
    ("listCatalogLabels", 405): "every demo provider has a catalog; the 405 branch is for one "
    "without (routes/catalog.rs reads Capabilities::catalog)",
    ("changeCustomerLabels", 409): "idempotency_in_progress needs a second request with the "
    "same Idempotency-Key while the first is still at the vendor",
    ("getReadiness", 503): "the demo always serves three tenants, so it is always ready",
    ("changeCustomerLabels", 408): "needs a client that sends its body slower than "
    "body_read_timeout_ms (tests/tests/strict_input.rs trickles one)",
    ("submitJob", 408): "needs a client that sends its body slower than body_read_timeout_ms "
    "(routes/body.rs, the same for every body)",
    **{
        (op, 429): "too_many_connections needs more connections of one key sending a body at "
        "once than max_connections_per_key (tests/tests/slow_bodies.rs holds them open)"
        for op in ("batchGetCustomerLabels", "submitJob")
    },
    ("submitJob", 409): "idempotency_in_progress needs a second submission with the same "
    "Idempotency-Key while the first is still being accepted",
    ("submitJob", 413): "needs a body over [jobs] max_body_bytes (32 MiB): tests/tests/jobs_control.rs "
    "sends one over a small limit",
    **{
        (op, 503): "state_unavailable needs [state] with Redis unreachable; the demo keeps jobs in "
        "the process (tests/tests/jobs_fleet.rs answers it)"
        for op in ("submitJob", "listJobs", "getJob", "cancelJob", "listJobResults")
    },
    **{
        (op, 503): "state_unavailable needs [state] with Redis unreachable; the demo keeps its "
        "events in the process"
        for op in ("listEvents", "listWebhookDeliveries", "redeliverEvent")
    },
    ("listEvents", 410): "cursor_expired needs a cursor older than the events kept: more than "
    "[events] max_events changes since it was given out (tests/tests/events_feed.rs answers it)",
    **{
        (op, 410): "job_lost needs [state] and a Redis restarted without persistence while a "
        "replica knew the job; the demo keeps jobs in the process (tests/tests/jobs_record_lost.rs "
        "answers it)"
        for op in ("getJob", "cancelJob", "listJobResults")
    },
    **{
        (op, status): reason
        for op in PASSTHROUGH
        for status, reason in VENDOR_FAILS.items()
    },
    **{
        (op, 408): "needs a client that sends its body slower than body_read_timeout_ms "
        "(routes/body.rs, the same for every body)"
        for op in PASSTHROUGH
    },
    **{
        (op, 200): "the demo's passthrough allow-lists allow reads only (config/demo.toml): a "
        "write is 403 passthrough_not_allowed (tests/tests/passthrough_vendors.rs writes to every "
        "simulator)"
        for op in PASSTHROUGH if op != "passthroughGet"
    },
    **{
        (op, 413): "needs a body over max_body_bytes (64 KiB); tests/tests/passthrough_refusals.rs "
        "sends one"
        for op in PASSTHROUGH
    },
    **{
        (op, 429): "too_many_connections needs more connections of one key sending a body at "
        "once than max_connections_per_key (tests/tests/slow_bodies.rs holds them open)"
        for op in PASSTHROUGH
    },
}


# (method, path template) of the document -> operationId, matched against request paths.
def operations(document: dict) -> dict:
    table = {}
    for template, item in document["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
        for method, operation in item.items():
            table[(method.upper(), pattern)] = operation["operationId"]
    return table


def documented(document: dict) -> set:
    return {
        (operation["operationId"], int(status))
        for item in document["paths"].values()
        for operation in item.values()
        for status in operation["responses"]
        # `default` (the passthrough's vendor answer, any status) promises no one status.
        if status.isdigit()
    }


# One HAR entry's request line and response status, as schemathesis writes them.
HAR_REQUEST = re.compile(r'"request": \{"method": "([A-Z]+)", "url": "([^"]+)"')
HAR_STATUS = re.compile(r'"response": \{"status": (\d+)')


def har_entries(path: str) -> list:
    """(method, url, status) of every entry. schemathesis 4.32 can leave its HAR broken when
    `max-time` stops a phase while an entry is being written (a body cut off, the next entry
    written into it): then each entry is read on its own, from one `startedDateTime` to the next,
    and an entry without both its request line and its status is left out, so that a request is
    never paired with another's status."""
    text = Path(path).read_text()
    try:
        entries = json.loads(text)["log"]["entries"]
        return [(e["request"]["method"], e["request"]["url"], e["response"]["status"]) for e in entries]
    except json.JSONDecodeError as broken:
        print(f"{path}: not valid JSON ({broken}); reading its entries one by one", file=sys.stderr)
    found = []
    for chunk in text.split('"startedDateTime"')[1:]:
        request, status = HAR_REQUEST.search(chunk), HAR_STATUS.search(chunk)
        if request and status and len(HAR_REQUEST.findall(chunk)) == 1:
            found.append((request[1], request[2], int(status[1])))
    return found


def seen_in_har(paths: list, table: dict) -> set:
    seen = set()
    for path in paths:
        for request_method, url, status in har_entries(path):
            url_path = re.sub(r"^[a-z]+://[^/]+", "", url).split("?")[0]
            for (method, pattern), operation_id in table.items():
                if method == request_method and pattern.match(url_path):
                    seen.add((operation_id, status))
    return seen


def probes(base_url: str) -> set:
    acme = AuthenticatedClient(base_url=base_url, token="demo-acme-key")
    globex = AuthenticatedClient(base_url=base_url, token="demo-globex-key")
    unknown_customer = "00000000-0000-4000-8000-000000000000"
    valid = ChangeLabelsRequest(add=[LabelByName(name="VIP")])
    # Over the demo's 64 KiB `max_body_bytes`: 300 references of 255 characters.
    oversized = ChangeLabelsRequest(add=[LabelByName(name=f"{i:03}" + "x" * 252) for i in range(300)])
    members = ChangeLabelCustomersRequest(add=["564663098"])
    # Over 64 KiB too: 300 customer ids of 250 digits.
    oversized_members = ChangeLabelCustomersRequest(add=[f"{i:03}" + "1" * 247 for i in range(300)])
    batch = BatchGetRequest(customer_ids=["564663098"])
    answers = {
        "getTenant": [
            get_tenant.sync_detailed("globex", client=acme),  # 403: another tenant's key
            get_tenant.sync_detailed("nosuch", client=acme),  # 404: no such tenant
        ],
        "getCustomerLabels": [
            get_customer_labels.sync_detailed("globex", "564663098", client=acme),
            get_customer_labels.sync_detailed("nosuch", "564663098", client=acme),
            get_customer_labels.sync_detailed("globex", unknown_customer, client=globex),
        ],
        "listCatalogLabels": [
            list_catalog_labels.sync_detailed("globex", client=acme),
            list_catalog_labels.sync_detailed("nosuch", client=acme),
        ],
        "changeCustomerLabels": [
            change_customer_labels.sync_detailed("globex", "1", client=acme, body=valid),
            change_customer_labels.sync_detailed("nosuch", "1", client=acme, body=valid),
            change_customer_labels.sync_detailed("globex", unknown_customer, client=globex, body=valid),
            change_customer_labels.sync_detailed("acme", "564663098", client=acme, body=oversized),
        ],
        "createLabel": [
            create_label.sync_detailed("globex", client=acme, body=CreateLabelRequest(name="Probe")),
            create_label.sync_detailed("nosuch", client=acme, body=CreateLabelRequest(name="Probe")),
        ],
        "listLabelCustomers": [
            list_label_customers.sync_detailed("globex", "20942", client=acme),
            list_label_customers.sync_detailed("nosuch", "20942", client=acme),
        ],
        "changeLabelCustomers": [
            change_label_customers.sync_detailed("globex", "20942", client=acme, body=members),
            change_label_customers.sync_detailed("nosuch", "20942", client=acme, body=members),
            change_label_customers.sync_detailed("acme", "20942", client=acme, body=oversized_members),
        ],
        "batchGetCustomerLabels": [
            batch_get_customer_labels.sync_detailed("globex", client=acme, body=batch),
            batch_get_customer_labels.sync_detailed("nosuch", client=acme, body=batch),
        ],
    }
    seen = {(op, int(r.status_code)) for op, rs in answers.items() for r in rs}
    # 304: the ETag of a first answer, sent back as If-None-Match.
    for op, call in (
        ("getCustomerLabels", lambda **kw: get_customer_labels.sync_detailed("acme", "564663098", client=acme, **kw)),
        ("listCatalogLabels", lambda **kw: list_catalog_labels.sync_detailed("acme", client=acme, **kw)),
    ):
        etag = call().headers["etag"]
        seen.add((op, int(call(if_none_match=etag).status_code)))
    # 415: a body that is not declared JSON, on every operation that takes one (the generated
    # client always declares it; schemathesis tries other types only now and then).
    for op, method, path in (
        ("changeCustomerLabels", "PATCH", "/v1/tenants/acme/customers/564663098/labels"),
        ("createLabel", "POST", "/v1/tenants/acme/labels"),
        ("changeLabelCustomers", "PATCH", "/v1/tenants/acme/labels/20942/customers"),
        ("batchGetCustomerLabels", "POST", "/v1/tenants/acme/customers/labels:batchGet"),
    ):
        request = urllib.request.Request(
            base_url + path,
            data=b'{"add": []}',
            method=method,
            headers={"Authorization": "Bearer demo-acme-key", "Content-Type": "text/plain"},
        )
        try:
            status = urllib.request.urlopen(request, timeout=10).status
        except urllib.error.HTTPError as refused:
            status = refused.code
        seen.add((op, status))
    # The passthrough with its path raw: schemathesis percent-encodes the `/` of the path
    # parameter, as every OpenAPI client does, and an encoded `/` is 400 invalid_path by design;
    # and its writes, which schemathesis leaves alone (ci/schemathesis.toml).
    methods = {"passthroughGet": "GET", "passthroughPost": "POST", "passthroughPut": "PUT",
               "passthroughPatch": "PATCH", "passthroughDelete": "DELETE"}
    for op, method in methods.items():
        for tenant, path, key in (
            ("acme", "v2/customers/564663098/labels", "demo-acme-key"),  # 200 (GET), else 403
            ("acme", "v2/customers/564663098/changeLabels", "demo-acme-key"),  # 403
            ("acme", "v2/customers/../labels", "demo-acme-key"),  # 400 invalid_path
            ("acme", "v2/customers/564663098/labels", "nope"),  # 401
            ("nosuch", "v2/customers/564663098/labels", "demo-acme-key"),  # 404
        ):
            request = urllib.request.Request(
                f"{base_url}/v1/tenants/{tenant}/passthrough/{path}",
                method=method,
                data=None if method == "GET" else b"{}",
                headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            )
            try:
                status = urllib.request.urlopen(request, timeout=10).status
            except urllib.error.HTTPError as refused:
                status = refused.code
            seen.add((op, status))
    return seen


def job_probes(base_url: str) -> set:
    """Jobs through raw requests of the generated client's httpx client: a job's id comes from
    its submission, which random generation never chains."""
    acme = AuthenticatedClient(base_url=base_url, token="demo-acme-key").get_httpx_client()
    initech = AuthenticatedClient(base_url=base_url, token="demo-initech-key").get_httpx_client()
    jobs = "/v1/tenants/acme/jobs"
    small = {"kind": "change", "customers": ["564663098"], "add": [{"name": "VIP"}], "dry_run": True}
    # Still running when cancelled: 20 000 customers read ten a call.
    long = {"kind": "change", "customers": [str(10_000_000 + i) for i in range(20_000)],
            "add": [{"name": "VIP"}], "dry_run": True}
    seen = set()

    def see(op, response):
        seen.add((op, response.status_code))
        return response

    done = see("submitJob", acme.post(jobs, json=small)).json()["id"]
    running = see("submitJob", acme.post(jobs, json=long)).json()["id"]
    see("cancelJob", acme.delete(f"{jobs}/{running}"))
    see("submitJob", acme.post("/v1/tenants/globex/jobs", json=small))
    see("submitJob", acme.post("/v1/tenants/nosuch/jobs", json=small))
    see("submitJob", initech.post("/v1/tenants/initech/jobs", json=small))
    see("submitJob", acme.post(jobs, content=b"{}", headers={"content-type": "text/plain"}))
    see("submitJob", acme.post(jobs, json={"kind": "change"}))
    for _ in range(200):
        if acme.get(f"{jobs}/{done}").json()["state"] == "succeeded":
            break
        time.sleep(0.05)
    see("cancelJob", acme.delete(f"{jobs}/{done}"))
    unknown = "01937a4e-8f5a-7c3e-9b1d-2f4a6c8e0b1d"
    for op, suffix in (("getJob", ""), ("listJobResults", "/results")):
        see(op, acme.get(f"{jobs}/{done}{suffix}"))
        see(op, acme.get(f"/v1/tenants/globex/jobs/{done}{suffix}"))
        see(op, acme.get(f"/v1/tenants/nosuch/jobs/{done}{suffix}"))
        see(op, acme.get(f"{jobs}/{unknown}{suffix}"))
    see("cancelJob", acme.delete(f"/v1/tenants/globex/jobs/{done}"))
    see("cancelJob", acme.delete(f"{jobs}/{unknown}"))
    see("listJobResults", acme.get(f"{jobs}/{done}/results?status=maybe"))
    see("listJobs", acme.get(jobs))
    see("listJobs", acme.get("/v1/tenants/globex/jobs"))
    see("listJobs", acme.get("/v1/tenants/nosuch/jobs"))
    see("listJobs", acme.get(f"{jobs}?cursor=zz"))
    return seen


def event_probes(base_url: str) -> set:
    """The events routes through raw requests: an event's id comes from the feed, after a
    change made here, which random generation never chains."""
    acme = AuthenticatedClient(base_url=base_url, token="demo-acme-key").get_httpx_client()
    seen = set()

    def see(op, response):
        seen.add((op, response.status_code))
        return response

    acme.patch("/v1/tenants/acme/customers/564663098/labels", json={"remove": [{"name": "VIP"}]})
    acme.patch("/v1/tenants/acme/customers/564663098/labels", json={"add": [{"name": "VIP"}]})
    feed = "/v1/tenants/acme/events"
    items = see("listEvents", acme.get(feed)).json()["items"]
    see("listEvents", acme.get("/v1/tenants/globex/events"))
    see("listEvents", acme.get("/v1/tenants/nosuch/events"))
    see("listEvents", acme.get(f"{feed}?after=zz"))
    deliveries = "/webhooks/deliveries"
    see("listWebhookDeliveries", acme.get(f"/v1/tenants/acme{deliveries}"))
    see("listWebhookDeliveries", acme.get(f"/v1/tenants/globex{deliveries}"))
    see("listWebhookDeliveries", acme.get(f"/v1/tenants/nosuch{deliveries}"))
    see("listWebhookDeliveries", acme.get(f"/v1/tenants/acme{deliveries}?status=maybe"))
    unknown = "evt_01937a4e-8f5a-7c3e-9b1d-2f4a6c8e0b1d"
    for event in (items[-1]["id"] if items else unknown, unknown):
        see("redeliverEvent", acme.post(f"{feed}/{event}/redeliver"))
    see("redeliverEvent", acme.post(f"/v1/tenants/globex/events/{unknown}/redeliver"))
    see("redeliverEvent", acme.post(f"/v1/tenants/nosuch/events/{unknown}/redeliver"))
    return seen


def main() -> None:
    base_url, document_path, *hars = sys.argv[1:]
    document = json.loads(Path(document_path).read_text())
    promised = documented(document)
    from_fuzzing = seen_in_har(hars, operations(document))
    from_probes = probes(base_url) | job_probes(base_url) | event_probes(base_url)
    missing = []
    reasons = sorted(set(EXCLUDED.values()))
    for key in sorted(promised):
        operation_id, status = key
        if key in from_fuzzing:
            how = "schemathesis"
        elif key in from_probes:
            how = "probe"
        elif key in EXCLUDED:
            how = f"excluded ({reasons.index(EXCLUDED[key]) + 1})"
        else:
            how = "NEVER SEEN"
            missing.append(key)
        print(f"  {operation_id:22} {status}  {how}")
    for number, reason in enumerate(reasons, 1):
        print(f"  ({number}) {reason}")
    stale = sorted(k for k in EXCLUDED if k not in promised)
    if stale:
        print(f"excluded but no longer documented (drop them from EXCLUDED): {stale}")
    if missing or stale:
        sys.exit(f"documented statuses never answered: {missing}")
    print(f"statuses: all {len(promised)} documented statuses seen or excluded with a reason")


if __name__ == "__main__":
    main()
