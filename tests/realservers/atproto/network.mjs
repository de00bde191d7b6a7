// A real AT Protocol network on loopback for SocialHub's Bluesky tests: PLC + PDS + AppView
// (@atproto/dev-env's TestNetwork) over the local PostgreSQL and Redis.
//
// Prints one JSON line {"pds", "appview", "plc", "accounts": [...]} once it is up, then reads
// commands on stdin, one per line, answering each with one JSON line:
//   sync   → waits until the AppView has indexed everything the PDS has ({"ok": true})
// It stops (and drops its schemas) when stdin closes, so a test run that dies takes it along.
//
// Environment: DB_POSTGRES_URL (postgres://…), DB_POSTGRES_SCHEMA (letters and "_" only),
// REDIS_HOST (host:port).
import readline from 'node:readline'
import { TestNetwork } from '@atproto/dev-env'
import { AtpAgent } from '@atproto/api'

const schema = process.env.DB_POSTGRES_SCHEMA
if (!/^[a-z_]+$/.test(schema || '')) {
  console.error('DB_POSTGRES_SCHEMA must be letters and "_" only')
  process.exit(2)
}

const network = await TestNetwork.create({
  dbPostgresUrl: process.env.DB_POSTGRES_URL,
  dbPostgresSchema: schema,
})

async function account(handle) {
  const agent = new AtpAgent({ service: network.pds.url })
  const password = `main-${handle}-password`
  const created = await agent.createAccount({ handle, email: `${handle}@example.test`, password })
  const app = await agent.com.atproto.server.createAppPassword({ name: 'socialhub' })
  await agent.app.bsky.actor.profile.create(
    { repo: created.data.did },
    { displayName: handle.split('.')[0], description: 'test account' },
  )
  return { handle, did: created.data.did, password, app_password: app.data.password }
}

const accounts = [await account('alice.test'), await account('bob.test')]
await network.processAll()
console.log(
  JSON.stringify({ pds: network.pds.url, appview: network.bsky.url, plc: network.plc.url, accounts }),
)

// The PDS's queue, then the AppView's subscription up to the PDS's latest event. Ozone (moderation)
// is left out: nothing here needs it, and its daemon aborts when asked while idle.
async function syncAppView() {
  for (let attempt = 0; ; attempt++) {
    try {
      await network.pds.processAll()
      await network.processFullSubscription(15000)
      return
    } catch (err) {
      if (attempt >= 2) throw err
    }
  }
}

let closing = false
async function shutdown(code) {
  if (closing) return
  closing = true
  try {
    await network.close()
  } finally {
    process.exit(code)
  }
}

const lines = readline.createInterface({ input: process.stdin })
lines.on('line', async (line) => {
  const command = line.trim()
  try {
    if (command === 'sync') {
      await syncAppView()
      console.log(JSON.stringify({ ok: true }))
    } else {
      console.log(JSON.stringify({ ok: false, error: `unknown command ${command}` }))
    }
  } catch (err) {
    console.log(JSON.stringify({ ok: false, error: String(err) }))
  }
})
lines.on('close', () => shutdown(0))
process.on('SIGTERM', () => shutdown(0))
