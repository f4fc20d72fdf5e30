#!/usr/bin/env bash
# deploy/ as it runs: the Kubernetes manifests against the Kubernetes API's own schemas
# (kubernetes-validate, strict: a misspelt or unknown field fails), then the fleet of
# deploy/compose.yaml for real (deploy/smoke.sh: podman and podman-compose, two replicas, Redis,
# HAProxy and the vendor simulators; about 1.5 minutes once the dist binary is built, 5 without).
# Called by .ci/run; runs alone too: bash ci/deploy-checks.sh. SKIP_SMOKE=1 leaves the smoke out
# (a machine without root, where podman cannot run).
set -euo pipefail
# shellcheck source=ci/lib.sh
source "$(dirname "$0")/lib.sh" deploy-checks

echo "== deploy-checks: install kubernetes-validate (PyPI, pinned by ci/constraints.txt)"
venv kubernetes-validate -c ci/constraints.txt

echo "== deploy-checks: deploy/k8s against the Kubernetes 1.37 schemas"
# Every manifest but kustomization.yaml, which is kustomize's, not an API object (no schema);
# tests/tests/deploy/k8s.rs checks what it lists.
manifests=()
for file in deploy/k8s/*.yaml; do
    [[ $(basename "$file") == kustomization.yaml ]] || manifests+=("$file")
done
"$VENV/bin/kubernetes-validate" --strict --kubernetes-version 1.37.0 --quiet "${manifests[@]}"
echo "${#manifests[@]} manifests valid"

if [[ ${SKIP_SMOKE:-0} == 1 ]]; then
    echo "== deploy-checks: SKIP_SMOKE=1, deploy/smoke.sh not run"
else
    echo "== deploy-checks: deploy/smoke.sh"
    bash deploy/smoke.sh
fi
