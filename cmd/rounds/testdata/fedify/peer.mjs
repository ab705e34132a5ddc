// A Fedify peer for cmd/rounds/fedify_interop_test.go.
//
// It serves one Person, "fedi", on http://127.0.0.1:PORT and reports what
// reaches its inboxes as JSON lines on stdout:
//
//   {"event":"ready","port":N}                 listening
//   {"event":"accepted","actor":…,"follow":…}  a signed Accept of our Follow
//   {"event":"note","actor":…,"content":…}     a signed Create{Note}
//   {"event":"followed","actor":…}             a Follow, already Accepted
//   {"event":"error","message":…}              anything that went wrong
//
// Fedify verifies every incoming signature (skipSignatureVerification is
// false), so an event above means the delivery passed Fedify's checks.
// The test drives the peer with POSTs of JSON to a small control API:
//
//   /_test/follow   {"account":"alice@host"}               send Follow
//   /_test/mention  {"account":"alice@host","text":"…"}    send Create{Note}
//
// Fedify resolves acct: over https only, so the control API does WebFinger
// itself over http and hands Fedify the actor URL. The peer exits when its
// stdin closes. Fedify's own warnings (a rejected signature, say) go to
// stderr, which the test prints when it fails.
import http from "node:http";
import { Writable } from "node:stream";
import { configure, getStreamSink } from "@logtape/logtape";
import {
  Accept,
  Create,
  Endpoints,
  Follow,
  Mention,
  MemoryKvStore,
  Note,
  Person,
  PUBLIC_COLLECTION,
  createFederation,
  generateCryptoKeyPair,
  isActor,
} from "@fedify/fedify";

const NAME = "fedi";

await configure({
  sinks: { stderr: getStreamSink(Writable.toWeb(process.stderr)) },
  loggers: [
    { category: "fedify", sinks: ["stderr"], lowestLevel: "warning" },
    { category: ["logtape", "meta"], sinks: ["stderr"], lowestLevel: "error" },
  ],
});

function emit(event, fields = {}) {
  process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");
}

const federation = createFederation({
  kv: new MemoryKvStore(),
  allowPrivateAddress: true,
  skipSignatureVerification: false,
});
const keys = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== NAME) return null;
    const [pair] = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Fedify peer",
      url: ctx.getActorUri(identifier),
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: pair.cryptographicKey,
      assertionMethods: [pair.multikey],
    });
  })
  .setKeyPairsDispatcher((_ctx, identifier) => identifier === NAME ? [keys] : []);

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Follow, async (ctx, follow) => {
    if (follow.objectId?.href !== ctx.getActorUri(NAME).href) return;
    const follower = await follow.getActor(ctx);
    if (!isActor(follower)) throw new Error(`cannot fetch follower ${follow.actorId}`);
    await ctx.sendActivity({ identifier: NAME }, follower, new Accept({
      id: new URL(`/accepts/${crypto.randomUUID()}`, ctx.origin),
      actor: ctx.getActorUri(NAME),
      object: follow,
    }));
    emit("followed", { actor: follower.id?.href });
  })
  .on(Accept, (_ctx, accept) => {
    emit("accepted", { actor: accept.actorId?.href, follow: accept.objectId?.href });
  })
  .on(Create, async (ctx, create) => {
    const object = await create.getObject(ctx);
    if (!(object instanceof Note)) return;
    emit("note", { actor: create.actorId?.href, id: object.id?.href, content: object.content?.toString() });
  })
  .onError((_ctx, error) => emit("error", { message: String(error?.stack ?? error) }));

// resolveActor does WebFinger over http and fetches the actor through Fedify.
async function resolveActor(ctx, account) {
  const host = account.split("@").pop();
  const res = await fetch(`http://${host}/.well-known/webfinger?resource=acct:${account}`);
  if (!res.ok) throw new Error(`webfinger ${account}: HTTP ${res.status}`);
  const self = (await res.json()).links?.find((l) => l.rel === "self");
  if (!self?.href) throw new Error(`webfinger ${account}: no self link`);
  const actor = await ctx.lookupObject(self.href);
  if (!isActor(actor)) throw new Error(`${self.href} is not an actor`);
  return actor;
}

const control = {
  async follow(ctx, { account }) {
    const actor = await resolveActor(ctx, account);
    const follow = new Follow({
      id: new URL(`/follows/${crypto.randomUUID()}`, ctx.origin),
      actor: ctx.getActorUri(NAME),
      object: actor.id,
    });
    await ctx.sendActivity({ identifier: NAME }, actor, follow);
    return { actor: actor.id.href, follow: follow.id.href };
  },
  async mention(ctx, { account, text }) {
    const actor = await resolveActor(ctx, account);
    const id = new URL(`/notes/${crypto.randomUUID()}`, ctx.origin);
    const note = new Note({
      id,
      attribution: ctx.getActorUri(NAME),
      to: PUBLIC_COLLECTION,
      cc: actor.id,
      content: `<p><span class="h-card"><a href="${actor.url?.href ?? actor.id.href}" class="u-url mention">@${account.split("@")[0]}</a></span> ${text}</p>`,
      tags: [new Mention({ href: actor.id, name: `@${account}` })],
    });
    await ctx.sendActivity({ identifier: NAME }, actor, new Create({
      id: new URL(`${id.href}/activity`),
      actor: ctx.getActorUri(NAME),
      object: note,
      to: PUBLIC_COLLECTION,
      cc: actor.id,
    }), { preferSharedInbox: true });
    return { note: id.href };
  },
};

function toRequest(req, body) {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const url = new URL(req.url, `http://${req.headers.host}`);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, { method: req.method, headers, body: hasBody ? body : undefined });
}

const server = http.createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const request = toRequest(req, Buffer.concat(chunks));
    const url = new URL(request.url);
    let response;
    const step = url.pathname.startsWith("/_test/") && control[url.pathname.slice("/_test/".length)];
    if (step) {
      try {
        const ctx = federation.createContext(new URL(url.origin), undefined);
        response = Response.json(await step(ctx, await request.json()));
      } catch (error) {
        emit("error", { message: String(error?.stack ?? error) });
        response = Response.json({ error: String(error) }, { status: 500 });
      }
    } else {
      response = await federation.fetch(request, { contextData: undefined });
    }
    res.writeHead(response.status, [...response.headers].flat());
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    emit("error", { message: String(error?.stack ?? error) });
    res.writeHead(500).end();
  }
});

server.listen(0, "127.0.0.1", () => emit("ready", { port: server.address().port }));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
