// An imitation of Microsoft Entra ID's multi-tenant endpoint for the single sign-on tests:
// one Node process, one port, several tenants, each a real `oidc-provider` instance (the
// certified npm package) with its own issuer http://127.0.0.1:PORT/<tenant id>/v2.0 and its
// own accounts, all signing with one key, as Entra's tenants do. Started by
// tests/accounts/oidc/conftest.py on a free localhost port.
//
// /organizations/v2.0 is what the app is configured with:
//   /.well-known/openid-configuration  issuer http://127.0.0.1:PORT/{tenantid}/v2.0
//   /authorize    asks for the account, then sends the person on to their home tenant's
//                 own authorisation endpoint (whose development pages sign them in)
//   /token        passed to the tenant that issued the code, and its answer returned
//   /keys         the shared signing key
//   /userinfo     passed to the tenant that knows the access token
// Each tenant's ID tokens carry its `tid`, and the accounts' email claims.
//
// The tenants are honest unless told otherwise: GET /__mode?to=<mode> makes the next token
// responses carry an ID token that a careful client must refuse:
//   wrong-issuer  signed with the shared key, its own tid, but another tenant's issuer
//   no-tid        signed with the shared key, without a tid
//   bad-tid       signed with the shared key, a tid that is no tenant id (issuer to match)
import http from 'node:http'
import Provider from 'oidc-provider'
import * as jose from 'jose'

const port = Number(process.env.PORT)
const origin = `http://127.0.0.1:${port}`
const organizations = '/organizations/v2.0'
const tenants = JSON.parse(process.env.TENANTS) // { tenant id: { account id: claims } }
const redirectUri = process.env.REDIRECT_URI

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true })
const privateJwk = { ...(await jose.exportJWK(privateKey)), kid: 'entra-key', alg: 'RS256', use: 'sig' }
const { kty, n, e, kid, alg, use } = privateJwk
const publicJwk = { kty, n, e, kid, alg, use }

const issuerOf = (tenantId) => `${origin}/${tenantId}/v2.0`
const homeTenant = new Map() // account id -> tenant id
const codeTenant = new Map() // authorisation code -> the tenant that issued it
const handlers = new Map() // tenant id -> its provider's request handler

for (const [tenantId, accounts] of Object.entries(tenants)) {
  for (const accountId of Object.keys(accounts)) homeTenant.set(accountId, tenantId)
  const mount = `/${tenantId}/v2.0`
  const provider = new Provider(issuerOf(tenantId), {
    clients: [{
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [process.env.POST_LOGOUT_URI],
      token_endpoint_auth_method: 'client_secret_post'
    }],
    jwks: { keys: [privateJwk] },
    async findAccount (ctx, id) {
      if (!accounts[id]) return undefined
      return { accountId: id, async claims () { return { sub: id, tid: tenantId, ...accounts[id] } } }
    },
    claims: { openid: ['sub', 'tid'], email: ['email', 'email_verified', 'xms_edov'], profile: ['name'] },
    // The claims go into the ID token, as Entra ID puts them.
    conformIdTokenClaims: false,
    cookies: {
      keys: ['a-key-for-test-cookies-only'],
      names: { session: `_session_${tenantId}`, interaction: `_interaction_${tenantId}`, resume: `_resume_${tenantId}` }
    },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } }
  })
  provider.use(async (ctx, next) => {
    await next()
    const location = ctx.response.get('location')
    if (location && location.startsWith(redirectUri)) {
      const code = new URL(location).searchParams.get('code')
      if (code) codeTenant.set(code, tenantId)
    }
  })
  const handle = provider.callback()
  handlers.set(tenantId, (req, res) => {
    // Mounted under the tenant's path, as express would mount it.
    req.originalUrl = req.url
    req.url = req.url.slice(mount.length) || '/'
    return handle(req, res)
  })
}

let mode = 'honest'

async function tampered (idToken) {
  const claims = jose.decodeJwt(idToken)
  const header = { alg: 'RS256', kid: 'entra-key', typ: 'JWT' }
  const sign = (changed) => new jose.SignJWT(changed).setProtectedHeader(header).sign(privateKey)
  if (mode === 'wrong-issuer') {
    const other = Object.keys(tenants).find((tenantId) => tenantId !== claims.tid)
    return sign({ ...claims, iss: issuerOf(other) })
  }
  if (mode === 'no-tid') {
    const { tid, ...rest } = claims
    return sign(rest)
  }
  if (mode === 'bad-tid') {
    return sign({ ...claims, tid: 'not-a-tenant', iss: issuerOf('not-a-tenant') })
  }
  return idToken
}

