// A real, certified OpenID Provider (panva's node-oidc-provider) on loopback, for SocialHub's
// "Sign in with <provider>" tests. Several providers can run in one process, each on its own port.
//
// Input: the JSON config in env OIDC_TEST_CONFIG:
//   { "providers": [{ "name": "good", "port": 0, "mode": "normal" | "wrong_aud" | "expired",
//                      "clients": [{ "client_id", "client_secret", "redirect_uris": [...] }] }],
//     "accounts":  [{ "id", "email", "email_verified", "password", "name", "groups": [...] }] }
// Output: one JSON line on stdout: { "issuers": { "<name>": "http://127.0.0.1:PORT" } }.
//
// Our own small interaction pages replace the provider's dev pages (those load web fonts and take
// any password). Consent is implicit for the configured (first-party) clients.
// Test-only misbehaving modes sign real ID tokens with the provider's own keys, but:
//   wrong_aud: `aud` names another client; expired: `exp` lies 10 minutes in the past.
import http from 'node:http';
import { once } from 'node:events';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG || '{}');
const accounts = new Map((config.accounts || []).map((a) => [a.id, a]));
const byEmail = new Map((config.accounts || []).map((a) => [a.email.toLowerCase(), a]));

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head>`
    + `<body style="font-family: sans-serif; max-width: 24rem; margin: 3rem auto">${body}</body></html>`;
}

function loginPage(uid, clientId, error = '') {
  return page('Test IdP sign-in', `<h1>Test identity provider</h1><p>Signing in to ${esc(clientId)}</p>`
    + (error ? `<p role="alert" data-testid="idp-error">${esc(error)}</p>` : '')
    + `<form method="post" action="/interaction/${esc(uid)}/login">`
    + '<p><label for="idp-email">Email</label><br><input id="idp-email" name="email" type="email" autocomplete="username"></p>'
    + '<p><label for="idp-password">Password</label><br><input id="idp-password" name="password" type="password"></p>'
    + '<p><button type="submit" data-testid="idp-submit">Sign in at the IdP</button></p></form>'
    + `<form method="post" action="/interaction/${esc(uid)}/abort"><button type="submit" data-testid="idp-abort">Cancel</button></form>`);
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function patchMode(provider, mode) {
  if (mode === 'normal') return;
  const original = provider.IdToken.prototype.issue;
  provider.IdToken.prototype.issue = async function issue(opts = {}) {
    if (mode === 'expired') {
      return original.call(this, { ...opts, expiresAt: Math.floor(Date.now() / 1000) - 600 });
    }
    if (mode === 'wrong_aud') {
      const { client } = this;
      this.client = new Proxy(client, { get: (t, p) => (p === 'clientId' ? 'someone-else' : Reflect.get(t, p)) });
      try { return await original.call(this, opts); } finally { this.client = client; }
    }
    return original.call(this, opts);
  };
}

async function startProvider(spec) {
  const server = http.createServer();
  server.listen(spec.port || 0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: spec.clients.map((c) => ({ ...c, grant_types: ['authorization_code'], response_types: ['code'] })),
    cookies: { keys: [`test-${spec.name}-cookie-key`] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    async findAccount(ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: account.email, email_verified: Boolean(account.email_verified),
            name: account.name, groups: account.groups || [] };
        },
      };
    },
    async loadExistingGrant(ctx) { // first-party clients: consent is implied
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  provider.on('server_error', (ctx, err) => process.stderr.write(`[${spec.name}] server_error ${err.stack}\n`));
  provider.on('grant.error', (ctx, err) => process.stderr.write(`[${spec.name}] grant.error ${err.message} ${err.error_detail || ''}\n`));
  patchMode(provider, spec.mode || 'normal');
  const handler = provider.callback();
  server.on('request', async (req, res) => {
    const match = /^\/interaction\/([\w-]+)(\/(login|abort))?$/.exec(req.url.split('?')[0]);
    if (!match) { handler(req, res); return; }
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(loginPage(details.uid, details.params.client_id));
      } else if (match[3] === 'abort') {
        await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'cancelled' },
          { mergeWithLastSubmission: false });
      } else {
        const form = await readForm(req);
        const account = byEmail.get(String(form.get('email') || '').toLowerCase());
        if (!account || account.password !== form.get('password')) {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(loginPage(details.uid, details.params.client_id, 'Wrong email or password.'));
          return;
        }
        await provider.interactionFinished(req, res, { login: { accountId: account.id } },
          { mergeWithLastSubmission: false });
      }
    } catch (err) {
      process.stderr.write(`[${spec.name}] interaction error ${err.stack}\n`);
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`interaction failed: ${err.message}`);
    }
  });
  return [spec.name, issuer];
}

const issuers = Object.fromEntries(await Promise.all((config.providers || []).map(startProvider)));
process.stdout.write(`${JSON.stringify({ issuers })}\n`);
// stay up until the parent closes stdin (or kills the process group)
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
