// Drives `jbox agent` with the official E2B JavaScript SDK (npm package `e2b`), as a stock envd client would.
// Run with E2B_DEBUG=true E2B_SANDBOX_URL=http://127.0.0.1:<port> JBOX_TOKEN=<token>; prints one line per
// assertion and "PASSED FAILED" as the last line. Any difference from real envd found here is a bug of jbox.
import http from 'node:http'
import { Sandbox, CommandExitError, AuthenticationError } from 'e2b'

const token = process.env.JBOX_TOKEN
let passed = 0
let failed = 0
function check(name, cond, detail = '') {
  if (cond) { passed++; console.log(`ok   ${name}`) } else { failed++; console.log(`FAIL ${name} ${detail}`) }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
async function until(cond, ms = 5000) {
  const end = Date.now() + ms
  while (Date.now() < end) { if (cond()) return true; await sleep(20) }
  return cond()
}
async function attempt(name, fn) {
  try { await fn() } catch (e) { check(name, false, `threw ${e?.name}: ${e?.message}`) }
}

// The issue asks to pass the token with the SDK's `headers` option. e2b@2.x forwards `headers` only to the
// control API, not to envd RPCs (see Sandbox's connect transport), so such a sandbox must be refused (401)
// and the SDK must turn that into its AuthenticationError.
const headersOnly = await Sandbox.create({ headers: { 'X-Access-Token': token } })
await attempt('headers option: envd RPC is refused without X-Access-Token (401 -> AuthenticationError)', async () => {
  let err
  try { await headersOnly.commands.list() } catch (e) { err = e }
  check('headers option: envd RPC is refused without X-Access-Token (401 -> AuthenticationError)', err instanceof AuthenticationError, `${err?.name}: ${err?.message}`)
})

// What Sandbox.create does after the control API answered: a sandbox with its envdAccessToken, which the SDK
// sends as X-Access-Token on every envd request. In debug mode the SDK skips the control API.
const sbx = new Sandbox({ sandboxId: 'debug_sandbox_id', envdVersion: '99.99.99', envdAccessToken: token, debug: true })

await attempt('run foreground', async () => {
  const r = await sbx.commands.run('echo hello; echo oops >&2')
  check('run foreground: stdout', r.stdout === 'hello\n', JSON.stringify(r.stdout))
  check('run foreground: stderr', r.stderr === 'oops\n', JSON.stringify(r.stderr))
  check('run foreground: exit code 0', r.exitCode === 0, String(r.exitCode))
})

await attempt('run foreground: non-zero exit', async () => {
  let err
  try { await sbx.commands.run('echo partial; exit 3') } catch (e) { err = e }
  check('run foreground: non-zero exit -> CommandExitError', err instanceof CommandExitError, String(err))
  check('run foreground: exit code 3 and output kept', err?.exitCode === 3 && err?.stdout === 'partial\n', `${err?.exitCode} ${JSON.stringify(err?.stdout)}`)
})

await attempt('run with envs and cwd', async () => {
  const r = await sbx.commands.run('echo $FOO; pwd', { envs: { FOO: 'bar' }, cwd: '/tmp' })
  check('run with envs and cwd', r.stdout === 'bar\n/tmp\n', JSON.stringify(r.stdout))
})

await attempt('background with onStdout', async () => {
  const chunks = []
  const errs = []
  const h = await sbx.commands.run('for i in 1 2 3; do echo $i; echo e$i >&2; sleep 0.1; done', {
    background: true, onStdout: (d) => chunks.push(d), onStderr: (d) => errs.push(d),
  })
  check('background: pid', Number.isInteger(h.pid) && h.pid > 0, String(h.pid))
  const r = await h.wait()
  check('background: onStdout got every line in order', chunks.join('') === '1\n2\n3\n', JSON.stringify(chunks))
  check('background: onStderr', errs.join('') === 'e1\ne2\ne3\n', JSON.stringify(errs))
  check('background: result', r.exitCode === 0 && r.stdout === '1\n2\n3\n', JSON.stringify(r))
})

await attempt('list, connect, kill', async () => {
  const h = await sbx.commands.run('i=0; while true; do i=$((i+1)); echo tick$i; sleep 0.1; done', { background: true, timeoutMs: 0 })
  const list = await sbx.commands.list()
  const mine = list.find((p) => p.pid === h.pid)
  check('list: contains the running command', !!mine, JSON.stringify(list))
  check('list: cmd and args as started', mine?.cmd === '/bin/bash' && mine?.args?.join(' ').includes('while true'), JSON.stringify(mine))

  await h.disconnect()
  const seen = []
  const c = await sbx.commands.connect(h.pid, { onStdout: (d) => seen.push(d), timeoutMs: 0 })
  check('connect: same pid', c.pid === h.pid, `${c.pid} vs ${h.pid}`)
  check('connect: live output arrives', await until(() => seen.join('').includes('tick')), JSON.stringify(seen))

  const killed = await sbx.commands.kill(h.pid)
  check('kill: returns true', killed === true, String(killed))
  let err
  try { await c.wait() } catch (e) { err = e }
  check('kill: the connected handle ends with a non-zero result', err instanceof CommandExitError && err.exitCode !== 0, String(err))
  const after = await sbx.commands.list()
  check('kill: gone from list', !after.some((p) => p.pid === h.pid), JSON.stringify(after))
  check('kill: unknown pid -> false', (await sbx.commands.kill(h.pid)) === false)
})

await attempt('sendStdin', async () => {
  const out = []
  const h = await sbx.commands.run('cat', { background: true, stdin: true, onStdout: (d) => out.push(d) })
  await sbx.commands.sendStdin(h.pid, 'ping\n')
  check('sendStdin: echoed back', await until(() => out.join('') === 'ping\n'), JSON.stringify(out))
  await h.sendStdin('pong\n')
  check('sendStdin via handle', await until(() => out.join('') === 'ping\npong\n'), JSON.stringify(out))
  await h.closeStdin()
  const r = await h.wait()
  check('closeStdin: cat ends with 0', r.exitCode === 0, JSON.stringify(r))
})

await attempt('connect to unknown pid', async () => {
  let err
  try { await sbx.commands.connect(999999) } catch (e) { err = e }
  check('connect: unknown pid is an error', err && /not found/i.test(String(err?.message) + err?.name), `${err?.name}: ${err?.message}`)
})

await attempt('timeout', async () => {
  const t0 = Date.now()
  let err
  try { await sbx.commands.run('sleep 20', { timeoutMs: 500 }) } catch (e) { err = e }
  check('timeoutMs: the command is stopped', !!err && Date.now() - t0 < 10000, `${err?.name}: ${err?.message} after ${Date.now() - t0} ms`)
})

// The production path: Sandbox.create against a control API (here a local one implementing the create and kill
// calls) that hands out the agent's token as the sandbox's envdAccessToken, with a real envd version.
await attempt('Sandbox.create via the control API', async () => {
  const calls = []
  const apiKey = 'e2b_' + '0'.repeat(40)
  const api = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      calls.push(`${req.method} ${req.url}`)
      const json = (status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)) }
      if (req.headers['x-api-key'] !== apiKey) return json(401, { code: 401, message: 'Invalid API key' })
      if (req.method === 'POST' && req.url === '/v2/sandboxes') {
        return json(201, { sandboxID: 'sbxjbox', templateID: 'base', clientID: 'jbox', envdVersion: '0.5.4', envdAccessToken: token })
      }
      if (req.method === 'DELETE' && req.url === '/sandboxes/sbxjbox') { res.writeHead(204); return res.end() }
      json(404, { code: 404, message: 'not found' })
    })
  })
  await new Promise((r) => api.listen(0, '127.0.0.1', r))
  try {
    const prod = await Sandbox.create('base', {
      apiKey, debug: false, apiUrl: `http://127.0.0.1:${api.address().port}`, sandboxUrl: process.env.E2B_SANDBOX_URL,
    })
    const r = await prod.commands.run('echo via-control-api', { envs: { A: 'b' } })
    check('create: envd reached with the access token from the control API', r.stdout === 'via-control-api\n', JSON.stringify(r))
    const out = []
    const h = await prod.commands.run('cat', { background: true, stdin: true, onStdout: (d) => out.push(d) })
    await h.sendStdin('x\n')
    check('create: stdin on envd 0.5.4 path', await until(() => out.join('') === 'x\n'), JSON.stringify(out))
    await h.closeStdin()
    await h.wait()
    await prod.kill()
    check('create/kill: control API calls', calls.join(',') === 'POST /v2/sandboxes,DELETE /sandboxes/sbxjbox', calls.join(','))
  } finally {
    api.close()
  }
})

console.log(`${passed} ${failed}`)
process.exit(failed === 0 ? 0 : 1)