function body (req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString()))
    req.on('error', reject)
  })
}

function send (res, status, type, content, headers = {}) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers })
  res.end(typeof content === 'string' ? content : JSON.stringify(content))
}

const discovery = {
  issuer: `${origin}/{tenantid}/v2.0`,
  authorization_endpoint: `${origin}${organizations}/authorize`,
  token_endpoint: `${origin}${organizations}/token`,
  jwks_uri: `${origin}${organizations}/keys`,
  userinfo_endpoint: `${origin}${organizations}/userinfo`,
  // Entra's own; the app must use the tenant's instead, so this one answers nothing.
  end_session_endpoint: `${origin}${organizations}/logout`,
  response_types_supported: ['code'],
  subject_types_supported: ['pairwise'],
  id_token_signing_alg_values_supported: ['RS256'],
  scopes_supported: ['openid', 'profile', 'email'],
  claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'tid', 'email', 'name', 'xms_edov']
}

// The query is carried through the account page base64url-encoded, so that the page needs
// no escaping for a hidden field.
function accountPage (query, problem = '') {
  const carried = Buffer.from(query).toString('base64url')
  return `<!DOCTYPE html><html lang="en"><head><title>Sign in</title></head><body>
<h1>Sign in</h1>${problem ? `<p>${problem}</p>` : ''}
<form method="post" action="${organizations}/authorize">
<input type="hidden" name="carried" value="${carried}">
<label>Account <input name="login"></label>
<label>Password <input type="password" name="password"></label>
<button>Next</button>
</form></body></html>`
}

async function atOrganizations (req, res, url) {
  const path = url.pathname.slice(organizations.length)
  if (path === '/.well-known/openid-configuration') return send(res, 200, 'application/json', discovery)
  if (path === '/keys') return send(res, 200, 'application/json', { keys: [publicJwk] })
  if (path === '/authorize' && req.method === 'GET') {
    return send(res, 200, 'text/html', accountPage(url.search.slice(1)))
  }
  if (path === '/authorize' && req.method === 'POST') {
    const form = new URLSearchParams(await body(req))
    const query = Buffer.from(form.get('carried') || '', 'base64url').toString()
    const tenantId = homeTenant.get(form.get('login'))
    if (!tenantId) return send(res, 400, 'text/html', accountPage(query, 'No such account.'))
    // The account was just chosen here: the tenant need not be asked to offer a choice.
    const forwarded = new URLSearchParams(query)
    if (forwarded.get('prompt') === 'select_account') forwarded.delete('prompt')
    return send(res, 303, 'text/plain', '', { location: `${issuerOf(tenantId)}/auth?${forwarded}` })
  }
  if (path === '/token' && req.method === 'POST') {
    const sent = await body(req)
    const tenantId = codeTenant.get(new URLSearchParams(sent).get('code'))
    if (!tenantId) return send(res, 400, 'application/json', { error: 'invalid_grant' })
    const answer = await fetch(`${issuerOf(tenantId)}/token`, {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] },
      body: sent
    })
    const tokens = await answer.json()
    if (tokens.id_token) tokens.id_token = await tampered(tokens.id_token)
    return send(res, answer.status, 'application/json', tokens)
  }
  if (path === '/userinfo') {
    for (const tenantId of Object.keys(tenants)) {
      const answer = await fetch(`${issuerOf(tenantId)}/me`, { headers: { authorization: req.headers.authorization || '' } })
      if (answer.ok) return send(res, 200, 'application/json', await answer.json())
    }
    return send(res, 401, 'application/json', { error: 'invalid_token' })
  }
  return send(res, 404, 'text/plain', 'Not here: sign out at the tenant that signed the person in.')
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, origin)
    if (url.pathname === '/__mode') {
      mode = url.searchParams.get('to') || 'honest'
      return send(res, 200, 'application/json', { mode })
    }
    if (url.pathname.startsWith(`${organizations}/`)) return await atOrganizations(req, res, url)
    const tenantId = url.pathname.split('/')[1]
    if (handlers.has(tenantId) && url.pathname.startsWith(`/${tenantId}/v2.0`)) {
      return handlers.get(tenantId)(req, res)
    }
    send(res, 404, 'text/plain', 'No such tenant.')
  } catch (problem) {
    console.error(problem)
    send(res, 500, 'text/plain', String(problem))
  }
})

server.listen(port, '127.0.0.1', () => console.log(`listening ${origin}${organizations}`))
