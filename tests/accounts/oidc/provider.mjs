// A real OpenID Connect provider for the single sign-on tests: the certified npm package
// `oidc-provider`, with its development sign-in pages (type any account id). Started by
// tests/accounts/oidc/conftest.py on a free localhost port.
//
// The provider is honest unless told otherwise: GET /__mode?to=<mode> makes the next
// token responses carry an ID token that a careful client must refuse:
//   wrong-audience  signed with the provider's own key, but issued for another client
//   bad-signature   the provider's claims, signed with a key that is not the provider's
//   wrong-issuer    signed with the provider's key, claiming another issuer
import Provider from 'oidc-provider'
import * as jose from 'jose'

const port = Number(process.env.PORT)
const issuer = `http://127.0.0.1:${port}`
const accounts = JSON.parse(process.env.ACCOUNTS)

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true })
const signingKey = { ...(await jose.exportJWK(privateKey)), kid: 'provider-key', alg: 'RS256', use: 'sig' }
const { privateKey: strangerKey } = await jose.generateKeyPair('RS256')

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [process.env.REDIRECT_URI],
    post_logout_redirect_uris: [process.env.POST_LOGOUT_URI],
    token_endpoint_auth_method: 'client_secret_post'
  }],
  jwks: { keys: [signingKey] },
  async findAccount (ctx, id) {
    if (!accounts[id]) return undefined
    return { accountId: id, async claims () { return { sub: id, ...accounts[id] } } }
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The claims go into the ID token, as Microsoft Entra ID puts them.
  conformIdTokenClaims: false,
  cookies: { keys: ['a-key-for-test-cookies-only'] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } }
})

let mode = 'honest'

async function tampered (idToken) {
  const claims = jose.decodeJwt(idToken)
  const header = { alg: 'RS256', kid: 'provider-key', typ: 'JWT' }
  if (mode === 'wrong-audience') {
    return new jose.SignJWT({ ...claims, aud: 'another-service' }).setProtectedHeader(header).sign(privateKey)
  }
  if (mode === 'wrong-issuer') {
    return new jose.SignJWT({ ...claims, iss: 'http://127.0.0.1:1' }).setProtectedHeader(header).sign(privateKey)
  }
  if (mode === 'bad-signature') {
    return new jose.SignJWT(claims).setProtectedHeader(header).sign(strangerKey)
  }
  return idToken
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/__mode') {
    mode = ctx.query.to || 'honest'
    ctx.body = { mode }
    return
  }
  await next()
  if (ctx.path === '/token' && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: await tampered(ctx.body.id_token) }
  }
})

provider.listen(port, '127.0.0.1', () => console.log(`listening ${issuer}`))
