import http from 'node:http';
// node tests/tools/review2-chromium-domain-cookie.mjs (from tests/, for playwright-core)
// Chromium keeps a cookie planted for Domain=<our host> next to our host-only
// one, and the deletions the adapter sends (host-only, Domain=parent) leave it.
import { chromium } from 'playwright-core';
const srv = http.createServer((q, s) => {
  const h = { 'content-type': 'text/plain' };
  if (q.url === '/plant') h['set-cookie'] = 'c=planted; Domain=meet.example.test; Path=/';
  if (q.url === '/own') h['set-cookie'] = 'c=own; Path=/';
  if (q.url === '/del') h['set-cookie'] = ['c=; Max-Age=0; Path=/', 'c=; Max-Age=0; Path=/; Domain=example.test'];
  s.writeHead(200, h); s.end(`cookie: ${q.headers.cookie || ''}\n`);
}).listen(0, '127.0.0.1');
await new Promise((r) => srv.on('listening', r));
const port = srv.address().port;
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: [`--host-resolver-rules=MAP * 127.0.0.1:${port}`, '--no-sandbox'] });
const p = await (await b.newContext()).newPage();
for (const u of ['plant', 'own', 'show', 'del', 'show']) {
  await p.goto(`http://sub.meet.example.test/${u}`.replace('sub.', u === 'plant' ? 'sub.' : ''));
  console.log(u, (await p.textContent('body')).trim());
}
await b.close(); srv.close();
