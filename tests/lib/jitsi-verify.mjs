// An independent check of a Jitsi token against every rule Jitsi's own
// verifier applies (shared/jitsi-token-rules.md), using jose -- not the
// adapter's code.  Returns the payload or throws with the broken rule.
import { jwtVerify, decodeProtectedHeader, importSPKI } from 'jose';
import { createHash } from 'node:crypto';

export function jitsiRoomName(urlRoom) {
  // encodeURIComponent(lower(NFKC(decodeURIComponent(urlRoom)))).toLowerCase()
  return encodeURIComponent(decodeURIComponent(urlRoom).normalize('NFKC').toLowerCase()).toLowerCase();
}

// Jitsi's names for context.features, copied from jitsi-meet
// (react/features/base/jwt/constants.ts MEET_FEATURES), not from the
// adapter: the client flags any other name as an invalid feature.
export const MEET_FEATURES = ['branding', 'calendar', 'create-polls', 'file-upload', 'flip',
  'inbound-call', 'livestreaming', 'live-translation', 'lobby', 'moderation', 'outbound-call',
  'recording', 'room', 'screen-sharing', 'send-groupchat', 'send-private-message',
  'list-visitors', 'sip-inbound-call', 'sip-outbound-call', 'transcription'];

// Prosody's is_feature_allowed (util.lib.lua): without a features
// object everything is allowed; with one, only what is true or "true".
export function featureAllowed(payload, feature) {
  const f = payload.context && payload.context.features;
  return f === undefined || f[feature] === true || f[feature] === 'true';
}

function noNulls(v, path) {
  if (v === null) throw new Error(`null at ${path}`);
  if (typeof v === 'object') for (const [k, x] of Object.entries(v)) noNulls(x, `${path}.${k}`);
}

// The token in a URL into Jitsi, as Jitsi's client reads it
// (parseJWTFromURLParams): the hash first, its value JSON (#jwt="..."),
// then ?jwt=.  { token, where } or {} when there is none.
export function tokenFromUrl(url) {
  const u = new URL(url);
  const h = new URLSearchParams(u.hash.slice(1)).get('jwt');
  if (h !== null) {
    let v; try { v = JSON.parse(h); } catch { throw new Error(`#jwt= is not JSON (Jitsi drops it): ${h.slice(0, 20)}`); }
    return { token: v, where: 'hash' };
  }
  const q = u.searchParams.get('jwt');
  return q !== null ? { token: q, where: 'query' } : {};
}

// location: the URL the adapter redirected to.
// keyServer: verify RS256 as Jitsi's asap_key_server mode does, with the
// public key fetched from <keyServer>/<sha256hex(kid)>.pem.
export async function verifyJitsiRedirect(location, { jitsiUrl, appId, secret, audience = 'jitsi',
  subject, keyServer, now = Math.floor(Date.now() / 1000) }) {
  const u = new URL(location);
  const base = new URL(jitsiUrl);
  if (u.origin !== base.origin) throw new Error(`redirect leaves the Jitsi origin: ${u.origin}`);
  const { token, where } = tokenFromUrl(location);
  if (!token) throw new Error('no #jwt= or ?jwt= in the redirect');
  // the hash keeps the token out of access logs: ?oidc=ok is the only
  // query (for the site's login rule); with jitsi_token_in = query, ?jwt=
  const query = [...u.searchParams.keys()].join('&');
  if (query !== (where === 'hash' ? 'oidc' : 'jwt')) throw new Error(`unexpected query parameters: ${query}`);
  const segs = u.pathname.slice(base.pathname.replace(/\/$/, '').length).split('/').filter(Boolean);
  if (segs.length < 1 || segs.length > 2) throw new Error(`path is not /[tenant/]room: ${u.pathname}`);
  const urlRoom = segs[segs.length - 1];
  const tenant = segs.length === 2 ? decodeURIComponent(segs[0]) : null;

  const header = decodeProtectedHeader(token);
  if (header.typ !== 'JWT') throw new Error(`typ must be exactly "JWT", got ${header.typ}`);
  const alg = keyServer ? 'RS256' : 'HS256';
  if (header.alg !== alg) throw new Error(`alg must be ${alg}, got ${header.alg}`);
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) throw new Error('not unpadded base64url');
  let key = new TextEncoder().encode(secret);
  if (keyServer) {
    if (typeof header.kid !== 'string' || !header.kid) throw new Error('kid missing (key server mode)');
    const r = await fetch(`${keyServer}/${createHash('sha256').update(header.kid).digest('hex')}.pem`);
    if (r.status !== 200) throw new Error(`key server answered ${r.status} for kid ${header.kid}`);
    key = await importSPKI(await r.text(), 'RS256');
  }
  const { payload } = await jwtVerify(token, key, {
    algorithms: [alg], currentDate: new Date(now * 1000), clockTolerance: 0,
  });
  if (payload.iss !== appId) throw new Error(`iss ${payload.iss} is not the app id ${appId}`);
  if (!('aud' in payload)) throw new Error('aud missing');
  if (payload.aud !== audience) throw new Error(`aud ${payload.aud} is not ${audience}`);
  if (typeof payload.room !== 'string') throw new Error('room claim missing');
  if (payload.room !== '*' && payload.room !== jitsiRoomName(urlRoom)) {
    throw new Error(`room claim ${payload.room} is not Jitsi's room name ${jitsiRoomName(urlRoom)}`);
  }
  if (typeof payload.sub !== 'string' || !payload.sub) throw new Error('sub missing');
  const wantSub = tenant ? tenant.toLowerCase() : subject;
  if (wantSub && payload.sub.toLowerCase() !== wantSub && payload.sub !== '*') {
    throw new Error(`sub ${payload.sub} is neither the domain nor the tenant (${wantSub})`);
  }
  for (const k of ['exp', 'nbf', 'iat']) if (typeof payload[k] !== 'number') throw new Error(`${k} is not a number`);
  if (now >= payload.exp) throw new Error('expired (no leeway)');
  if (now < payload.nbf) throw new Error('not yet valid (no leeway)');
  if (payload.exp - now < 180) throw new Error('lifetime under Jitsi\'s 3-minute re-login threshold');
  noNulls(payload, 'payload');
  const user = payload.context && payload.context.user;
  if (!user) throw new Error('context.user missing');
  for (const k of ['id', 'name', 'email', 'avatar']) {
    if (k in user && typeof user[k] !== 'string') throw new Error(`context.user.${k} is not a string`);
  }
  // jitsi-contrib's token_lobby_bypass compares lobby_bypass == true
  if ('lobby_bypass' in user && user.lobby_bypass !== true) throw new Error('context.user.lobby_bypass is not true');
  // lib-jitsi-meet reads it with Boolean(): the string "false" would hide
  if ('hidden-from-recorder' in user && typeof user['hidden-from-recorder'] !== 'boolean') {
    throw new Error('context.user["hidden-from-recorder"] is not a boolean');
  }
  if ('role' in user && typeof user.role !== 'string') throw new Error('context.user.role is not a string');
  const features = payload.context.features;
  if (features !== undefined) {
    if (typeof features !== 'object' || Array.isArray(features)) throw new Error('context.features is not an object');
    for (const [k, v] of Object.entries(features)) {
      if (!MEET_FEATURES.includes(k)) throw new Error(`context.features.${k} is not one of Jitsi's features`);
      if (![true, false, 'true', 'false'].includes(v)) throw new Error(`context.features.${k} is not true/false`);
    }
  }
  return { payload, header, urlRoom, tenant, hash: u.hash };
}
