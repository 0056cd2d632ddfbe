// Runs yagura `iam simulate` cases through @cloud-copilot/iam-simulate, an independent engine,
// for the differential test (tests/differential.rs). The engine is AGPL: it is installed outside
// the repository (IAM_SIMULATE_DIR, default /root/.cache/iam-simulate) and only run as a
// separate process; nothing of it is copied here.
// stdin: a JSON array of cases; stdout: a JSON array of "Allow" | "ImplicitDeny" |
// "ExplicitDeny" | "Error: …".
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import path from 'node:path'

const dir = process.env.IAM_SIMULATE_DIR || '/root/.cache/iam-simulate'
const require = createRequire(path.join(dir, 'package.json'))
const { runSimulation } = require('@cloud-copilot/iam-simulate')

const cases = JSON.parse(readFileSync(0, 'utf8'))
const names = { Allowed: 'Allow', ImplicitlyDenied: 'ImplicitDeny', ExplicitlyDenied: 'ExplicitDeny' }
const out = []
for (const c of cases) {
  const r = c.request
  const simulation = {
    request: {
      principal: r.principal,
      action: r.action,
      resource: { resource: r.resource, accountId: r.resource_account },
      contextVariables: r.context || {}
    },
    identityPolicies: (c.identity_policies || []).map((policy, i) => ({ name: `identity${i}`, policy })),
    serviceControlPolicies: (c.scps || []).map((level, l) => ({
      orgIdentifier: l === 0 ? 'r-root' : `ou-level${l}`,
      policies: level.map((policy, i) => ({ name: `scp${l}-${i}`, policy }))
    })),
    resourceControlPolicies: (c.rcps || []).map((level, l) => ({
      orgIdentifier: l === 0 ? 'r-root' : `ou-level${l}`,
      // iam-simulate adds RCPFullAWSAccess to every level itself and rejects it as an input.
      policies: level
        .map((policy, i) => ({ name: `rcp${l}-${i}`, policy }))
        .filter(({ policy }) => !(policy.Statement || []).every((s) => s.Effect === 'Allow'))
    })),
    resourcePolicy: c.resource_policy || undefined,
    sessionPolicy: c.session_policy || undefined,
    permissionBoundaryPolicies: c.permission_boundary ? [{ name: 'boundary', policy: c.permission_boundary }] : undefined
  }
  try {
    const res = await runSimulation(simulation, {})
    if (res.resultType === 'error') {
      out.push('Error: ' + JSON.stringify(res.errors).slice(0, 300))
    } else {
      out.push(names[res.overallResult] || 'Error: ' + res.overallResult)
    }
  } catch (e) {
    out.push('Error: ' + String(e).slice(0, 300))
  }
}
process.stdout.write(JSON.stringify(out))
