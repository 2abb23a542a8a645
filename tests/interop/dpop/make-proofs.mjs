// Makes RFC 9449 DPoP proofs with the `jose` library, for ApiGuard's interop tests.
// stdin:  {"alg": "ES256"|"EdDSA"|"RS256"|"PS256", "privateJwk"?: {...},
//          "proofs": [{"htm": "GET", "htu": "http://...", "nonce"?: "...", "accessToken"?: "...", "iatOffset"?: seconds, "jti"?: "..."}]}
// stdout: {"privateJwk": {...}, "publicJwk": {...}, "thumbprint": "...", "proofs": ["eyJ..."]}
// Without privateJwk a new key pair is generated; pass the returned privateJwk back to sign more proofs with the same key.
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';

const input = JSON.parse(await new Promise((resolve, reject) => {
  let data = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => { data += chunk; });
  process.stdin.on('end', () => resolve(data));
  process.stdin.on('error', reject);
}));

const alg = input.alg;
let privateKey;
let privateJwk = input.privateJwk;
if (privateJwk) {
  privateKey = await importJWK(privateJwk, alg);
} else {
  const pair = await generateKeyPair(alg, { extractable: true, crv: alg === 'EdDSA' ? 'Ed25519' : undefined, modulusLength: 2048 });
  privateKey = pair.privateKey;
  privateJwk = await exportJWK(pair.privateKey);
}

const publicJwk = Object.fromEntries(
  Object.entries(privateJwk).filter(([k]) => ['kty', 'crv', 'x', 'y', 'n', 'e'].includes(k)));

const proofs = [];
for (const p of input.proofs) {
  const claims = { htm: p.htm, htu: p.htu, jti: p.jti ?? randomUUID() };
  if (p.nonce) claims.nonce = p.nonce;
  if (p.accessToken) claims.ath = createHash('sha256').update(p.accessToken, 'ascii').digest('base64url');
  const iat = Math.floor(Date.now() / 1000) + (p.iatOffset ?? 0);
  proofs.push(await new SignJWT(claims)
    .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk: publicJwk })
    .setIssuedAt(iat)
    .sign(privateKey));
}

process.stdout.write(JSON.stringify({ privateJwk, publicJwk, thumbprint: await calculateJwkThumbprint(publicJwk), proofs }));
