"""CORS in a real browser: Chromium, driven by Playwright, loads a page from an allowed origin
and from an unlisted one, and from each calls the demo gateway (another origin) with the demo
key. Usage: python browser_check.py GATEWAY_URL ALLOWED_PAGE_URL UNLISTED_PAGE_URL CHROMIUM.
Exits 0 only if the allowed page reads a customer's labels with their ETag and X-Request-Id,
makes a (preflighted) PATCH and reads its X-Request-Id, and the unlisted page is blocked."""

import json
import sys

from playwright.sync_api import sync_playwright

CALLS = """
async ([gateway, customer]) => {
  const labels = `${gateway}/v1/tenants/acme/customers/${customer}/labels`;
  const key = {"Authorization": "Bearer demo-acme-key"};
  try {
    const read = await fetch(labels, {headers: key});
    const body = await read.json();
    const again = await fetch(labels, {headers: key});
    const change = await fetch(labels, {
      method: "PATCH",
      headers: {...key, "Content-Type": "application/json", "X-Request-Id": "browser-check-1"},
      body: JSON.stringify({add: [{name: "VIP"}]}),
    });
    const results = await change.json();
    return {
      blocked: false,
      read: read.status, etag: read.headers.get("ETag"),
      request_id: read.headers.get("X-Request-Id"), cache: read.headers.get("Cache-Status"),
      labels: body.labels.length,
      hit: again.headers.get("Cache-Status"), hit_etag: again.headers.get("ETag"),
      change: change.status, change_request_id: change.headers.get("X-Request-Id"),
      applied: results.results.map(r => r.status),
    };
  } catch (error) {
    return {blocked: true, error: String(error)};
  }
}
"""


def main() -> int:
    gateway, allowed, unlisted, chromium = sys.argv[1:5]
    failures = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(allowed)
        seen = page.evaluate(CALLS, [gateway, "564663098"])
        print("allowed origin:", json.dumps(seen))
        if seen.get("blocked"):
            failures.append(f"the allowed origin was blocked: {seen}")
        else:
            if seen["read"] != 200 or not seen["etag"] or not seen["request_id"]:
                failures.append(f"the read or its ETag / X-Request-Id was not readable: {seen}")
            if seen["hit"] != "label-gateway; hit" or seen["hit_etag"] != seen["etag"]:
                failures.append(f"the cache hit (the front) was not readable: {seen}")
            if seen["labels"] < 1:
                failures.append("the sample customer's labels were empty")
            if seen["change"] != 200 or seen["change_request_id"] != "browser-check-1":
                failures.append(f"the PATCH or its X-Request-Id was not readable: {seen}")
        page.goto(unlisted)
        refused = page.evaluate(CALLS, [gateway, "564663098"])
        print("unlisted origin:", json.dumps(refused))
        if not refused.get("blocked"):
            failures.append(f"the unlisted origin was not blocked: {refused}")
        browser.close()
    for failure in failures:
        print("FAILED:", failure, file=sys.stderr)
    print(f"{2 - min(2, len(failures))} passed, {min(2, len(failures))} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
