// A local stand-in for HopX's control API (https://api.hopx.dev cannot be reached from tests): the calls the
// official SDK (@hopx-ai/sdk) and jbox's HopX backend make, nothing more. The sandbox it "creates" is a real
// `jbox agent`: GET /v1/sandboxes/{id} answers its URL as public_host, and the auth_token it hands out is the
// agent's token. Tokens it issues expire after JBOX_HOPX_TOKEN_TTL_S seconds (default 1800, under the SDK's
// one-hour refresh threshold, so that the SDK refreshes before its first agent call).
//
// Run: node hopx-control-api.mjs   (env JBOX_AGENT_URL, JBOX_TOKEN, HOPX_API_KEY; prints "listening on URL")
// or import { startControlApi } from './hopx-control-api.mjs'. GET /_calls (no key) lists the calls it served.
import http from 'node:http'
import { pathToFileURL } from 'node:url'
import { randomBytes } from 'node:crypto'

export function startControlApi({ agentUrl, token, apiKey, tokenTtlSeconds = 1800 }) {
  const calls = []
  const sandboxes = new Map()
  const expiry = () => new Date(Date.now() + tokenTtlSeconds * 1000).toISOString()
  const info = (s) => ({
    id: s.id, sandbox_id: s.id, status: s.status, public_host: agentUrl, template_name: s.template,
    timeout_seconds: s.timeoutSeconds, expires_at: null, created_at: s.createdAt,
  })
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => { body += c })
    req.on('end', () => {
      const url = new URL(req.url, 'http://x')
      const path = url.pathname
      const reply = (status, obj) => {
        res.writeHead(status, { 'Content-Type': 'application/json' })
        res.end(obj === undefined ? '' : JSON.stringify(obj))
      }
      if (path === '/_calls') return reply(200, calls)
      calls.push(`${req.method} ${path}`)
      if (req.headers['x-api-key'] !== apiKey) return reply(401, { error: 'Invalid API key', message: 'Invalid API key', code: 'UNAUTHORIZED' })
      let m
      if (req.method === 'POST' && path === '/v1/sandboxes') {
        let b = {}
        try { b = body ? JSON.parse(body) : {} } catch { return reply(400, { message: 'malformed JSON' }) }
        if (!b.template_name && !b.template_id) return reply(400, { message: 'template_name or template_id is required' })
        // ids are unique: tests running side by side share the agent machine's /tmp/jbox-hopx
        const s = { id: `sbx_${randomBytes(6).toString('hex')}`, status: 'running', template: b.template_name || b.template_id, timeoutSeconds: b.timeout_seconds, createdAt: new Date().toISOString() }
        sandboxes.set(s.id, s)
        return reply(201, { ...info(s), auth_token: token, token_expires_at: expiry() })
      }
      if ((m = path.match(/^\/v1\/sandboxes\/([^/]+)$/))) {
        const s = sandboxes.get(m[1])
        if (!s) return reply(404, { error: 'Sandbox not found', message: 'Sandbox not found', code: 'SANDBOX_NOT_FOUND' })
        if (req.method === 'GET') return reply(200, info(s))
        if (req.method === 'DELETE') { sandboxes.delete(s.id); return reply(204) }
      }
      if (req.method === 'POST' && (m = path.match(/^\/v1\/sandboxes\/([^/]+)\/token\/refresh$/))) {
        if (!sandboxes.has(m[1])) return reply(404, { error: 'Sandbox not found', message: 'Sandbox not found', code: 'SANDBOX_NOT_FOUND' })
        return reply(200, { auth_token: token, token_expires_at: expiry() })
      }
      return reply(404, { error: 'no such route', message: `no such route: ${req.method} ${path}` })
    })
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, calls, sandboxes, close: () => server.close() })
    })
  })
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const api = await startControlApi({
    agentUrl: process.env.JBOX_AGENT_URL, token: process.env.JBOX_TOKEN, apiKey: process.env.HOPX_API_KEY,
    tokenTtlSeconds: Number(process.env.JBOX_HOPX_TOKEN_TTL_S || 1800),
  })
  console.log(`listening on ${api.url}`)
}
