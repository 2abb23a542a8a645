// An HTTP server on 127.0.0.1 that verifies RFC 9421 signatures with the independent http-message-signatures implementation.
// usage: node verify-server.js '<json {keyid: {alg, file}}>'  (file: public PEM, or base64 secret for hmac-sha256)
// prints the port on the first stdout line; answers 200 "verified <keyid>" or 401 "rejected: <why>".
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const { httpbis, createVerifier } = require('http-message-signatures');

const keys = JSON.parse(process.argv[2]);

function loadPublicKey(alg, file) {
  const text = fs.readFileSync(file, 'utf8');
  return alg === 'hmac-sha256' ? Buffer.from(text.trim(), 'base64') : crypto.createPublicKey(text);
}

function digestMatches(header, body) {
  if (!header) {
    return body.length === 0;
  }

  const match = /^(sha-256|sha-512)=:([A-Za-z0-9+/=]+):$/.exec(header.trim());
  if (!match) {
    return false;
  }

  const actual = crypto.createHash(match[1] === 'sha-256' ? 'sha256' : 'sha512').update(body).digest();
  const expected = Buffer.from(match[2], 'base64');
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected);
}

const server = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) {
    chunks.push(chunk);
  }

  const body = Buffer.concat(chunks);
  let keyid = null;
  try {
    if (!digestMatches(req.headers['content-digest'], body)) {
      throw new Error('content-digest mismatch');
    }

    const ok = await httpbis.verifyMessage({
      keyLookup: async (params) => {
        const key = keys[params.keyid];
        if (!key) {
          return null;
        }

        keyid = params.keyid;
        return { id: params.keyid, algs: [key.alg], verify: createVerifier(loadPublicKey(key.alg, key.file), key.alg) };
      },
      requiredFields: body.length > 0 ? ['@method', '@target-uri', 'content-digest'] : ['@method', '@target-uri'],
      requiredParams: ['created', 'keyid'],
      maxAge: 300,
      tolerance: 30,
    }, { method: req.method, url: `http://${req.headers.host}${req.url}`, headers: req.headers });
    res.writeHead(ok ? 200 : 401, { 'content-type': 'text/plain' });
    res.end(ok ? `verified ${keyid}` : 'rejected: unknown key or no signature');
  } catch (e) {
    res.writeHead(401, { 'content-type': 'text/plain' });
    res.end('rejected: ' + e.message);
  }
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(server.address().port + '\n');
});
