/**
 * TLS for the peer → chaincode-server link (mutual): a small CA of the devnet's own, a
 * server certificate for the chaincode server on loopback and a client certificate the
 * peers present. cryptogen covers only peers, orderers and users, hence node-forge here.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface ChaincodeTls {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

const YEARS_VALID = 5;

function rsaKeyPair(): {
  privatePem: string;
  publicKey: forge.pki.PublicKey;
  privateKey: forge.pki.PrivateKey;
} {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(privatePem) as forge.pki.rsa.PrivateKey;
  return {
    privatePem,
    privateKey: forgeKey,
    publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e),
  };
}

function certificate(
  subjectCn: string,
  publicKey: forge.pki.PublicKey,
  issuer: { cert?: forge.pki.Certificate; key: forge.pki.PrivateKey },
  extensions: object[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // Positive serial: a leading 0x01 keeps the DER integer from reading as negative.
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + YEARS_VALID * 365 * 24 * 3600_000);
  const subject = [
    { name: 'commonName', value: subjectCn },
    { name: 'organizationName', value: 'clearance devnet' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(issuer.cert ? issuer.cert.subject.attributes : subject);
  cert.setExtensions(extensions);
  cert.sign(issuer.key as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return cert;
}

export function generateChaincodeTls(host: string): ChaincodeTls {
  const ca = rsaKeyPair();
  const caCert = certificate('clearance chaincode TLS CA', ca.publicKey, { key: ca.privateKey }, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  const issuer = { cert: caCert, key: ca.privateKey };
  const server = rsaKeyPair();
  const serverCert = certificate('chaincode.clearance.test', server.publicKey, issuer, [
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: host },
      ],
    },
  ]);
  const client = rsaKeyPair();
  const clientCert = certificate('peer.clearance.test', client.publicKey, issuer, [
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  return {
    caCert: forge.pki.certificateToPem(caCert),
    serverCert: forge.pki.certificateToPem(serverCert),
    serverKey: server.privatePem,
    clientCert: forge.pki.certificateToPem(clientCert),
    clientKey: client.privatePem,
  };
}
