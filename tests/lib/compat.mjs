// What the tests use of a newer Node.js than Debian bookworm's own (18.20,
// whose fetch is Debian's undici 5.15), made available on it.  Imported
// by tests/lib/harness.mjs and tests/lib/walk.mjs, which every test file
// loads; on a newer node it changes nothing.

// Headers.getSetCookie() (undici 5.19, node 19.7/18.14 with its own
// undici): the older fetch joins every Set-Cookie header into one value
// with ", ".  A comma followed by a cookie's name and "=" starts the next
// one; the comma inside an Expires date ("Thu, 01 Jan 1970") does not.
if (typeof Headers !== 'undefined' && !Headers.prototype.getSetCookie) {
  Object.defineProperty(Headers.prototype, 'getSetCookie', {
    value() {
      const v = this.get('set-cookie');
      return v ? v.split(/,\s*(?=[^;,=\s]+=)/) : [];
    },
    configurable: true,
    writable: true,
  });
}
