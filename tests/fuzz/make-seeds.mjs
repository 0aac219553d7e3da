// Writes the seed corpora in tests/fuzz/corpus/<target>/ from the cases
// of the black-box and attack tests.  Run once; the seeds are committed.
//   node tests/fuzz/make-seeds.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'corpus');
const b64u = (s) => Buffer.from(s).toString('base64url');
const put = (target, items) => {
  mkdirSync(join(dir, target), { recursive: true });
  for (const it of items) {
    const buf = Buffer.from(it);
    writeFileSync(join(dir, target, createHash('sha1').update(buf).digest('hex').slice(0, 16)), buf);
  }
};

put('query', ['room=MyRoom', 'room=Caf%C3%A9+Room&tenant=acme', 'state=%7B%22room%22%3A%22a%22%7D',
  'code=abc&state=def&iss=https%3A%2F%2Fidp', 'state=a&state=b', 'room=a%0D%0ASet-Cookie:x', 'room=%zz', 'a&&b=&=c&%00',
  'error=access_denied&error_description=%3Cscript%3E', 'room=' + 'a'.repeat(300), 'k=v&'.repeat(70)]);
put('cookie', ['jitsi_oidc_state=v1.AAAA', '_session=x; jitsi_oidc_state=v1.abc;jitsi_oidc_session = "v1.def" ; other',
  'jitsi_oidc_state=a; jitsi_oidc_state=b', 'jitsi_oidc_session=' + 'x'.repeat(5000), '=;;=;a', 'jitsi_oidc_state=\r\n']);
put('unseal', ['v1.', 'v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'v2.AAAA', 'v1.!!!!', '',
  'v1.' + b64u(Buffer.concat([Buffer.from([1]), Buffer.alloc(8, 0xff), Buffer.alloc(40, 7)]))]);
put('config', ['moderator_claim = realm_access.roles\nmoderator_values = a,b\nprompt = login consent\nguests = yes\nsession_lifetime = 0\njitsi_signing = RS256\njitsi_kid = k\n',
  'issuer = https://idp.example.com\nclient_id = j\nclient_secret = s#x\npublic_url = https://m/oidc/\njitsi_url = https://m\njitsi_app_id = a\njitsi_app_secret = b\ncookie_secret = 0123456789abcdef0123456789abcdef\n',
  '# c\n\n  scope = openid email \r\n', 'colour = blue\n', 'no equals sign\n', 'token_lifetime = 99999999999999999999\n',
  'issuer = http://127.0.0.1:9000\nissuer = x\n', 'http_timeout = -1\n', '\0\n',
  'issuer = https://idp.example.com\nclient_id = j\nclient_secret = s#x\npublic_url = https://m/oidc/\njitsi_url = https://m\njitsi_app_id = a\njitsi_app_secret = jitsisecret-0123456789abcdefghijkl\ncookie_secret = 0123456789abcdef0123456789abcdef\nfeatures_all = screen-sharing, flip\nfeatures_moderators = recording\nfeatures_claimed = transcription\nfeatures_claim = groups\nfeatures_values = staff\nfeatures_off = others\nlobby_bypass_claim = groups\nlobby_bypass_values = staff\nvisitor = all\nhidden_from_recorder = none\n',
  'issuer = https://idp.example.com\nclient_id = j\nclient_secret = s#x\npublic_url = https://m/oidc/\njitsi_url = https://m\njitsi_app_id = a\njitsi_app_secret = jitsisecret-0123456789abcdefghijkl\ncookie_secret = 0123456789abcdef0123456789abcdef\nfeatures_all = branding, calendar, create-polls, file-upload, flip, inbound-call, livestreaming, live-translation, lobby, moderation\nfeatures_moderators = outbound-call, recording, room, screen-sharing, send-groupchat, send-private-message, list-visitors, sip-inbound-call, sip-outbound-call, transcription\n',
  'features_moderators = recording\n', 'features_off = recording, others\n']);
const rsaJwk = '{"kty":"RSA","kid":"r1","alg":"RS256","use":"sig","e":"AQAB","n":"' + b64u(Buffer.alloc(256, 0xc3)) + '"}';
put('jwks', [`{"keys":[${rsaJwk}]}`, '{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}',
  '{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}', '{"keys":[{"kty":"oct","k":"AAAA"},{"kty":"OKP","crv":"Ed25519","x":"AAAA"}]}',
  '{"keys":{}}', '[]', '{"keys":[{"kty":"EC","crv":"P-521","x":"AA","y":"AA"},3,null]}',
  // a coordinate one byte short (left-padded) and one byte long (refused)
  '{"keys":[{"kty":"EC","crv":"P-256","kid":"s","x":"oXQxmOAOvc0vwWVvi--p9z8Nlsh9djLNkMmYoKHFwg","y":"nuvyuY_VFg5ZJEzoMM-TMBCulwws3klIGA76SRsVJiA"}]}',
  '{"keys":[{"kty":"EC","crv":"P-256","kid":"l","x":"AH_NzidwPcRdQYPL7m_bS3tYBzM1e-nvE7rPbjx70VRF","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}']);
