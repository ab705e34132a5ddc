// A day in the life of a clinician on Rounds, through the Mastodon client
// libraries nobody here wrote: masto.js 7 and megalodon. Driven by
// cmd/rounds/clients_e2e_test.go, which starts two Rounds instances and
// passes them in the environment:
//
//   ROUNDS_A, ROUNDS_B           base URLs (http://127.0.0.1:PORT)
//   A_USER, A_EMAIL, A_PASSWORD  the clinician on A, who signs in through the HTML pages
//   B_USER, B_EMAIL, B_PASSWORD  a colleague on B, who signs in the same way
//   C_USER, C_TOKEN              a second local account on A (CLI token) that
//                                interacts with A's posts to produce notifications
//
// Every step asserts on the returned entities. A failed step does not stop the
// run: steps that depend on it are skipped, and the last line is a summary.
// Exit status 0 only if every step passed.

import assert from "node:assert/strict";
import crypto from "node:crypto";
import zlib from "node:zlib";
import { createRestAPIClient, createOAuthAPIClient, createStreamingAPIClient } from "masto";
import megalodon from "megalodon";

// megalodon's package main is CommonJS: the generator is its default export.
const generator = megalodon.default ?? megalodon;

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`environment variable ${k} is required`);
  return v;
};
const A = env("ROUNDS_A").replace(/\/$/, "");
const B = env("ROUNDS_B").replace(/\/$/, "");
const alice = { user: env("A_USER"), email: env("A_EMAIL"), password: env("A_PASSWORD") };
const bob = { user: env("B_USER"), email: env("B_EMAIL"), password: env("B_PASSWORD") };
const carol = { user: env("C_USER"), token: env("C_TOKEN") };
const hostOf = (u) => new URL(u).host;
const RUN = crypto.randomBytes(3).toString("hex"); // makes every text unique
const TIMEOUT = 15_000;

// ---------------------------------------------------------------- the runner

const results = [];
const done = new Map(); // step name -> value returned (only for passed steps)

async function step(name, deps, fn) {
  const missing = deps.filter((d) => !done.has(d));
  if (missing.length) {
    results.push({ name, status: "SKIP", why: `needs ${missing.join(", ")}` });
    console.log(`SKIP ${name} (needs ${missing.join(", ")})`);
    return undefined;
  }
  const t0 = Date.now();
  try {
    const v = await withTimeout(fn(), 70_000, name);
    done.set(name, v ?? true);
    results.push({ name, status: "PASS" });
    console.log(`PASS ${name} (${Date.now() - t0} ms)`);
    return v;
  } catch (err) {
    results.push({ name, status: "FAIL", why: describe(err) });
    console.log(`FAIL ${name}: ${describe(err)}`);
    return undefined;
  }
}

function describe(err) {
  if (err == null) return String(err);
  const parts = [];
  if (err.name && err.name !== "Error") parts.push(err.name);
  if (err.statusCode) parts.push(`HTTP ${err.statusCode}`);
  if (err.response?.status) parts.push(`HTTP ${err.response.status} ${err.config?.method?.toUpperCase() ?? ""} ${err.config?.url ?? ""}`);
  parts.push(err.message ?? String(err));
  if (err.response?.data) parts.push(`body: ${JSON.stringify(err.response.data).slice(0, 300)}`);
  if (err.description && err.description !== err.message) parts.push(`description: ${err.description}`);
  if (err.cause) parts.push(`cause: ${err.cause.message ?? err.cause}`);
  return parts.join(" — ").replace(/\s+/g, " ");
}

