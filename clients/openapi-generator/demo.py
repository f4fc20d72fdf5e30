"""Drives `label-gateway demo` through the Python client openapi-generator makes (generator
`python`: pydantic models that validate every answer against the document): submits a change
job on Capillary with one customer the vendor does not know, follows it to its end, and reads
the failed customer's result with its problem. The models refuse an answer that breaks the
document, so this fails if the document says something other than what is sent.
Usage: python demo.py http://127.0.0.1:PORT  (with the generated package on PYTHONPATH)
"""

import sys
import time

from label_gateway_og import ApiClient, Configuration
from label_gateway_og.api.jobs_api import JobsApi
from label_gateway_og.models import (
    ChangeJob,
    ChangeKind,
    ErrorKind,
    ItemStatus,
    JobRequest,
    JobState,
    LabelByName,
    LabelRef,
)

KEY = "demo-acme-key"
KNOWN, UNKNOWN = "564663098", "999999999"


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {message}")


def main() -> None:
    config = Configuration(host=sys.argv[1], access_token=KEY)
    with ApiClient(config) as client:
        jobs = JobsApi(client)
        change = ChangeJob(
            kind=ChangeKind.CHANGE,
            customers=[KNOWN, UNKNOWN],
            add=[LabelRef(LabelByName(name="VIP"))],
        )
        job = jobs.submit_job("acme", JobRequest(change))
        print(f"job {job.id}: {job.state.value}")
        # A job of two customers ends within a second on the simulator; 30 s is a hang.
        deadline = time.monotonic() + 30
        while job.state in (JobState.QUEUED, JobState.RUNNING):
            check(time.monotonic() < deadline, f"job {job.id} still {job.state.value}")
            time.sleep(0.1)
            job = jobs.get_job("acme", job.id)
        check(job.state == JobState.SUCCEEDED, f"job ended {job.state.value}")
        check(job.counts.failed == 1 and job.counts.succeeded == 1, f"counts {job.counts}")
        page = jobs.list_job_results("acme", job.id, status="failed")
        check(len(page.items) == 1, f"one failed customer, got {page.items}")
        item = page.items[0]
        check(item.customer_id == UNKNOWN and item.status == ItemStatus.FAILED, f"item {item}")
        problem = item.problem
        check(problem is not None and item.results is None, f"a problem instead of results: {item}")
        check(problem.code == ErrorKind.CUSTOMER_NOT_FOUND, f"code {problem.code}")
        check(problem.status == 404 and problem.title and problem.type, f"problem {problem}")
        print(f"{UNKNOWN}: {problem.status} {problem.code.value}: {problem.detail}")
    print("openapi-generator python client: ok")


if __name__ == "__main__":
    main()