const claims = { iss: 'https://idp.example.com', aud: 'jitsi', sub: 'alice', nonce: 'n0nce', iat: 1800000000, exp: 1800000300, name: 'A', email: 'a@b.c' };
put('claims', [JSON.stringify(claims), JSON.stringify({ ...claims, aud: ['jitsi', 'b'], azp: 'jitsi' }),
  JSON.stringify({ ...claims, exp: '1900000000' }), JSON.stringify(claims).replace('1800000300', '1e300'),
  JSON.stringify({ ...claims, aud: ['a', 'b'] }), JSON.stringify({ ...claims, name: null, preferred_username: 'bob' }),
  '{"iss":"https://idp.example.com","aud":"jitsi","exp":99999999999999999999}', '{}', '[]', '{"a":',
  '{"iss":"https://idp.example.com","aud":"jitsi","exp":-9223372036854775808}',
  '{"iss":"https://idp.example.com","aud":"jitsi","exp":1800000300,"iat":-9223372036854775808}',
  '{"iss":"https://idp.example.com\\u0000x","aud":"jitsi\\u0000y","nonce":"n0nce\\u0000z","sub":"a\\u0000b"}',
  JSON.stringify({ ...claims, groups: ['staff', 'x'], realm_access: { roles: ['admin'] }, a: { b: 'Nested Name' }, picture: 'https://p/a.png' }),
  JSON.stringify({ ...claims, groups: 'staff', realm_access: { roles: [true, 1, null, { x: 1 }] }, given_name: 'G', family_name: 'F', name: '' }),
  JSON.stringify({ ...claims, iss: 'https://idp.example.com/T1/v2.0', tid: 'T1', _claim_names: { groups: 's' } }),
  JSON.stringify({ ...claims, realm_access: { roles: { admin: {}, staff: { 1: 'x' } } } })]);
const tok = (h, c, sig = 'AAAA') => `${b64u(JSON.stringify(h))}.${b64u(JSON.stringify(c))}.${sig}`;
put('idtoken', [tok({ alg: 'RS256', kid: 'r1' }, claims, b64u(Buffer.alloc(256, 1))), tok({ alg: 'ES256', kid: 'e1' }, claims, b64u(Buffer.alloc(64, 2))),
  tok({ alg: 'none' }, claims, ''), tok({ alg: 'HS256', typ: 'JWT', kid: 'r1' }, claims), tok({ alg: 'RS256' }, claims),
  tok({ alg: 'RS256', kid: 'nope' }, claims), tok({ alg: 'ES256', kid: 'r1' }, claims), tok({ alg: 'RS256', typ: 'jwt' }, claims),
  tok({ alg: 'RS256', crit: ['x'] }, claims), 'a.b', 'a..c', 'eyJ+.b.c',
  tok({ alg: 'HS512' }, claims, b64u(Buffer.alloc(64, 3))), tok({ alg: 'HS384', typ: 'JWT' }, claims, b64u(Buffer.alloc(48, 4))),
  tok({ alg: 'PS256', kid: 'r1' }, claims, b64u(Buffer.alloc(256, 5))), tok({ alg: 'PS512' }, claims, b64u(Buffer.alloc(256, 6)))]);
put('state', [JSON.stringify({ room: 'Team Sync', roomSafe: 'team%20sync', tenant: 'acme', 'config.prejoinConfig.enabled': false }),
  JSON.stringify({ room: 'Caf%C3%A9%20Room' }), JSON.stringify({ roomSafe: 'r1' }), JSON.stringify({ room: '//evil.example' }),
  JSON.stringify({ room: 'a', 'config.subject': 'a b', 'interfaceConfig.X': 3, ios: true, 'config.bad-key': 1, 'config.o': {} }),
  JSON.stringify({ room: 'a%00b' }), '{"room":"a","x":[[[[[[[[[[[[[]]]]]]]]]]]]]}', '[]', '{"room":1}',
  // issue 12: Jitsi's wildcard, plain and as NFKC makes it; the adapter's own paths
  JSON.stringify({ room: '*' }), JSON.stringify({ room: '\uff0a' }), JSON.stringify({ room: 'a', tenant: '%EF%B9%A1' }),
  JSON.stringify({ roomSafe: 'x*y' }), JSON.stringify({ room: 'tokenize', tenant: 'oidc' }), JSON.stringify({ room: 'OIDC' })]);
