/**
 * Who the demo acts as, signed in: the officers and the lane device (their passwords from
 * the devnet's gateway secrets), the two demo traders (their PKCS#12 files), and the ledger
 * identities of the e-lock operator and the customs officers for the seal acts the gateway
 * has no routes for.
 */
import { canonicalBytes } from '@clearance/core';
import type { Jurisdiction } from '@clearance/domain';
import { createFabricLedger, loadConfig, type Ledger } from '@clearance/gateway';
import * as path from 'node:path';
import { z } from 'zod';
import { signInTrader } from '@clearance/testkit/gateway';
import { GatewayClient } from './client';
import { demoFiling, type GOODS } from './goods';
import type { DemoAct, DemoOfficer } from './scenes';
import { loadTrader, type DemoTrader } from './traders';

const Hex16 = z.string().regex(/^[0-9a-f]{32}$/i, '32 hex digits');

/** What `npm start` hands the demo on its standard input. */
export const LifeInputSchema = z
  .object({
    gateway: z.url(),
    passwords: z.record(z.string(), z.string().min(1)),
    tagKeys: z.object({ metaKey: Hex16, masterKey: Hex16 }).strict(),
    startedAt: z.number().int().positive(),
  })
  .strict();
export type LifeInput = z.infer<typeof LifeInputSchema>;

const OFFICERS: readonly DemoOfficer[] = [
  'gdcustoms/officer1',
  'gdciq/inspector1',
  'hkcustoms/officer1',
  'hkcustoms/lane-lmc',
];

export interface DemoLedgers {
  operator: Ledger;
  gdOfficer: Ledger;
  hkOfficer: Ledger;
}

export class DemoWorld {
  readonly gateway: GatewayClient;
  /** Tells this demo's records apart from an earlier run's (ids must be new on the ledger). */
  readonly runTag = Date.now().toString(36).toUpperCase();
  readonly ledgers: DemoLedgers;
  private readonly tokens = new Map<string, string>();
  private readonly traders = new Map<Jurisdiction, { trader: DemoTrader; token: string }>();

  constructor(
    readonly input: LifeInput,
    readonly demoDir: string,
    connections: string,
    readonly log: (line: string) => void,
  ) {
    this.gateway = new GatewayClient(input.gateway);
    const ledger = (who: string) =>
      createFabricLedger(
        loadConfig({ FABRIC_CONNECTION: path.join(connections, `${who}.json`) }).fabric,
      );
    this.ledgers = {
      operator: ledger('logistics/operator1'),
      gdOfficer: ledger('gdcustoms/officer1'),
      hkOfficer: ledger('hkcustoms/officer1'),
    };
  }

  /** Signs in the officers, the lane device and both demo traders. */
  async signIn(traderPassword: string): Promise<void> {
    for (const account of OFFICERS) {
      const password = this.input.passwords[account];
      if (!password) throw new Error(`no password for ${account} in the gateway's secrets`);
      this.tokens.set(account, await this.gateway.signInOfficer(account, password));
    }
    for (const jurisdiction of ['GD', 'HK'] as const) {
      const trader = await loadTrader(this.demoDir, jurisdiction, traderPassword);
      this.traders.set(jurisdiction, {
        trader,
        token: await signInTrader(this.gateway.base, trader),
      });
    }
  }

  private token(account: DemoOfficer): string {
    const token = this.tokens.get(account);
    if (!token) throw new Error(`${account} is not signed in`);
    return token;
  }

  lane(): { token: string; tagKeys: { metaKey: Buffer; masterKey: Buffer } } {
    return {
      token: this.token('hkcustoms/lane-lmc'),
      tagKeys: {
        metaKey: Buffer.from(this.input.tagKeys.metaKey, 'hex'),
        masterKey: Buffer.from(this.input.tagKeys.masterKey, 'hex'),
      },
    };
  }

  /** The demo trader of `jurisdiction` signs and files one side of consignment `ref`. */
  async file(
    declarationId: string,
    jurisdiction: Jurisdiction,
    ref: string,
    goods: (typeof GOODS)[number],
    conveyance: string,
  ): Promise<void> {
    const own = this.traders.get(jurisdiction);
    if (!own) throw new Error(`the ${jurisdiction} trader is not signed in`);
    const filing = demoFiling(declarationId, jurisdiction, ref, goods, conveyance);
    const signature = await own.trader.sign(canonicalBytes(filing));
    await this.gateway.operation(
      '/v1/declarations',
      own.token,
      { ...filing, signature: Buffer.from(signature).toString('base64') },
      `filing ${declarationId}`,
    );
  }

  /** The officers' acts on a declaration, one after the other, each committed. */
  async acts(declarationId: string, acts: readonly DemoAct[]): Promise<void> {
    for (const { by, act } of acts)
      await this.gateway.operation(
        `/v1/declarations/${encodeURIComponent(declarationId)}/acts`,
        this.token(by),
        act,
        `${act.action} of ${declarationId} by ${by}`,
      );
  }

  /** An officer's GET, for what the demo reports (seals listed, alarms). */
  read(path: string): Promise<unknown> {
    return this.gateway.expect(
      this.gateway.request('GET', path, { token: this.token('gdcustoms/officer1') }),
      [200],
      `GET ${path}`,
    );
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.ledgers).map((l) => l.close().catch(() => undefined)));
  }
}
