// Signs one request with the independent http-message-signatures implementation and sends it over real HTTP.
// usage: node sign-and-send.js <url> <alg> <keyid> <private key file> [json body]
// prints {"status":..,"body":..,"signatureInput":..} on stdout.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const { httpbis, createSigner } = require('http-message-signatures');

function loadPrivateKey(alg, file) {
  const text = fs.readFileSync(file, 'utf8');
  return alg === 'hmac-sha256' ? Buffer.from(text.trim(), 'base64') : crypto.createPrivateKey(text);
}

(async () => {
  const [, , url, alg, keyid, keyFile, body] = process.argv;
  const method = body === undefined ? 'GET' : 'POST';
  const headers = {};
  const fields = ['@method', '@target-uri'];
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-digest'] = 'sha-256=:' + crypto.createHash('sha256').update(body).digest('base64') + ':';
    fields.push('content-digest', 'content-type');
  }

  const signed = await httpbis.signMessage({
    key: createSigner(loadPrivateKey(alg, keyFile), alg, keyid),
    name: 'sig1',
    fields,
    params: ['created', 'keyid', 'nonce'],
    paramValues: { nonce: crypto.randomBytes(16).toString('base64url') },
  }, { method, url, headers });

  const response = await fetch(url, { method, headers: signed.headers, body });
  process.stdout.write(JSON.stringify({
    status: response.status,
    body: await response.text(),
    signatureInput: signed.headers['Signature-Input'],
  }) + '\n');
})().catch((e) => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(1);
});
