// The official HopX JavaScript SDK (npm @hopx-ai/sdk) drives `jbox agent` through a local stand-in for HopX's control
// API (hopx-control-api.mjs): the "Complete Example" of HopX's "Background" page (three background tasks with env
// and timeout, status polling until none is queued or running, final states and output), then killProcess on a long
// one, a command that fails, a timeout, and the SDK's token handling. Run with JBOX_AGENT_URL and JBOX_TOKEN; prints
// one line per assertion and "PASSED FAILED" as the last line; JBOX_AGENT_ROOT is the agent's --root. Any difference from HopX found here is a bug of jbox.
import fs from 'node:fs'
import path from 'node:path'
import { Sandbox, APIError, AuthenticationError } from '@hopx-ai/sdk'
import { startControlApi } from './hopx-control-api.mjs'

const agentUrl = process.env.JBOX_AGENT_URL
const token = process.env.JBOX_TOKEN
const agentRoot = process.env.JBOX_AGENT_ROOT // where the agent runs commands (HopX's default /workspace is absent here)
const apiKey = 'hopx_interop_key'
let passed = 0
let failed = 0
function check(name, cond, detail = '') {
  if (cond) { passed++; console.log(`ok   ${name}`) } else { failed++; console.log(`FAIL ${name} ${detail}`) }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
async function attempt(name, fn) {
  try { await fn() } catch (e) { check(name, false, `threw ${e?.name}: ${e?.message}`) }
}
// The SDK logs its token refreshes on the console; keep the output to the assertions.
const log = console.log
console.log = (...a) => { if (!String(a[0]).startsWith('[SDK]')) log(...a) }

const api = await startControlApi({ agentUrl, token, apiKey })
const sandbox = await Sandbox.create({ template: 'code-interpreter', apiKey, baseURL: api.url })
check('create: POST /v1/sandboxes, then GET /v1/sandboxes/{id}', api.calls[0] === 'POST /v1/sandboxes' && api.calls[1]?.startsWith('GET /v1/sandboxes/sbx_'), JSON.stringify(api.calls))

// ---- the Complete Example, as on the page (commands that exist on this machine)
const tasks = {
  'data-processing': 'echo "processing for $TASK_NAME"; sleep 0.5; echo "rows: 1200"',
  // runs until the monitoring loop saw it running, however slow the machine
  'ml-training': 'echo "training for $TASK_NAME"; while [ ! -e trained ]; do sleep 0.05; done; echo "accuracy: 0.95"',
  'report-generation': 'echo "report for $TASK_NAME"; sleep 0.2; echo "wrote report.pdf"',
}
const expected = {
  'data-processing': 'processing for data-processing\nrows: 1200\n',
  'ml-training': 'training for ml-training\naccuracy: 0.95\n',
  'report-generation': 'report for report-generation\nwrote report.pdf\n',
}
const processIds = {}
await attempt('complete example', async () => {
  console.log('🚀 Starting background tasks...\n')
  for (const [name, command] of Object.entries(tasks)) {
    const result = await sandbox.commands.runBackground(command, { timeout: 600, env: { TASK_NAME: name } })
    processIds[name] = result.processId
    console.log(`✅ Started: ${name} (ID: ${result.processId})`)
    check(`runBackground ${name}: a process id (processId as the page reads it, process_id as the SDK types it)`,
      typeof result.processId === 'string' && result.processId === result.process_id, JSON.stringify(result))
  }
  console.log('\n📊 Monitoring processes...')
  let rounds = 0
  let sawActive = false
  while (true) {
    const allProcesses = await sandbox.listProcesses()
    const active = allProcesses.filter(
      (p) => Object.values(processIds).includes(p.processId) && ['queued', 'running'].includes(p.status))
    if (active.length === 0) break
    sawActive = true
    console.log(`\nActive: ${active.length}/${Object.keys(tasks).length}`)
    for (const proc of active) {
      const name = Object.keys(processIds).find((k) => processIds[k] === proc.processId)
      console.log(`  ${name}: ${proc.status}`)
      if (name === 'ml-training') fs.writeFileSync(path.join(agentRoot, 'trained'), '')
    }
    if (++rounds > 100) break
    await sleep(300)
  }
  check('monitoring: the tasks were seen queued or running, then none was', sawActive && rounds <= 100, `rounds ${rounds}`)
  console.log('\n📋 Final Status:')
  const finalProcesses = await sandbox.listProcesses()
  for (const [name, procId] of Object.entries(processIds)) {
    const proc = finalProcesses.find((p) => p.processId === procId)
    if (proc) {
      const statusIcon = { completed: '✅', failed: '❌', killed: '🛑' }[proc.status] || '⏳'
      console.log(`${statusIcon} ${name}: ${proc.status}`)
      if (proc.status === 'completed' && proc.stdout) console.log(`   Output: ${proc.stdout.trim().substring(0, 50)}...`)
    }
    check(`final ${name}: completed, exit code 0`, proc?.status === 'completed' && proc?.exit_code === 0, JSON.stringify(proc))
    check(`final ${name}: its output, with its env`, proc?.stdout === expected[name], JSON.stringify(proc?.stdout))
  }
})

await attempt('killProcess on a long one', async () => {
  const long = await sandbox.commands.runBackground('sleep 300', { timeout: 600 })
  let p = (await sandbox.listProcesses()).find((x) => x.processId === long.processId)
  check('long one: running', p?.status === 'running', JSON.stringify(p))
  await sandbox.killProcess(long.processId)
  p = (await sandbox.listProcesses()).find((x) => x.processId === long.processId)
  check('long one: killed', p?.status === 'killed', JSON.stringify(p))
  let err
  try { await sandbox.killProcess(long.processId) } catch (e) { err = e }
  check('killing it again: 404 APIError', err instanceof APIError && err.statusCode === 404, `${err?.name} ${err?.statusCode} ${err?.message}`)
  err = undefined
  try { await sandbox.killProcess('proc_nope') } catch (e) { err = e }
  check('unknown process id: 404 PROCESS_NOT_FOUND', err instanceof APIError && err.statusCode === 404 && err.code === 'PROCESS_NOT_FOUND',
    `${err?.name} ${err?.code} ${err?.message}`)
})

await attempt('a command that fails', async () => {
  const bad = await sandbox.commands.runBackground('echo "missing input.csv" >&2; exit 2', { timeout: 60 })
  let p
  for (let i = 0; i < 100; i++) {
    p = (await sandbox.listProcesses()).find((x) => x.processId === bad.processId)
    if (p && !['queued', 'running'].includes(p.status)) break
    await sleep(100)
  }
  check('failing one: failed with its exit code and stderr', p?.status === 'failed' && p?.exit_code === 2 && p?.stderr === 'missing input.csv\n', JSON.stringify(p))
})

await attempt('per-command timeout', async () => {
  const slow = await sandbox.commands.runBackground('sleep 30', { timeout: 1 })
  let p
  for (let i = 0; i < 100; i++) {
    p = (await sandbox.listProcesses()).find((x) => x.processId === slow.processId)
    if (p && !['queued', 'running'].includes(p.status)) break
    await sleep(100)
  }
  check('background timeout: ended by the agent after 1 s', p?.status === 'timeout', JSON.stringify(p))
})

await attempt('foreground commands.run', async () => {
  const r = await sandbox.commands.run('echo $GREETING; echo oops >&2', { env: { GREETING: 'hi' } })
  check('run: stdout, stderr, exit code', r.stdout === 'hi\n' && r.stderr === 'oops\n' && r.exit_code === 0 && r.success === true, JSON.stringify(r))
  const f = await sandbox.commands.run('exit 3')
  check('run: a failure is an answer with its exit code', f.exit_code === 3 && f.success === false, JSON.stringify(f))
  const listed = (await sandbox.listProcesses()).filter((p) => p.command === 'exit 3')
  check('run: foreground commands are not background processes', listed.length === 0, JSON.stringify(listed))
})

await attempt('health', async () => {
  check('isHealthy(): GET /health with the Bearer token answers a healthy status', (await sandbox.isHealthy()) === true)
  const h = await sandbox.getHealth()
  check('getHealth(): status, version and uptime_seconds as the SDK types them',
    h.status === 'healthy' && typeof h.version === 'string' && Number.isInteger(h.uptime_seconds), JSON.stringify(h))
})

check('the SDK refreshed the agent token through the control API', api.calls.some((c) => /^POST \/v1\/sandboxes\/[^/]+\/token\/refresh$/.test(c)), JSON.stringify(api.calls))
await sandbox.kill()
check('kill: DELETE /v1/sandboxes/{id}', api.calls[api.calls.length - 1].startsWith('DELETE /v1/sandboxes/sbx_'), api.calls[api.calls.length - 1])
api.close()

// A control API that hands out a token the agent does not accept: the SDK refreshes once, then reports it.
await attempt('a refused token', async () => {
  const wrong = await startControlApi({ agentUrl, token: 'not-the-agents-token', apiKey })
  const sbx = await Sandbox.create({ template: 'code-interpreter', apiKey, baseURL: wrong.url })
  let err
  try { await sbx.listProcesses() } catch (e) { err = e }
  check('refused token: 401 -> AuthenticationError after one refresh', err instanceof AuthenticationError, `${err?.name}: ${err?.message}`)
  check('refused token: isHealthy() is false', (await sbx.isHealthy()) === false)
  wrong.close()
})

console.log = log
console.log(`${passed} ${failed}`)
process.exit(failed === 0 ? 0 : 1)
