// The suite-wide checks that every CGI run passes through (harness.mjs
// checkInvariants) really catch what they are meant to catch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkInvariants, writeConfig, tempDir, SECRETS } from './lib/harness.mjs';

const env = () => ({ JITSI_OIDC_CONFIG: writeConfig(tempDir(), 'http://127.0.0.1:9/idp'), PATH_INFO: '/x', QUERY_STRING: 'code=abcdefgh12345678', HTTP_COOKIE: 'jitsi_oidc_state=v1.AAAAAAAAAAAAAAAAAAAA' });
const res = (o) => ({ raw: '', stderr: '', location: undefined, ...o });

test('invariants: a leaked secret, code, cookie or token is caught', () => {
  assert.throws(() => checkInvariants(env(), res({ raw: `x ${SECRETS.jitsi}` })), /secret leaked/);
  assert.throws(() => checkInvariants(env(), res({ stderr: `x ${SECRETS.client}` })), /secret leaked/);
  assert.throws(() => checkInvariants(env(), res({ stderr: 'got abcdefgh12345678' })), /code logged/);
  assert.throws(() => checkInvariants(env(), res({ stderr: 'v1.AAAAAAAAAAAAAAAAAAAA' })), /cookie value logged/);
  assert.throws(() => checkInvariants(env(), res({ stderr: 'eyJhbGciOiJIUzI1NiJ9' })), /token-like/);
});

test('invariants: a Location outside jitsi_url, /tokenize and the provider is caught', () => {
  for (const loc of ['https://evil.example/', 'https://meet.example.test.evil/x', '//evil']) {
    assert.throws(() => checkInvariants(env(), res({ location: loc })), /outside the allowed/, loc);
  }
  assert.throws(() => checkInvariants(env(), res({ location: 'http://127.0.0.1:9/idp/auth?jwt=x' })), /token sent outside/);
  assert.throws(() => checkInvariants(env(), res({ raw: 'body jwt=abc' })), /token outside the Location/);
  for (const loc of ['https://meet.example.test/Room?jwt=a.b.c', 'https://meet.example.test/oidc/tokenize', 'http://127.0.0.1:9/idp/auth?x=1']) {
    assert.doesNotThrow(() => checkInvariants(env(), res({ location: loc, raw: `Location: ${loc}` })));
  }
});

test('invariants: a token in a page link outside jitsi_url, the apps\' schemes or the app\'s own intent is caught', () => {
  for (const u of ['intent://meet.example.test/R?jwt=a#Intent;scheme=org.jitsi.meet;package=com.evil;end',
    'intent://evil.example/R?jwt=a#Intent;scheme=org.jitsi.meet;package=org.jitsi.meet;end',
    'evil-scheme://meet.example.test/R?jwt=a', 'https://evil.example/R?jwt=a']) {
    assert.throws(() => checkInvariants(env(), res({ raw: `<a href="${u}">x</a>` })), /token outside the Location/, u);
  }
  for (const u of ['intent://meet.example.test/R?jwt=a#Intent;scheme=org.jitsi.meet;package=org.jitsi.meet;end',
    'org.jitsi.meet://meet.example.test/R?jwt=a', 'https://meet.example.test/R?jwt=a']) {
    assert.doesNotThrow(() => checkInvariants(env(), res({ raw: `<a href="${u}">x</a>` })), u);
  }
});

test('invariants: a token in a page other than the popup\'s message to jitsi_url\'s origin is caught', () => {
  const tok = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
  const popup = (origin, val = tok, type = 'oauth-success') => `<p id="jo" hidden data-to="opener" data-origin="${origin}" data-type="${type}" data-key="accessToken" data-val="${val}"></p>`;
  assert.doesNotThrow(() => checkInvariants(env(), res({ raw: popup('https://meet.example.test') })));
  for (const raw of [popup('https://evil.example'), popup('*'), popup('https://meet.example.test.evil'),
    `<p>${tok}</p>`, popup('https://meet.example.test') + `<p>${tok.replace('c2ln', 'b3Ro')}</p>`,
    popup('https://meet.example.test', tok, 'oauth-error')]) {
    assert.throws(() => checkInvariants(env(), res({ raw })), /a token in a page outside the popup/, raw);
  }
});