function withTimeout(p, ms, what) {
  let timer;
  return Promise.race([
    p,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function poll(what, fn, ms = 20_000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${describe(last)})` : ""}`);
}

// --------------------------------------------------- entity shape assertions

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const isURL = (v) => typeof v === "string" && /^https?:\/\//.test(v);

// masto camelCases keys; megalodon passes snake_case through.
function checkAccount(a, where) {
  assert.ok(a && typeof a === "object", `${where}: account is ${JSON.stringify(a)}`);
  assert.equal(typeof a.id, "string", `${where}: account.id must be a string`);
  assert.equal(typeof a.username, "string", `${where}: account.username`);
  assert.equal(typeof a.acct, "string", `${where}: account.acct`);
  for (const k of ["url", "avatar", "header"]) assert.ok(isURL(a[k]), `${where}: account.${k} = ${a[k]}`);
  const created = a.createdAt ?? a.created_at;
  assert.match(String(created), ISO, `${where}: account created_at`);
  assert.ok(Array.isArray(a.fields), `${where}: account.fields must be an array`);
  assert.ok(Array.isArray(a.emojis), `${where}: account.emojis must be an array`);
}

function checkStatus(s, where) {
  assert.ok(s && typeof s === "object", `${where}: status is ${JSON.stringify(s)}`);
  assert.equal(typeof s.id, "string", `${where}: status.id must be a string`);
  assert.match(String(s.createdAt ?? s.created_at), ISO, `${where}: status created_at`);
  assert.equal(typeof s.content, "string", `${where}: status.content`);
  assert.ok(["public", "unlisted", "private", "direct"].includes(s.visibility), `${where}: visibility ${s.visibility}`);
  assert.ok(isURL(s.uri), `${where}: status.uri = ${s.uri}`);
  for (const k of s.createdAt !== undefined ? ["mediaAttachments", "mentions", "tags", "emojis"] : ["media_attachments", "mentions", "tags", "emojis"])
    assert.ok(Array.isArray(s[k]), `${where}: status.${k} must be an array, got ${JSON.stringify(s[k])}`);
  checkAccount(s.account, `${where}: status.account`);
}

function checkNotification(n, where) {
  assert.equal(typeof n.id, "string", `${where}: notification.id`);
  assert.equal(typeof n.type, "string", `${where}: notification.type`);
  assert.match(String(n.createdAt ?? n.created_at), ISO, `${where}: notification created_at`);
  checkAccount(n.account, `${where}: notification.account`);
}

const text = (html) => html.replace(/<[^>]*>/g, "").replace(/&amp;/g, "&").replace(/&#39;/g, "'").replace(/&quot;/g, '"');

async function expectHttpError(p, status, where) {
  try {
    const v = await p;
    assert.fail(`${where}: expected HTTP ${status}, got a value ${JSON.stringify(v).slice(0, 200)}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    const got = err.statusCode ?? err.response?.status;
    assert.equal(got, status, `${where}: expected HTTP ${status}: ${describe(err)}`);
    return err;
  }
}

// ------------------------------------------------------------ OAuth, scripted

class Browser {
  constructor() {
    this.cookies = new Map();
  }
  async fetch(url, init = {}) {
    const headers = new Headers(init.headers ?? {});
    if (this.cookies.size) headers.set("Cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=(0|-)/i.test(a)) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
}

const unescapeHTML = (s) =>
  s.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&#x2F;/gi, "/").replace(/&#43;/g, "+");

function attrs(tag) {
  const out = {};
  for (const m of tag.matchAll(/([a-zA-Z_:-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/g)) out[m[1].toLowerCase()] = unescapeHTML(m[3] ?? m[4] ?? m[5]);
  return out;
}

// parseForm returns the first POST form: its absolute action, its fields
// (hidden and pre-filled inputs) and its submit buttons.
function parseForm(html, pageURL) {
  const m = html.match(/<form\b([^>]*)>([\s\S]*?)<\/form>/i);
  assert.ok(m, `no <form> on ${pageURL}:\n${html.slice(0, 800)}`);
  const form = attrs(m[1]);
  assert.equal((form.method ?? "get").toLowerCase(), "post", `form method on ${pageURL}`);
  const fields = {};
  const inputs = [];
  for (const im of m[2].matchAll(/<input\b[^>]*>/gi)) {
    const a = attrs(im[0]);
    inputs.push(a);
    if (a.name && a.type !== "submit") fields[a.name] = a.value ?? "";
  }
  const buttons = [...m[2].matchAll(/<button\b([^>]*)>/gi)].map((b) => attrs(b[1]));
  return { action: new URL(form.action ?? pageURL, pageURL).href, fields, inputs, buttons };
}

const b64url = (buf) => Buffer.from(buf).toString("base64url");

// signIn drives the HTML pages of GET /oauth/authorize like a browser would,
// and returns the authorization code for authURL (already carrying
// client_id, redirect_uri, scope, state and maybe PKCE).
async function signIn(authURL, who, redirectURI, state) {
  const browser = new Browser();
  let res = await browser.fetch(authURL);
  let html = await res.text();
  assert.equal(res.status, 200, `GET ${authURL}: HTTP ${res.status}\n${html.slice(0, 500)}`);
  assert.match(res.headers.get("content-type") ?? "", /text\/html/, "sign-in page content type");
  const signin = parseForm(html, res.url || authURL);
  const csrf = Object.keys(signin.fields).find((k) => /csrf|authenticity/i.test(k));
  assert.ok(csrf, `sign-in form has no CSRF field: ${JSON.stringify(signin.inputs)}`);
  assert.ok(signin.fields[csrf].length >= 16, "CSRF token too short");
  assert.ok(browser.cookies.size > 0, "sign-in page set no cookie");
  const login = signin.inputs.find((i) => ["email", "username", "user[email]"].includes(i.name) || i.type === "email");
  const pass = signin.inputs.find((i) => i.type === "password");
  assert.ok(login && pass, `sign-in form lacks login/password inputs: ${JSON.stringify(signin.inputs)}`);

  // A wrong CSRF token is refused.
  {
    const bad = new Browser();
    bad.cookies = new Map(browser.cookies);
    const body = new URLSearchParams({ ...signin.fields, [csrf]: "x".repeat(43), [login.name]: who.email, [pass.name]: who.password });
    const r = await bad.fetch(signin.action, { method: "POST", body });
    assert.ok(r.status >= 400, `sign-in with a forged CSRF token answered HTTP ${r.status}`);
  }

  const body = new URLSearchParams({ ...signin.fields, [login.name]: who.email, [pass.name]: who.password });
  res = await browser.fetch(signin.action, { method: "POST", body });
  html = await res.text();
  assert.ok([302, 303].includes(res.status), `POST ${signin.action}: HTTP ${res.status}, want a redirect to the authorize page\n${html.slice(0, 500)}`);
  const next = new URL(res.headers.get("location"), signin.action).href;

  res = await browser.fetch(next);
  html = await res.text();
  assert.equal(res.status, 200, `GET ${next}: HTTP ${res.status}\n${html.slice(0, 500)}`);
  assert.match(html, new RegExp(`@${who.user}\\b`), "authorize page names the signed-in user");
  const consent = parseForm(html, next);
  const approve = consent.buttons.find((b) => /approve|authori[sz]e|allow/i.test(b.value ?? ""));
  assert.ok(approve, `no approve button: ${JSON.stringify(consent.buttons)}`);
  const fields = { ...consent.fields };
  if (approve.name) fields[approve.name] = approve.value;
  res = await browser.fetch(consent.action, { method: "POST", body: new URLSearchParams(fields) });
  html = await res.text();

  if (redirectURI === "urn:ietf:wg:oauth:2.0:oob") {
    assert.equal(res.status, 200, `approve (oob): HTTP ${res.status}\n${html.slice(0, 500)}`);
    const m = html.match(/id="code"[^>]*>([^<]+)</) ?? html.match(/class="oauth-code"[^>]*value="([^"]+)"/);
    assert.ok(m, `oob page shows no code:\n${html.slice(0, 800)}`);
    return m[1].trim();
  }
  assert.equal(res.status, 302, `approve: HTTP ${res.status}, want 302 to ${redirectURI}\n${html.slice(0, 500)}`);
  const loc = res.headers.get("location");
  assert.ok(loc.startsWith(redirectURI + "?"), `Location ${loc} does not go back to ${redirectURI}`);
  const q = new URLSearchParams(loc.slice(redirectURI.length + 1));
  assert.equal(q.get("state"), state, "state is echoed");
  assert.ok(q.get("code"), `no code in ${loc}`);
  return q.get("code");
}

// oauthLogin is the masto way: app by masto, HTML pages by fetch, token by masto with PKCE.
async function oauthLogin(base, who) {
  const redirectURI = "rounds-test://cb";
  const anon = createRestAPIClient({ url: base, timeout: TIMEOUT });
  const app = await anon.v1.apps.create({
    clientName: `Rounds e2e ${RUN}`,
    redirectUris: redirectURI,
    scopes: "read write follow push",
    website: "https://example.org/e2e",
  });
  assert.equal(app.name, `Rounds e2e ${RUN}`, "app.name");
  assert.ok(app.clientId && app.clientSecret, `app lacks client_id/secret: ${JSON.stringify(app)}`);
  assert.equal(typeof app.id, "string", "app.id is a string");

  const verifier = b64url(crypto.randomBytes(32));
  const challenge = b64url(crypto.createHash("sha256").update(verifier).digest());
  const state = b64url(crypto.randomBytes(9));
  const authURL = new URL("/oauth/authorize", base);
  authURL.search = new URLSearchParams({
    response_type: "code", client_id: app.clientId, redirect_uri: redirectURI,
    scope: "read write follow push", state, code_challenge: challenge, code_challenge_method: "S256",
  }).toString();
  const code = await signIn(authURL.href, who, redirectURI, state);

  const oauth = createOAuthAPIClient({ url: base, timeout: TIMEOUT });
  const token = await oauth.token.create({
    grantType: "authorization_code", clientId: app.clientId, clientSecret: app.clientSecret,
    redirectUri: redirectURI, code, codeVerifier: verifier, scope: "read write follow push",
  });
  assert.ok(token.accessToken, `no access_token: ${JSON.stringify(token)}`);
  assert.equal(token.tokenType?.toLowerCase(), "bearer", "token_type");
  assert.match(token.scope, /read/, "token scope");
  assert.equal(typeof token.createdAt, "number", "token created_at is a number");

  // Replaying the code fails.
  await expectHttpError(oauth.token.create({
    grantType: "authorization_code", clientId: app.clientId, clientSecret: app.clientSecret,
    redirectUri: redirectURI, code, codeVerifier: verifier,
  }), 400, "replayed code");
  return { app, token: token.accessToken };
}

// ---------------------------------------------------------------- fixtures

// A valid 2x2 RGB PNG made here, byte by byte.
function tinyPNG() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0); // width
  ihdr.writeUInt32BE(2, 4); // height
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const raw = Buffer.from([0, 200, 30, 30, 30, 200, 30, 0, 30, 30, 200, 240, 240, 240]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("tEXt", Buffer.from("Comment\0patient MRN 1234 — must be stripped")),
    chunk("IDAT", zlib.deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------- the day

console.log(`Rounds client e2e: A=${A} B=${B} run=${RUN}`);
const bobAcct = `${bob.user}@${hostOf(B)}`;
let masto, mastoB, mastoC, mastoAnon;
let me, bobOnA;
const posts = {};

await step("oauth: alice signs in on A (app, sign-in form, CSRF, consent, code, PKCE token)", [], async () => {
  const { token } = await oauthLogin(A, alice);
  masto = createRestAPIClient({ url: A, accessToken: token, timeout: TIMEOUT, mediaTimeout: 15_000 });
  return token;
});
const tokenA = done.get("oauth: alice signs in on A (app, sign-in form, CSRF, consent, code, PKCE token)");
const OAUTH_A = "oauth: alice signs in on A (app, sign-in form, CSRF, consent, code, PKCE token)";

await step("oauth: bob signs in on B", [], async () => {
  const { token } = await oauthLogin(B, bob);
  mastoB = createRestAPIClient({ url: B, accessToken: token, timeout: TIMEOUT });
  return token;
});
const OAUTH_B = "oauth: bob signs in on B";
mastoC = createRestAPIClient({ url: A, accessToken: carol.token, timeout: TIMEOUT });
mastoAnon = createRestAPIClient({ url: A, timeout: TIMEOUT });

await step("masto: apps.verifyCredentials and a bad token is 401", [OAUTH_A], async () => {
  const app = await masto.v1.apps.verifyCredentials();
  assert.equal(app.name, `Rounds e2e ${RUN}`, "verify app name");
  const bad = createRestAPIClient({ url: A, accessToken: "not-a-token", timeout: TIMEOUT });
  const err = await expectHttpError(bad.v1.accounts.verifyCredentials(), 401, "bad token");
  assert.ok(err.message, "401 carries an error message");
});

await step("masto: instance v2 (version, streaming URL)", [], async () => {
  const inst = await mastoAnon.v2.instance.fetch();
  assert.match(inst.version, /^4\.\d+\.\d+ \(compatible; Rounds /, `version ${inst.version}`);
  assert.equal(inst.domain, hostOf(A), "instance domain");
  assert.match(inst.configuration.urls.streaming, /^wss?:\/\//, `streaming url ${inst.configuration.urls.streaming}`);
  return inst.configuration.urls.streaming;
});

await step("masto: verify_credentials", [OAUTH_A], async () => {
  me = await masto.v1.accounts.verifyCredentials();
  checkAccount(me, "verify_credentials");
  assert.equal(me.username, alice.user);
  assert.equal(me.acct, alice.user, "local acct has no domain");
  assert.ok(me.source, "verify_credentials has source");
  assert.ok(Array.isArray(me.source.fields), "source.fields is an array");
  return me;
});

await step("masto: update_credentials (display_name, note, fields)", ["masto: verify_credentials"], async () => {
  const updated = await masto.v1.accounts.updateCredentials({
    displayName: `Dr Alice ${RUN}`,
    note: "Hospitalist. Posts about #sepsis & ward rounds.",
    fieldsAttributes: [
      { name: "Specialty", value: "Internal medicine" },
      { name: "Hospital", value: "St Elsewhere" },
    ],
  });
  checkAccount(updated, "update_credentials");
  assert.equal(updated.displayName, `Dr Alice ${RUN}`);
  assert.match(text(updated.note), /Hospitalist\. Posts about #sepsis & ward rounds\./, `note ${updated.note}`);
  assert.deepEqual(updated.fields.map((f) => [f.name, text(f.value)]), [["Specialty", "Internal medicine"], ["Hospital", "St Elsewhere"]]);
  assert.equal(updated.source?.note, "Hospitalist. Posts about #sepsis & ward rounds.", "source.note is the plain text");
  const again = await masto.v1.accounts.verifyCredentials();
  assert.equal(again.displayName, `Dr Alice ${RUN}`, "verify_credentials after update");
  const pub = await mastoC.v1.accounts.$select(me.id).fetch();
  assert.equal(pub.displayName, `Dr Alice ${RUN}`, "others see the new display name");
  assert.equal(pub.fields.length, 2, "others see the fields");
});

await step("masto: upload media (v2.media.create) and post with it", ["masto: verify_credentials"], async () => {
  const png = tinyPNG();
  const media = await masto.v2.media.create({ file: new Blob([png], { type: "image/png" }), description: "2x2 test image" });
  assert.equal(typeof media.id, "string", "media.id");
  assert.equal(media.type, "image", `media.type ${media.type}`);
  assert.ok(isURL(media.url), `media.url ${media.url}`);
  assert.equal(media.description, "2x2 test image");
  const st = await masto.v1.statuses.create(
    { status: `Image of the day ${RUN}`, visibility: "public", mediaIds: [media.id] },
    { requestInit: { headers: { "Idempotency-Key": `media-${RUN}` } } },
  );
  checkStatus(st, "status with media");
  assert.equal(st.mediaAttachments.length, 1, "one attachment");
  assert.equal(st.mediaAttachments[0].type, "image", "attachment type");
  assert.equal(st.mediaAttachments[0].id, media.id, "attachment id");
  const res = await fetch(st.mediaAttachments[0].url);
  assert.equal(res.status, 200, `GET ${st.mediaAttachments[0].url}`);
  assert.match(res.headers.get("content-type") ?? "", /^image\//, "media content type");
  const body = Buffer.from(await res.arrayBuffer());
  assert.ok(!body.includes("patient MRN"), "image metadata (tEXt) is stripped");
  if (st.mediaAttachments[0].previewUrl) {
    const p = await fetch(st.mediaAttachments[0].previewUrl);
    assert.equal(p.status, 200, `GET preview ${st.mediaAttachments[0].previewUrl}`);
  }
  // Idempotency-Key: the same request returns the same status.
  const again = await masto.v1.statuses.create(
    { status: `Image of the day ${RUN}`, visibility: "public", mediaIds: [media.id] },
    { requestInit: { headers: { "Idempotency-Key": `media-${RUN}` } } },
  );
  assert.equal(again.id, st.id, "Idempotency-Key returns the first status");
  posts.media = st;
});

await step("masto: reply thread and context", ["masto: verify_credentials"], async () => {
  const root = await masto.v1.statuses.create({ status: `Case discussion ${RUN}: fever after surgery`, visibility: "public" });
  checkStatus(root, "root");
  assert.equal(root.inReplyToId, null, "root has no parent");
  const reply = await mastoC.v1.statuses.create({ status: `@${alice.user} check the wound first ${RUN}`, inReplyToId: root.id, visibility: "public" });
  checkStatus(reply, "reply");
  assert.equal(reply.inReplyToId, root.id, "reply.in_reply_to_id");
  assert.equal(reply.inReplyToAccountId, me.id, "reply.in_reply_to_account_id");
  assert.ok(reply.mentions.some((m) => m.id === me.id), "reply mentions alice");
  const own = await masto.v1.statuses.create({ status: `Agreed, and cultures ${RUN}`, inReplyToId: reply.id, visibility: "public" });
  assert.equal(own.inReplyToId, reply.id);
  const ctx = await masto.v1.statuses.$select(own.id).context.fetch();
  assert.deepEqual(ctx.ancestors.map((s) => s.id), [root.id, reply.id], "ancestors oldest first");
  assert.deepEqual(ctx.descendants, [], "no descendants");
  ctx.ancestors.forEach((s, i) => checkStatus(s, `ancestor ${i}`));
  const rootCtx = await masto.v1.statuses.$select(root.id).context.fetch();
  assert.deepEqual(rootCtx.ancestors, [], "root has no ancestors");
  assert.deepEqual(rootCtx.descendants.map((s) => s.id), [reply.id, own.id], "descendants in thread order");
  posts.root = root;
  posts.reply = reply;
});

await step("masto: favourite, boost, bookmark", ["masto: reply thread and context"], async () => {
  const fav = await masto.v1.statuses.$select(posts.reply.id).favourite();
  checkStatus(fav, "favourite");
  assert.equal(fav.id, posts.reply.id);
  assert.equal(fav.favourited, true, "favourited");
  assert.equal(fav.favouritesCount, 1, "favourites_count");
  const favBy = await masto.v1.statuses.$select(posts.reply.id).favouritedBy.list();
  assert.ok(favBy.some((a) => a.id === me.id), "favourited_by lists alice");

  const boost = await masto.v1.statuses.$select(posts.reply.id).reblog();
  checkStatus(boost, "reblog");
  assert.ok(boost.reblog, "reblog returns the wrapper status with .reblog");
  assert.equal(boost.reblog.id, posts.reply.id, "reblog.reblog.id");
  assert.equal(boost.reblog.reblogged, true, "reblogged");
  assert.equal(boost.account.id, me.id, "the boost is alice's");

  const bm = await masto.v1.statuses.$select(posts.reply.id).bookmark();
  assert.equal(bm.bookmarked, true, "bookmarked");
  const marks = await masto.v1.bookmarks.list({ limit: 10 });
  assert.ok(marks.some((s) => s.id === posts.reply.id), "bookmarks list contains the status");
  const fetched = await masto.v1.statuses.$select(posts.reply.id).fetch();
  assert.equal(fetched.favourited && fetched.reblogged && fetched.bookmarked, true, "GET shows favourited/reblogged/bookmarked");
  const favs = await masto.v1.favourites.list();
  assert.ok(favs.some((s) => s.id === posts.reply.id), "favourites list contains the status");
});

await step("masto: follow bob on B (search resolve=true, follow, relationship)", ["masto: verify_credentials", OAUTH_B], async () => {
  const res = await masto.v2.search.fetch({ q: bobAcct, resolve: true, type: "accounts" });
  assert.ok(Array.isArray(res.accounts) && Array.isArray(res.statuses) && Array.isArray(res.hashtags), "search result arrays");
  bobOnA = res.accounts.find((a) => a.acct === bobAcct);
  assert.ok(bobOnA, `search did not resolve ${bobAcct}: ${JSON.stringify(res.accounts.map((a) => a.acct))}`);
  checkAccount(bobOnA, "resolved bob");
  assert.equal(bobOnA.url.startsWith(B) || bobOnA.url.startsWith("http"), true);
  const rel = await masto.v1.accounts.$select(bobOnA.id).follow();
  assert.equal(rel.id, bobOnA.id, "relationship id");
  assert.ok(rel.following || rel.requested, `after follow: ${JSON.stringify(rel)}`);
  await poll("relationship.following", async () => {
    const [r] = await masto.v1.accounts.relationships.fetch({ id: [bobOnA.id] });
    return r?.id === bobOnA.id && r.following === true;
  });
  const following = await masto.v1.accounts.$select(me.id).following.list();
  assert.ok(following.some((a) => a.id === bobOnA.id), "following list has bob");
});

await step("masto: bob posts on B and it reaches alice's home", ["masto: follow bob on B (search resolve=true, follow, relationship)"], async () => {
  const st = await mastoB.v1.statuses.create({ status: `Bob on B says hi ${RUN}`, visibility: "public" });
  checkStatus(st, "bob's status");
  const got = await poll("bob's post in alice's home", async () => {
    const home = await masto.v1.timelines.home.list({ limit: 20 });
    return home.find((s) => text(s.content).includes(`Bob on B says hi ${RUN}`));
  });
  checkStatus(got, "federated status in home");
  assert.equal(got.account.acct, bobAcct, "federated status account.acct");
});

await step("masto: home timeline pagination (limit=2, Link next)", ["masto: reply thread and context"], async () => {
  const pages = [];
  for await (const page of masto.v1.timelines.home.list({ limit: 2 })) {
    pages.push(page);
    if (pages.length === 3 || page.length === 0) break;
  }
  assert.equal(pages[0].length, 2, "first page has 2");
  assert.ok(pages.length >= 2 && pages[1].length > 0, `a second page via Link rel=next: ${pages.map((p) => p.length)}`);
  const ids = pages.flat().map((s) => s.id);
  assert.equal(new Set(ids).size, ids.length, "pages do not overlap");
  const sorted = [...ids].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1));
  assert.deepEqual(ids, sorted, "newest first across pages");
  pages.flat().forEach((s, i) => checkStatus(s, `home[${i}]`));
  // The raw Link header is absolute with quoted rel.
  const res = await fetch(`${A}/api/v1/timelines/home?limit=2`, { headers: { Authorization: `Bearer ${tokenA}` } });
  const link = res.headers.get("link") ?? "";
  assert.match(link, /<http:\/\/[^>]+max_id=\d+[^>]*>; rel="next"/, `Link: ${link}`);
  assert.match(link, /<http:\/\/[^>]+min_id=\d+[^>]*>; rel="prev"/, `Link: ${link}`);
});

await step("masto: notifications with pagination", ["masto: reply thread and context"], async () => {
  // carol gives alice more reasons to look at her phone.
  await mastoC.v1.statuses.$select(posts.root.id).favourite();
  await mastoC.v1.statuses.$select(posts.root.id).reblog();
  await mastoC.v1.accounts.$select(me.id).follow();
  const all = await poll("4 notifications from carol", async () => {
    const list = await masto.v1.notifications.list({ limit: 30 });
    const types = new Set(list.filter((n) => n.account.acct === carol.user).map((n) => n.type));
    return ["mention", "favourite", "reblog", "follow"].every((t) => types.has(t)) && list;
  });
  all.forEach((n, i) => checkNotification(n, `notification[${i}]`));
  const mention = all.find((n) => n.type === "mention" && n.account.acct === carol.user);
  assert.equal(mention.status?.id, posts.reply.id, "mention notification carries the status");
  const pages = [];
  for await (const page of masto.v1.notifications.list({ limit: 2 })) {
    pages.push(page);
    if (pages.length === 2) break;
  }
  assert.equal(pages[0].length, 2, "first page has 2");
  assert.ok(pages[1]?.length > 0, "second page via Link");
  const ids = pages.flat().map((n) => n.id);
  assert.deepEqual(ids, all.slice(0, ids.length).map((n) => n.id), "paged ids equal the unpaged list");
  const follows = await masto.v1.notifications.list({ types: ["follow"] });
  assert.ok(follows.length > 0 && follows.every((n) => n.type === "follow"), "types[]=follow filter");
  const one = await masto.v1.notifications.$select(mention.id).fetch();
  assert.equal(one.id, mention.id, "GET /notifications/:id");
});

await step("masto: streaming update over WebSocket (own post and bob's)", ["masto: verify_credentials"], async () => {
  const streamingApiUrl = done.get("masto: instance v2 (version, streaming URL)") ?? A.replace(/^http/, "ws");
  const streaming = createStreamingAPIClient({ streamingApiUrl, accessToken: tokenA, retry: 1, log: process.env.MASTO_LOG ?? "error" });
  const seen = [];
  const sub = streaming.user.subscribe();
  const want = (t) => seen.find((e) => e.event === "update" && text(e.payload.content).includes(t));
  const reader = (async () => {
    for await (const ev of sub) {
      assert.ok(Array.isArray(ev.stream), "event.stream is an array");
      seen.push(ev);
    }
  })();
  reader.catch((err) => seen.push({ event: "error", err }));
  try {
    // masto subscribes once the socket is open, and the server sends no ack:
    // post until one of ours comes back (the first connect can take a moment).
    let own, ev;
    for (let i = 1; i <= 6 && !ev; i++) {
      own = await masto.v1.statuses.create({ status: `Streaming own ${RUN} try ${i}`, visibility: "public" });
      ev = await poll("own update on the user stream", async () => {
        const e = seen.find((x) => x.event === "error");
        if (e) throw e.err;
        return seen.find((x) => x.event === "update" && x.payload.id === own.id);
      }, 2_500).catch((err) => (/timed out/.test(err.message) ? undefined : Promise.reject(err)));
    }
    if (ev) console.log(`     (user stream: own post "${text(own.content)}" was the first to arrive)`);
    assert.ok(ev, `none of 6 own posts arrived on the user stream; events seen: ${JSON.stringify(seen.map((e) => e.event))}`);
    assert.ok(text(ev.payload.content).includes(`Streaming own ${RUN}`), "streamed content");
    checkStatus(ev.payload, "streamed status");
    if (mastoB && done.has("masto: follow bob on B (search resolve=true, follow, relationship)")) {
      await mastoB.v1.statuses.create({ status: `Streaming from B ${RUN}`, visibility: "public" });
      const evB = await poll("bob's update on alice's user stream", async () => want(`Streaming from B ${RUN}`), 15_000);
      assert.equal(evB.payload.account.acct, bobAcct, "streamed remote status account");
    }
    // A favourite from carol arrives as a notification event.
    await mastoC.v1.statuses.$select(own.id).favourite();
    const n = await poll("notification event", async () =>
      seen.find((e) => e.event === "notification" && e.payload.type === "favourite" && e.payload.status?.id === own.id), 10_000);
    checkNotification(n.payload, "streamed notification");
    // Deleting produces a delete event with the id.
    await masto.v1.statuses.$select(own.id).remove();
    await poll("delete event", async () => seen.find((e) => e.event === "delete" && e.payload === own.id), 10_000);
  } finally {
    streaming.close();
  }
});

await step("masto: delete a status, then GET is 404", ["masto: verify_credentials"], async () => {
  const st = await masto.v1.statuses.create({ status: `Posted in error ${RUN}`, visibility: "public" });
  const deleted = await masto.v1.statuses.$select(st.id).remove();
  assert.equal(deleted.id, st.id, "DELETE returns the status");
  assert.equal(text(deleted.text ?? ""), `Posted in error ${RUN}`, "DELETE returns the source text for redraft");
  const err = await expectHttpError(masto.v1.statuses.$select(st.id).fetch(), 404, "GET deleted status");
  assert.ok(err.message, "404 error message");
  const home = await masto.v1.timelines.home.list({ limit: 40 });
  assert.ok(!home.some((s) => s.id === st.id), "deleted status is gone from home");
});

// --------------------------------------------------------------- megalodon

let mega;
await step("megalodon: registerApp, sign in (oob, no PKCE), fetchAccessToken", [], async () => {
  const anon = generator("mastodon", A);
  const appData = await anon.registerApp(`Rounds megalodon ${RUN}`, { scopes: ["read", "write", "follow"], website: "https://example.org" });
  assert.ok(appData.client_id && appData.client_secret, `appData: ${JSON.stringify(appData)}`);
  assert.ok(appData.url.startsWith(`${A}/oauth/authorize?`), `authorize url ${appData.url}`);
  const code = await signIn(appData.url, alice, "urn:ietf:wg:oauth:2.0:oob");
  const tok = await anon.fetchAccessToken(appData.client_id, appData.client_secret, code, "urn:ietf:wg:oauth:2.0:oob");
  assert.ok(tok.access_token, `token: ${JSON.stringify(tok)}`);
  mega = generator("mastodon", A, tok.access_token);
});

const MEGA = "megalodon: registerApp, sign in (oob, no PKCE), fetchAccessToken";
if (!mega && tokenA) mega = generator("mastodon", A, tokenA); // still run the rest with masto's token

await step("megalodon: verifyAccountCredentials", [OAUTH_A], async () => {
  const res = await mega.verifyAccountCredentials();
  assert.equal(res.status, 200);
  checkAccount(res.data, "megalodon verify");
  assert.equal(res.data.username, alice.user);
});

await step("megalodon: postStatus, getStatus, favouriteStatus (by carol)", [OAUTH_A], async () => {
  const res = await mega.postStatus(`Megalodon says hello ${RUN}`, { visibility: "unlisted" });
  const st = res.data;
  checkStatus(st, "megalodon post");
  assert.equal(st.visibility, "unlisted");
  assert.match(text(st.content), new RegExp(`Megalodon says hello ${RUN}`));
  const got = await mega.getStatus(st.id);
  assert.equal(got.data.id, st.id);
  const megaC = generator("mastodon", A, carol.token);
  const fav = await megaC.favouriteStatus(st.id);
  assert.equal(fav.data.favourited, true, "favourited (as carol)");
  const mine = await mega.favouriteStatus(st.id);
  assert.equal(mine.data.favourited, true, "favourited (as alice)");
  assert.equal(mine.data.favourites_count, 2, "favourites_count");
  posts.mega = st;
});

await step("megalodon: getHomeTimeline (limit, max_id via Link)", ["megalodon: postStatus, getStatus, favouriteStatus (by carol)"], async () => {
  const res = await mega.getHomeTimeline({ limit: 2 });
  assert.equal(res.data.length, 2);
  res.data.forEach((s, i) => checkStatus(s, `megalodon home[${i}]`));
  assert.equal(res.data[0].id, posts.mega.id, "newest first: the megalodon post");
  const link = res.headers.link ?? res.headers.Link;
  const next = /<([^>]+)>;\s*rel="next"/.exec(link ?? "");
  assert.ok(next, `Link header: ${link}`);
  const maxID = new URL(next[1]).searchParams.get("max_id");
  const res2 = await mega.getHomeTimeline({ limit: 2, max_id: maxID });
  assert.ok(res2.data.length > 0, "second page");
  assert.ok(res2.data.every((s) => BigInt(s.id) < BigInt(res.data[1].id)), "second page is older");
});

await step("megalodon: getNotifications (pagination, favourite from carol)", ["megalodon: postStatus, getStatus, favouriteStatus (by carol)"], async () => {
  const n = await poll("carol's favourite notification", async () => {
    const res = await mega.getNotifications({ limit: 10 });
    return res.data.find((x) => x.type === "favourite" && x.status?.id === posts.mega.id);
  });
  checkNotification(n, "megalodon notification");
  assert.equal(n.account.acct, carol.user);
  const p1 = await mega.getNotifications({ limit: 2 });
  assert.equal(p1.data.length, 2);
  const p2 = await mega.getNotifications({ limit: 2, max_id: p1.data[1].id });
  assert.ok(p2.data.length > 0 && p2.data.every((x) => BigInt(x.id) < BigInt(p1.data[1].id)), "max_id page");
  const ex = await mega.getNotifications({ exclude_types: ["favourite", "mention"] });
  assert.ok(ex.data.every((x) => x.type !== "favourite" && x.type !== "mention"), "exclude_types");
});

await step("megalodon: userStreaming receives an update", [OAUTH_A], async () => {
  const stream = await mega.userStreaming();
  const events = [];
  try {
    await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("no 'connect' within 10 s")), 10_000);
      stream.on("connect", () => { clearTimeout(t); resolve(); });
      stream.on("error", (err) => { clearTimeout(t); reject(err instanceof Error ? err : new Error(String(err))); });
    });
    stream.on("update", (s) => events.push(["update", s]));
    stream.on("notification", (n) => events.push(["notification", n]));
    stream.on("delete", (id) => events.push(["delete", id]));
    stream.on("parser-error", (e) => events.push(["parser-error", e]));
    await sleep(200);
    const st = (await mega.postStatus(`Megalodon streaming ${RUN}`, { visibility: "public" })).data;
    const [, got] = await poll("megalodon update event", async () => events.find(([k, s]) => k === "update" && s.id === st.id), 10_000);
    checkStatus(got, "megalodon streamed status");
    await mega.deleteStatus(st.id);
    await poll("megalodon delete event", async () => events.find(([k, id]) => k === "delete" && id === st.id), 10_000);
    const perr = events.find(([k]) => k === "parser-error");
    assert.ok(!perr, `parser error: ${perr?.[1]?.message}`);
  } finally {
    stream.stop();
  }
});

await step("megalodon: local streaming receives a public post", [OAUTH_A], async () => {
  const stream = await mega.localStreaming();
  const events = [];
  try {
    await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("no 'connect' within 10 s")), 10_000);
      stream.on("connect", () => { clearTimeout(t); resolve(); });
      stream.on("error", (err) => { clearTimeout(t); reject(err instanceof Error ? err : new Error(String(err))); });
    });
    stream.on("update", (s) => events.push(s));
    await sleep(200);
    const st = (await generator("mastodon", A, carol.token).postStatus(`Carol local ${RUN}`, { visibility: "public" })).data;
    await poll("public:local update", async () => events.find((s) => s.id === st.id), 10_000);
  } finally {
    stream.stop();
  }
});

// ---------------------------------------------------------------- summary

const count = (s) => results.filter((r) => r.status === s).length;
console.log("\n---- results ----");
for (const r of results) console.log(`${r.status} ${r.name}${r.why ? `\n     ${r.why}` : ""}`);
console.log(`\nSUMMARY: ${count("PASS")} passed, ${count("FAIL")} failed, ${count("SKIP")} skipped of ${results.length} steps`);
process.exit(count("FAIL") + count("SKIP") > 0 ? 1 : 0);
