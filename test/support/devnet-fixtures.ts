/**
 * What the devnet tests set up again and again: a ledger per officer, a signed GD filing
 * under a trust list made for the run, and an accredited e-lock sealing a declaration.
 */
import {
  listAuthority,
  createTestPki,
  sampleFiling,
  signFiling,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { loadConfig, type Ledger, type createAccountStore } from '@clearance/gateway';
import { ONE_HOST_OFFICERS, type Devnet } from '@clearance/devnet';

/** One ledger connection per officer (`<org>/<name>`), made on first use. */
export { officerLedgers } from '@clearance/load/bench-devnet';

/** A test PKI whose GD authority is put on the trust list (ids unique to `run`). */
export async function trustedPki(as: (who: string) => Ledger, run: string): Promise<TestPki> {
  const pki = await createTestPki({ idSuffix: run });
  await listAuthority(as('gdcustoms/trust-admin'), as('hkcustoms/trust-admin'), pki.gd);
  return pki;
}

/** Files a GD declaration signed by the GD test trader, through the GD filing agent. */
export async function fileGd(as: (who: string) => Ledger, pki: TestPki, declarationId: string) {
  const signed = await signFiling(sampleFiling(declarationId), pki.signers.gdTrader);
  return as('gdcustoms/agent').submit('Declaration:File', signed.args, signed.transient);
}

export interface SealSetup {
  deviceId: string;
  sealId: string;
  publicKeyPem: string;
  tagUid: string;
  declarationIds: string[];
  routeId?: string;
  conveyance?: string;
}

/** Registers an e-lock, has both customs services accredit it, and applies its seal. */
export async function sealedDevice(as: (who: string) => Ledger, s: SealSetup): Promise<void> {
  const operator = as('logistics/operator1');
  await operator.submit('Seal:RegisterDevice', [
    JSON.stringify({
      deviceId: s.deviceId,
      model: 'GPS-ELOCK-7',
      publicKeyPem: s.publicKeyPem,
      tagUid: s.tagUid,
    }),
  ]);
  await as('gdcustoms/officer1').submit('Seal:AccreditDevice', [s.deviceId]);
  await as('hkcustoms/officer1').submit('Seal:AccreditDevice', [s.deviceId]);
  const seal = JSON.stringify({
    sealId: s.sealId,
    deviceId: s.deviceId,
    conveyance: s.conveyance ?? 'ZM1234',
    routeId: s.routeId ?? 'HKIA-FUTIAN',
    declarationIds: s.declarationIds,
  });
  // A submit waits for its own peer's commit only: the operator's peer may not have the
  // second accreditation yet, and refuses with INVALID_STATE until it has.
  for (let attempt = 1; ; attempt++) {
    try {
      await operator.submit('Seal:ApplySeal', [seal]);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'INVALID_STATE' || attempt === 10) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Every devnet officer as a gateway account (filing agents without a sign-in password). */
export async function importDevnetAccounts(
  accounts: ReturnType<typeof createAccountStore>,
  devnet: Devnet,
  password: string,
): Promise<void> {
  for (const o of ONE_HOST_OFFICERS) {
    const { fabric } = loadConfig({
      FABRIC_CONNECTION: devnet.connectionFile(`${o.org}/${o.name}`),
    });
    await accounts.upsert({
      organisation: o.org,
      username: o.name,
      role: o.role,
      controlPoint: o.controlPoint,
      mspId: fabric.mspId,
      certificate: fabric.certificate,
      privateKey: fabric.privateKey,
      ...(o.role === 'filing-agent' ? {} : { password }),
    });
  }
}
